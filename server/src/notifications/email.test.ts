import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, messages } from '../db/schema.ts';
import type { Person } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { buildRelationship, type ConnectedWorld } from '../test/world.ts';
import { startSmtp, type TestSmtp } from './testing.ts';

/**
 * Email through a real SMTP server started in this process: what it receives, and that no
 * message text ever reaches it.
 */

const PUBLIC_URL = 'https://attune.example';
const SECRET = `I have not slept since Tuesday ${randomUUID()}`;

let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({
    env: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL, mailFrom: 'Attune <attune@attune.example>' },
  });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

async function send(person: Person, relationshipId: string, payload: object) {
  const response = await person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/messages`,
    payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ message: { id: string } }>().message;
}

/** Emails received for one address, once every email under way is done. */
async function mailTo(email: string) {
  await t.app.notifications.emails.idle();
  return smtp.received.filter((received) => received.to.includes(email));
}

async function outboxFor(email: string) {
  return t.services.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, email));
}

const connected = (names: { clientName?: string; therapistName?: string } = {}) =>
  buildRelationship(t.app, { mode: 'connected', ...names }) as Promise<ConnectedWorld>;

describe('email for a new message', () => {
  it('tells the recipient there is a message, with a link, and never its text', async () => {
    const { client, therapist, relationship } = await connected({ clientName: 'Robin' });
    await send(client, relationship.id, { body: SECRET });

    const [email, ...more] = await mailTo(therapist.email);
    expect(more).toHaveLength(0);
    expect(email!.from).toBe('attune@attune.example');
    expect(email!.to).toEqual([therapist.email]);
    expect(email!.subject).toBe('New message from Robin on Attune');
    expect(email!.text).toContain('You have a new message from Robin on Attune.');
    expect(email!.text).toContain(`${PUBLIC_URL}/relationships/${relationship.id}?tab=messages`);
    expect(email!.text).toContain(`${PUBLIC_URL}/settings/notifications`);
    for (const part of [SECRET.slice(0, 20), SECRET.slice(-36)]) {
      expect(email!.text).not.toContain(part);
      expect(email!.raw).not.toContain(part);
    }

    const [row] = await outboxFor(therapist.email);
    expect(row).toMatchObject({ status: 'sent', subject: email!.subject, error: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
    expect(row!.dedupeKey).toMatch(/^notice:/);
    expect(row!.text).not.toContain(SECRET.slice(0, 20));
  });

  it("names the therapist to the client by the client's own name for them", async () => {
    const { client, therapist, relationship } = await connected({ therapistName: 'Sam' });
    await send(therapist, relationship.id, { body: SECRET });
    const [email] = await mailTo(client.email);
    expect(email!.subject).toBe('New message from Sam on Attune');
    expect(email!.raw).not.toContain(SECRET.slice(0, 20));
  });

  it('follows the recipient’s settings: no email for messages turned off, urgent ones still', async () => {
    const { client, therapist, relationship } = await connected({ clientName: 'Robin' });
    const response = await therapist.request({
      method: 'PUT',
      url: '/api/me/notification-settings',
      payload: {
        settings: {
          email: {
            message: false,
            urgent: true,
            acknowledged: true,
            agreement: true,
            reminders: true,
          },
          inApp: {
            message: true,
            urgent: true,
            acknowledged: true,
            agreement: true,
            reminders: true,
          },
          unreadReminderHours: 24,
          replyDueReminderHours: 4,
        },
      },
    });
    expect(response.statusCode, response.body).toBe(200);

    await send(client, relationship.id, { body: SECRET });
    expect(await mailTo(therapist.email)).toHaveLength(0);

    await send(client, relationship.id, { body: SECRET, urgent: true });
    await send(client, relationship.id, { body: SECRET, kind: 'call-request' });
    const emails = await mailTo(therapist.email);
    expect(emails.map((email) => email.subject).sort()).toEqual([
      'Robin asked you to call',
      'Robin sent a message marked urgent on Attune',
    ]);
    for (const email of emails) expect(email.raw).not.toContain(SECRET.slice(0, 20));
  });

  it('sends nothing for a message being read (a live update only)', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(therapist, relationship.id, { body: SECRET });
    const before = (await mailTo(therapist.email)).length;
    const read = await client.request({
      method: 'POST',
      url: `/api/messages/${message.id}/read`,
      payload: {},
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(await mailTo(therapist.email)).toHaveLength(before);
  });

  it('never puts the text in an email even when a notice is about a message row directly', async () => {
    const { client, therapist, relationship } = await connected({ clientName: 'Robin' });
    const id = randomUUID();
    await t.services.db.insert(messages).values({
      id,
      relationshipId: relationship.id,
      senderId: client.id,
      senderRole: 'client',
      body: SECRET,
    });
    await t.services.notifier.notify({
      userId: therapist.id,
      relationshipId: relationship.id,
      kind: 'urgent-message',
      subjectId: id,
    });
    const [email] = await mailTo(therapist.email);
    expect(email!.subject).toBe('Robin sent a message marked urgent on Attune');
    expect(email!.text).not.toContain(SECRET.slice(0, 20));
    expect(email!.raw).not.toContain(SECRET.slice(0, 20));
    expect(email!.raw).not.toContain(id);
  });
});

describe('the outbox', () => {
  it('sends an email once per dedupe key', async () => {
    const key = `test:${randomUUID()}`;
    const to = `once-${randomUUID()}@example.test`;
    const email = { to, subject: 'Once', text: 'Only once.', dedupeKey: key };
    const [first, second] = await Promise.all([
      t.app.notifications.mailer.send(email),
      t.app.notifications.mailer.send(email),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await t.app.notifications.mailer.send(email)).toBeUndefined();
    await smtp.waitFor(1);
    expect(smtp.received.filter((received) => received.to.includes(to))).toHaveLength(1);
    expect(await outboxFor(to)).toHaveLength(1);
  });

  it('marks an email the server refused as failed, and the message is still sent', async () => {
    const refusing = await startSmtp({ refuse: true });
    const app = await startTestApp({ env: { smtpUrl: refusing.url, publicUrl: PUBLIC_URL } });
    try {
      const { client, therapist, relationship } = await buildRelationship(app.app, {
        mode: 'connected',
      });
      const response = await client.request({
        method: 'POST',
        url: `/api/relationships/${relationship.id}/messages`,
        payload: { body: SECRET },
      });
      expect(response.statusCode, response.body).toBe(201);
      await app.app.notifications.emails.idle();
      const [row] = await app.services.db
        .select()
        .from(emailOutbox)
        .where(eq(emailOutbox.toAddress, therapist.email));
      expect(row).toMatchObject({ status: 'failed', sentAt: null });
      expect(row!.error).toEqual(expect.any(String));
      expect(app.logs.join('')).toContain('email failed');
    } finally {
      await app.close();
      await refusing.close();
    }
  });

  it('keeps emails local without SMTP_URL, logging to, subject and id but never the text', async () => {
    const local = await startTestApp({ env: { smtpUrl: undefined, publicUrl: PUBLIC_URL } });
    try {
      const { client, therapist, relationship } = await buildRelationship(local.app, {
        mode: 'connected',
        clientName: 'Robin',
      });
      const response = await client.request({
        method: 'POST',
        url: `/api/relationships/${relationship.id}/messages`,
        payload: { body: SECRET },
      });
      expect(response.statusCode, response.body).toBe(201);
      await local.app.notifications.emails.idle();
      const [row] = await local.services.db
        .select()
        .from(emailOutbox)
        .where(eq(emailOutbox.toAddress, therapist.email));
      expect(row).toMatchObject({
        status: 'kept-local',
        subject: 'New message from Robin on Attune',
        sentAt: null,
      });
      expect(row!.text).toContain(`${PUBLIC_URL}/relationships/${relationship.id}?tab=messages`);

      const logged = local.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.outboxId === row!.id);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ to: therapist.email, subject: row!.subject });
      const all = local.logs.join('');
      expect(all).not.toContain('You have a new message');
      expect(all).not.toContain(SECRET.slice(0, 20));
    } finally {
      await local.close();
    }
  });
});
