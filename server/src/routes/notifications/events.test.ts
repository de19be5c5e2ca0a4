import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, openEvents } from '../../notifications/testing.ts';
import { buildClient, buildTherapist } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';

/** GET /api/events over real HTTP: inject cannot stream. */

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t.app);
});
afterAll(async () => {
  await t?.close();
});

const isNotice = (id: string) => (event: { event: string; data: string }) =>
  event.event === 'notice' && (JSON.parse(event.data) as { id: string }).id === id;

describe('GET /api/events', () => {
  it('streams the signed-in person’s notices as server-sent events, ids and kind only', async () => {
    const person = await buildClient(t.app);
    const stream = await openEvents(base, person.cookie);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-store');
      // The security plugin's lock-down headers come with the stream too.
      expect(stream.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(stream.headers['x-content-type-options']).toBe('nosniff');
      await stream.next((event) => event.event === 'ready');

      const relationshipId = randomUUID();
      const event = await t.services.notifier.notify({
        userId: person.id,
        relationshipId: null,
        kind: 'message',
        subjectId: relationshipId,
      });
      const received = await stream.next(isNotice(event.id));
      expect(JSON.parse(received.data)).toEqual({
        id: event.id,
        kind: 'message',
        relationshipId: null,
        subjectId: relationshipId,
        at: event.at,
      });
    } finally {
      stream.close();
    }
  });

  it('carries events without a notice row too (publish), and nobody else’s', async () => {
    const person = await buildTherapist(t.app);
    const stranger = await buildClient(t.app);
    const stream = await openEvents(base, person.cookie);
    try {
      await stream.next((event) => event.event === 'ready');
      const theirs = await t.services.notifier.notify({
        userId: stranger.id,
        relationshipId: null,
        kind: 'message',
        subjectId: null,
      });
      const mine = {
        id: randomUUID(),
        userId: person.id,
        relationshipId: null,
        kind: 'message-read' as const,
        subjectId: randomUUID(),
        at: new Date().toISOString(),
      };
      await t.services.notifier.publish(mine);
      await stream.next(isNotice(mine.id));
      // Events arrive in order: had the stranger's been forwarded, it would be here by now.
      expect(stream.events.some(isNotice(theirs.id))).toBe(false);
      expect(stream.events.map((event) => event.event)).toEqual(['ready', 'notice']);
    } finally {
      stream.close();
    }
  });

  it('reaches every open page of the person', async () => {
    const person = await buildClient(t.app);
    const [one, two] = await Promise.all([
      openEvents(base, person.cookie),
      openEvents(base, person.cookie),
    ]);
    try {
      await one!.next((event) => event.event === 'ready');
      await two!.next((event) => event.event === 'ready');
      expect(t.app.notifications.live.count(person.id)).toBe(2);
      const event = await t.services.notifier.notify({
        userId: person.id,
        relationshipId: null,
        kind: 'agreement-changed',
        subjectId: null,
      });
      await one!.next(isNotice(event.id));
      await two!.next(isNotice(event.id));
    } finally {
      one?.close();
      two?.close();
    }
    await expect.poll(() => t.app.notifications.live.count(person.id)).toBe(0);
  });

  it('sends a heartbeat comment, and ends the stream once the person signs out', async () => {
    const person = await buildClient(t.app);
    const stream = await openEvents(base, person.cookie);
    await stream.next((event) => event.event === 'ready');
    await t.app.notifications.live.heartbeat();
    await expect.poll(() => stream.comments.length).toBeGreaterThan(0);

    const out = await person.request({ method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(out.statusCode).toBe(204);
    await t.app.notifications.live.heartbeat();
    await stream.ended;
    expect(t.app.notifications.live.count(person.id)).toBe(0);
  });

  it('is 401 in the API error shape when signed out', async () => {
    const stream = await openEvents(base);
    try {
      expect(stream.status).toBe(401);
      expect(stream.headers['content-type']).toMatch(/^application\/json/);
    } finally {
      stream.close();
    }
  });

  it('ends open streams when the app closes, without holding close()', async () => {
    const other = await startTestApp();
    const url = await listen(other.app);
    const person = await buildClient(other.app);
    const stream = await openEvents(url, person.cookie);
    await stream.next((event) => event.event === 'ready');
    const closed = other.close().then(() => 'closed');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timed out'), 5_000));
    expect(await Promise.race([closed, timeout])).toBe('closed');
    await stream.ended;
  });
});
