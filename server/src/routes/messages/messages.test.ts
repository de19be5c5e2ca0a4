import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letters, messages, notifications } from '../../db/schema.ts';
import { EVENTS_CHANNEL, type LiveEvent } from '../../notifications/notifier.ts';
import { buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  auditRowsOf,
  buildRelationship,
  type ConnectedWorld,
  daysFromNow,
  expectError,
  expectInvalid,
  expectNotFound,
  expectSignedOut,
  invite,
} from '../../test/world.ts';

let t: TestApp;
let stranger: Person;
let otherClient: Person;
const events: LiveEvent[] = [];

beforeAll(async () => {
  t = await startTestApp();
  stranger = (await buildRelationship(t.app, { mode: 'connected' })).therapist;
  otherClient = (await buildRelationship(t.app)).client;
  await t.services.database.subscribe(
    EVENTS_CHANNEL,
    (payload) => events.push(JSON.parse(payload) as LiveEvent),
    () => {},
  );
});
afterAll(async () => {
  await t?.close();
});

type MessageJson = {
  id: string;
  relationshipId: string;
  senderRole: 'client' | 'therapist';
  kind: 'message' | 'call-request';
  body: string;
  urgent: boolean;
  letterId: string | null;
  sentAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  acknowledgementNote: string | null;
  replyBy: string | null;
  replyDueAt: string | null;
  repliedAt: string | null;
  calledBackAt: string | null;
  callOutcome: string | null;
};
type ListJson = { items: MessageJson[]; nextCursor: string | null };

const HOUR = 3_600_000;
const plus = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

const sendRaw = (person: Person, relationshipId: string, payload: object) =>
  person.request({
    method: 'POST',
    url: `/api/relationships/${relationshipId}/messages`,
    payload,
  });
async function send(person: Person, relationshipId: string, payload: object = {}) {
  const response = await sendRaw(person, relationshipId, { body: 'Hello.', ...payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ message: MessageJson }>().message;
}
const listRaw = (person: Person, relationshipId: string, query = '') =>
  person.request({ method: 'GET', url: `/api/relationships/${relationshipId}/messages${query}` });
async function list(person: Person, relationshipId: string, query = '') {
  const response = await listRaw(person, relationshipId, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ListJson>();
}
const actRaw = (
  person: Person,
  id: string,
  action: 'read' | 'acknowledge' | 'call-back',
  payload: object = {},
) => person.request({ method: 'POST', url: `/api/messages/${id}/${action}`, payload });
async function act(
  person: Person,
  id: string,
  action: 'read' | 'acknowledge' | 'call-back',
  payload: object = {},
) {
  const response = await actRaw(person, id, action, payload);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ message: MessageJson }>().message;
}
async function agree(therapist: Person, relationshipId: string, replyTimeHours: number) {
  const response = await therapist.request({
    method: 'PUT',
    url: `/api/relationships/${relationshipId}/agreement`,
    payload: {
      replyTimeHours,
      contact: 'Email me.',
      availability: 'Weekdays.',
      scheduling: 'Weekly.',
      roomRules: '',
      emergency: 'Call 112.',
    },
  });
  expect(response.statusCode, response.body).toBe(201);
}
const storedOf = (relationshipId: string) =>
  t.services.db
    .select()
    .from(messages)
    .where(eq(messages.relationshipId, relationshipId))
    .orderBy(messages.sentAt);
const stored = async (id: string) =>
  (await t.services.db.select().from(messages).where(eq(messages.id, id)))[0]!;
const noticesOf = (userId: string, relationshipId: string) =>
  t.services.db
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.relationshipId, relationshipId),
        ne(notifications.kind, 'agreement-changed'),
      ),
    )
    .orderBy(notifications.createdAt);

async function eventually<T>(find: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('the event never came');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const connected = () => buildRelationship(t.app, { mode: 'connected' });

/** A connected relationship whose agreement promises a reply within `hours`. */
async function agreed(hours = 48): Promise<ConnectedWorld> {
  const world = await connected();
  await agree(world.therapist, world.relationship.id, hours);
  return world;
}

describe('POST /api/relationships/:id/messages', () => {
  it('sends the client’s message with exactly the documented fields, due by the agreed reply time', async () => {
    const { client, relationship } = await agreed(48);
    const message = await send(client, relationship.id, {
      body: '  I have been thinking about Monday.  ',
    });
    expect(Object.keys(message).sort()).toEqual([
      'acknowledgedAt',
      'acknowledgementNote',
      'body',
      'callOutcome',
      'calledBackAt',
      'id',
      'kind',
      'letterId',
      'readAt',
      'relationshipId',
      'repliedAt',
      'replyBy',
      'replyDueAt',
      'senderRole',
      'sentAt',
      'urgent',
    ]);
    expect(message).toEqual({
      id: expect.any(String),
      relationshipId: relationship.id,
      senderRole: 'client',
      kind: 'message',
      body: 'I have been thinking about Monday.',
      urgent: false,
      letterId: null,
      sentAt: expect.any(String),
      readAt: null,
      acknowledgedAt: null,
      acknowledgementNote: null,
      replyBy: null,
      replyDueAt: plus(message.sentAt, 48 * HOUR),
      repliedAt: null,
      calledBackAt: null,
      callOutcome: null,
    });
    expect(Math.abs(new Date(message.sentAt).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('has no reply-due time without an agreement', async () => {
    const { client, therapist, relationship } = await connected();
    expect((await send(client, relationship.id)).replyDueAt).toBeNull();
    expect((await send(therapist, relationship.id)).replyDueAt).toBeNull();
  });

  it('keeps the reply-due time of the agreement in force when it was sent', async () => {
    const { client, therapist, relationship } = await agreed(48);
    const before = await send(client, relationship.id, { body: 'First.' });
    await agree(therapist, relationship.id, 4);
    const after = await send(client, relationship.id, { body: 'Second.' });
    expect(after.replyDueAt).toBe(plus(after.sentAt, 4 * HOUR));
    const { items } = await list(client, relationship.id);
    expect(items.map((m) => [m.id, m.replyDueAt])).toEqual([
      [before.id, plus(before.sentAt, 48 * HOUR)],
      [after.id, plus(after.sentAt, 4 * HOUR)],
    ]);
  });

  it('marks earlier messages replied when the other member writes, never by one’s own', async () => {
    const { client, therapist, relationship } = await agreed();
    const first = await send(client, relationship.id, { body: 'One.' });
    const second = await send(client, relationship.id, { body: 'Two.' });
    expect((await stored(first.id)).repliedAt).toBeNull();
    const answer = await send(therapist, relationship.id, { body: 'I hear you.' });
    const byId = async () =>
      new Map((await list(client, relationship.id)).items.map((m) => [m.id, m]));
    let all = await byId();
    expect(all.get(first.id)?.repliedAt).toBe(answer.sentAt);
    expect(all.get(second.id)?.repliedAt).toBe(answer.sentAt);
    expect(all.get(answer.id)?.repliedAt).toBeNull();
    const more = await send(therapist, relationship.id, { body: 'And one more thing.' });
    all = await byId();
    expect(all.get(first.id)?.repliedAt).toBe(answer.sentAt);
    expect(all.get(answer.id)?.repliedAt).toBeNull();
    const back = await send(client, relationship.id, { body: 'Thank you.' });
    all = await byId();
    expect(all.get(answer.id)?.repliedAt).toBe(back.sentAt);
    expect(all.get(more.id)?.repliedAt).toBe(back.sentAt);
    expect(all.get(back.id)?.repliedAt).toBeNull();
  });

  it('tells the recipient with a notice that holds no words of the message', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id, { body: 'Something private.' });
    const notices = await noticesOf(therapist.id, relationship.id);
    expect(notices.map((n) => [n.kind, n.subjectId])).toEqual([['message', message.id]]);
    expect(Object.keys(notices[0]!).sort()).toEqual([
      'createdAt',
      'id',
      'kind',
      'relationshipId',
      'seenAt',
      'subjectId',
      'userId',
    ]);
    expect(JSON.stringify(notices)).not.toContain('private');
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
    const reply = await send(therapist, relationship.id, { body: 'Thank you for writing.' });
    expect((await noticesOf(client.id, relationship.id)).map((n) => [n.kind, n.subjectId])).toEqual(
      [['message', reply.id]],
    );
    const event = await eventually(() => events.find((e) => e.subjectId === message.id));
    expect(event).toMatchObject({ userId: therapist.id, kind: 'message' });
    expect(JSON.stringify(event)).not.toContain('private');
  });

  it('sends an urgent message and a request to call, each told as such', async () => {
    const { client, therapist, relationship } = await connected();
    const urgent = await send(client, relationship.id, { body: 'Please read soon.', urgent: true });
    const call = await send(client, relationship.id, {
      body: 'Please call me.',
      kind: 'call-request',
    });
    expect(urgent).toMatchObject({ urgent: true, kind: 'message' });
    expect(call).toMatchObject({ urgent: false, kind: 'call-request' });
    expect(
      (await noticesOf(therapist.id, relationship.id)).map((n) => [n.kind, n.subjectId]),
    ).toEqual([
      ['urgent-message', urgent.id],
      ['call-request', call.id],
    ]);
  });

  it('refuses a request to call from the therapist, writing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    expectInvalid(
      await sendRaw(therapist, relationship.id, { body: 'Call?', kind: 'call-request' }),
      ['kind'],
    );
    expect(await storedOf(relationship.id)).toEqual([]);
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
  });

  it('sends one of the client’s letters as a message, and marks the letter sent', async () => {
    const { client, therapist, relationship } = await connected();
    const letterId = randomUUID();
    await t.services.db.insert(letters).values({
      id: letterId,
      relationshipId: relationship.id,
      title: 'About Monday',
      body: 'Dear Sam, …',
    });
    const message = await send(client, relationship.id, { body: 'Dear Sam, …', letterId });
    expect(message.letterId).toBe(letterId);
    const [letter] = await t.services.db.select().from(letters).where(eq(letters.id, letterId));
    expect(letter?.sentAt?.toISOString()).toBe(message.sentAt);
    // Sending it again keeps the first time it was sent.
    await send(client, relationship.id, { body: 'Dear Sam, … (again)', letterId });
    const [again] = await t.services.db.select().from(letters).where(eq(letters.id, letterId));
    expect(again?.sentAt?.toISOString()).toBe(message.sentAt);
    // The therapist has no letters to send.
    expectInvalid(await sendRaw(therapist, relationship.id, { body: 'x', letterId }), ['letterId']);
  });

  it('refuses a letter of another relationship, or none, writing nothing', async () => {
    const { client, relationship } = await connected();
    const elsewhere = await buildRelationship(t.app, { client });
    const letterId = randomUUID();
    await t.services.db.insert(letters).values({
      id: letterId,
      relationshipId: elsewhere.relationship.id,
      title: 'Elsewhere',
      body: 'Not for this therapist.',
    });
    for (const id of [letterId, randomUUID(), 'nope']) {
      expectInvalid(await sendRaw(client, relationship.id, { body: 'x', letterId: id }), [
        'letterId',
      ]);
    }
    expect(await storedOf(relationship.id)).toEqual([]);
    const [letter] = await t.services.db.select().from(letters).where(eq(letters.id, letterId));
    expect(letter?.sentAt).toBeNull();
  });

  it('is 409 not_connected while solo and relationship_ended once ended, writing nothing', async () => {
    const solo = await buildRelationship(t.app);
    expectError(
      await sendRaw(solo.client, solo.relationship.id, { body: 'Hello?' }),
      409,
      'not_connected',
    );
    expect(await storedOf(solo.relationship.id)).toEqual([]);
    const { client, therapist, relationship } = await connected();
    await client.request({
      method: 'PATCH',
      url: `/api/relationships/${relationship.id}`,
      payload: { status: 'ended' },
    });
    for (const member of [client, therapist]) {
      expectError(
        await sendRaw(member, relationship.id, { body: 'Hello?' }),
        409,
        'relationship_ended',
      );
    }
    expect(await storedOf(relationship.id)).toEqual([]);
    expect(await noticesOf(therapist.id, relationship.id)).toEqual([]);
  });

  it.each([
    ['an empty body', { body: '' }, 'body'],
    ['a body of spaces', { body: '  \n ' }, 'body'],
    ['a body over 100,000 characters', { body: 'x'.repeat(100_001) }, 'body'],
    ['a body as a number', { body: 5 }, 'body'],
    ['no body', { body: undefined }, 'body'],
    ['urgent as text', { urgent: 'yes' }, 'urgent'],
    ['an unknown kind', { kind: 'letter' }, 'kind'],
    ['a letter id as a number', { letterId: 5 }, 'letterId'],
    ['a sender role', { senderRole: 'therapist' }, 'senderRole'],
    ['a reply-due time', { replyDueAt: daysFromNow(1) }, 'replyDueAt'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, change, field) => {
    const { client, therapist, relationship } = await agreed();
    expectInvalid(await sendRaw(client, relationship.id, { body: 'Hello.', ...change }), [field]);
    expect(await storedOf(relationship.id)).toEqual([]);
    expect(await noticesOf(therapist.id, relationship.id)).toEqual([]);
  });

  it('accepts a body of exactly 100,000 characters', async () => {
    const { client, relationship } = await connected();
    expect((await send(client, relationship.id, { body: 'y'.repeat(100_000) })).body).toHaveLength(
      100_000,
    );
  });

  it('is 404 for outsiders, an invited therapist and a malformed id, 401 when signed out', async () => {
    const { relationship, client } = await connected();
    const solo = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(solo.client, solo.relationship.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await sendRaw(outsider, relationship.id, { body: 'Hi.' }));
    }
    expectNotFound(await sendRaw(invited, solo.relationship.id, { body: 'Hi.' }));
    expectNotFound(await sendRaw(client, 'nope', { body: 'Hi.' }));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/relationships/${relationship.id}/messages`, {
        body: 'Hi.',
      }),
    );
    expect(await storedOf(relationship.id)).toEqual([]);
    expect(await storedOf(solo.relationship.id)).toEqual([]);
  });
});

describe('GET /api/relationships/:id/messages', () => {
  it('shows both members the whole thread, oldest first', async () => {
    const { client, therapist, relationship } = await connected();
    const a = await send(client, relationship.id, { body: 'a' });
    const b = await send(therapist, relationship.id, { body: 'b' });
    const c = await send(client, relationship.id, { body: 'c', urgent: true });
    for (const member of [client, therapist]) {
      const page = await list(member, relationship.id);
      expect(page.items.map((m) => m.id)).toEqual([a.id, b.id, c.id]);
      expect(page.nextCursor).toBeNull();
    }
    expect((await list(client, relationship.id)).items[2]).toEqual(c);
  });

  it('pages back in time: the latest first, then the ones before', async () => {
    const { client, relationship } = await connected();
    const sent = [];
    for (const body of ['1', '2', '3', '4', '5'])
      sent.push(await send(client, relationship.id, { body }));
    const first = await list(client, relationship.id, '?limit=2');
    expect(first.items.map((m) => m.body)).toEqual(['4', '5']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(
      client,
      relationship.id,
      `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`,
    );
    expect(second.items.map((m) => m.body)).toEqual(['2', '3']);
    const third = await list(
      client,
      relationship.id,
      `?limit=2&cursor=${encodeURIComponent(second.nextCursor!)}`,
    );
    expect(third.items.map((m) => m.body)).toEqual(['1']);
    expect(third.nextCursor).toBeNull();
    const exact = await list(client, relationship.id, '?limit=5');
    expect(exact.items).toHaveLength(5);
    expect(exact.nextCursor).toBeNull();
  });

  it.each([
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit over 200', '?limit=201', 'limit'],
    ['a limit as words', '?limit=many', 'limit'],
    ['a broken cursor', '?cursor=not-a-cursor', 'cursor'],
    ['an unknown parameter', '?after=1', 'after'],
  ])('refuses %s with 400', async (_name, query, field) => {
    const { client, relationship } = await connected();
    expectInvalid(await listRaw(client, relationship.id, query), [field]);
  });

  it('records a read by the therapist for the client to see, and nothing for the client', async () => {
    const { client, therapist, relationship } = await connected();
    await send(client, relationship.id);
    const before = (await auditRowsOf(t.services, relationship.id)).length;
    await list(client, relationship.id);
    expect(await auditRowsOf(t.services, relationship.id)).toHaveLength(before);
    await list(therapist, relationship.id);
    expect((await auditRowsOf(t.services, relationship.id)).slice(before)).toEqual([
      expect.objectContaining({
        actorId: therapist.id,
        subjectUserId: client.id,
        action: 'read',
        subjectType: 'messages',
      }),
    ]);
  });

  it('is empty while solo; 404 for outsiders and a malformed id; 401 when signed out', async () => {
    const solo = await buildRelationship(t.app);
    expect(await list(solo.client, solo.relationship.id)).toEqual({ items: [], nextCursor: null });
    const { client, relationship } = await connected();
    await send(client, relationship.id, { body: 'Only for us.' });
    for (const outsider of [stranger, otherClient]) {
      const response = await listRaw(outsider, relationship.id);
      expectNotFound(response);
      expect(response.body).not.toContain('Only for us.');
    }
    expectNotFound(await listRaw(client, 'nope'));
    expectSignedOut(
      await anonymous(t.app, 'GET', `/api/relationships/${relationship.id}/messages`),
    );
  });
});

describe('POST /api/messages/:id/read', () => {
  it('sets readAt once, for the recipient, and tells the sender live', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id);
    const read = await act(therapist, message.id, 'read');
    expect(read.readAt).toEqual(expect.any(String));
    expect({ ...read, readAt: null }).toEqual(message);
    const event = await eventually(() =>
      events.find((e) => e.kind === 'message-read' && e.subjectId === message.id),
    );
    expect(event).toMatchObject({ userId: client.id, relationshipId: relationship.id });
    const again = await act(therapist, message.id, 'read');
    expect(again.readAt).toBe(read.readAt);
    // A read is an event, not a notice.
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
    expect((await auditRowsOf(t.services, relationship.id)).at(-1)).toMatchObject({
      actorId: therapist.id,
      action: 'read',
      subjectType: 'message',
      subjectId: message.id,
    });
  });

  it('lets the client mark the therapist’s message read', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(therapist, relationship.id);
    expect((await act(client, message.id, 'read')).readAt).toEqual(expect.any(String));
  });

  it('is 400 own_message for the sender, changing nothing', async () => {
    const { client, relationship } = await connected();
    const message = await send(client, relationship.id);
    expectError(await actRaw(client, message.id, 'read'), 400, 'own_message');
    expect((await stored(message.id)).readAt).toBeNull();
  });

  it('is 404 for someone else’s message and a malformed id, 401 when signed out', async () => {
    const { client, relationship } = await connected();
    const message = await send(client, relationship.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await actRaw(outsider, message.id, 'read'));
    }
    expectNotFound(await actRaw(client, 'nope', 'read'));
    expectNotFound(await actRaw(client, randomUUID(), 'read'));
    expectSignedOut(await anonymous(t.app, 'POST', `/api/messages/${message.id}/read`, {}));
    expect((await stored(message.id)).readAt).toBeNull();
  });

  it('refuses a body with fields', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id);
    expectInvalid(await actRaw(therapist, message.id, 'read', { readAt: daysFromNow(-1) }), [
      'readAt',
    ]);
    expect((await stored(message.id)).readAt).toBeNull();
  });
});

describe('POST /api/messages/:id/acknowledge', () => {
  it('acknowledges with a promised time and a note, reads it, and tells the sender', async () => {
    const { client, therapist, relationship } = await agreed();
    const message = await send(client, relationship.id);
    const replyBy = daysFromNow(2);
    const acknowledged = await act(therapist, message.id, 'acknowledge', {
      replyBy,
      note: '  Read it — I’ll answer properly on Thursday.  ',
    });
    expect(acknowledged).toMatchObject({
      acknowledgedAt: expect.any(String),
      readAt: acknowledged.acknowledgedAt,
      replyBy,
      acknowledgementNote: 'Read it — I’ll answer properly on Thursday.',
      repliedAt: null,
    });
    expect((await noticesOf(client.id, relationship.id)).map((n) => [n.kind, n.subjectId])).toEqual(
      [['message-acknowledged', message.id]],
    );
    // Again, with a new promise: the first acknowledgement stays, the promise moves.
    const later = daysFromNow(3);
    const again = await act(therapist, message.id, 'acknowledge', { replyBy: later });
    expect(again).toMatchObject({
      acknowledgedAt: acknowledged.acknowledgedAt,
      replyBy: later,
      acknowledgementNote: acknowledged.acknowledgementNote,
    });
    // Nothing new: no new notice.
    await act(therapist, message.id, 'acknowledge', { replyBy: later });
    expect(await noticesOf(client.id, relationship.id)).toHaveLength(2);
  });

  it('keeps an earlier read time, and takes an empty body', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(therapist, relationship.id);
    const read = await act(client, message.id, 'read');
    const acknowledged = await act(client, message.id, 'acknowledge');
    expect(acknowledged.readAt).toBe(read.readAt);
    expect(acknowledged).toMatchObject({ replyBy: null, acknowledgementNote: null });
  });

  it('is 400 own_message for the sender, changing nothing', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id);
    expectError(await actRaw(client, message.id, 'acknowledge', {}), 400, 'own_message');
    const row = await stored(message.id);
    expect([row.acknowledgedAt, row.readAt]).toEqual([null, null]);
    expect(await noticesOf(therapist.id, relationship.id)).toHaveLength(1);
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
  });

  it.each([
    ['a reply-by time in the past', { replyBy: daysFromNow(-1) }, 'replyBy'],
    ['a reply-by time over a year away', { replyBy: daysFromNow(400) }, 'replyBy'],
    ['a reply-by time that is not a time', { replyBy: 'Thursday' }, 'replyBy'],
    ['a reply-by time without an offset', { replyBy: '2030-01-01T10:00:00' }, 'replyBy'],
    ['a note over 2,000 characters', { note: 'x'.repeat(2_001) }, 'note'],
    ['a note as a number', { note: 5 }, 'note'],
    ['another field', { acknowledgedAt: daysFromNow(0) }, 'acknowledgedAt'],
  ])('refuses %s with 400, changing nothing', async (_name, payload, field) => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id);
    expectInvalid(await actRaw(therapist, message.id, 'acknowledge', payload), [field]);
    const row = await stored(message.id);
    expect([row.acknowledgedAt, row.readAt, row.replyBy, row.acknowledgementNote]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
  });

  it('is 404 for someone else’s message and a malformed id, 401 when signed out', async () => {
    const { client, relationship } = await connected();
    const message = await send(client, relationship.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await actRaw(outsider, message.id, 'acknowledge', {}));
    }
    expectNotFound(await actRaw(client, 'nope', 'acknowledge', {}));
    expectSignedOut(await anonymous(t.app, 'POST', `/api/messages/${message.id}/acknowledge`, {}));
    expect((await stored(message.id)).acknowledgedAt).toBeNull();
  });
});

describe('POST /api/messages/:id/call-back', () => {
  it('logs the call back on an urgent message, as its reply, and tells the client', async () => {
    const { client, therapist, relationship } = await agreed();
    const message = await send(client, relationship.id, { body: 'Please call.', urgent: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const at = new Date().toISOString();
    const logged = await act(therapist, message.id, 'call-back', {
      at,
      outcome: 'We talked for ten minutes; we will pick it up on Monday.',
    });
    expect(logged).toMatchObject({
      calledBackAt: at,
      callOutcome: 'We talked for ten minutes; we will pick it up on Monday.',
      repliedAt: at,
      readAt: expect.any(String),
    });
    expect((await noticesOf(client.id, relationship.id)).map((n) => [n.kind, n.subjectId])).toEqual(
      [['call-logged', message.id]],
    );
  });

  it('logs it on a request to call', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id, { kind: 'call-request' });
    const logged = await act(therapist, message.id, 'call-back', {
      at: new Date().toISOString(),
      outcome: 'No answer; left a voicemail.',
    });
    expect(logged.callOutcome).toBe('No answer; left a voicemail.');
  });

  it('is 409 not_urgent on a message that did not ask for a call', async () => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id);
    expectError(
      await actRaw(therapist, message.id, 'call-back', { at: message.sentAt, outcome: 'Called.' }),
      409,
      'not_urgent',
    );
    expect((await stored(message.id)).calledBackAt).toBeNull();
  });

  it('is 404 for the client and outsiders, 400 own_message on the therapist’s own message', async () => {
    const { client, therapist, relationship } = await connected();
    const urgent = await send(client, relationship.id, { urgent: true });
    const own = await send(therapist, relationship.id, { urgent: true });
    const payload = { at: new Date().toISOString(), outcome: 'Called.' };
    for (const person of [client, stranger, otherClient]) {
      expectNotFound(await actRaw(person, urgent.id, 'call-back', payload));
    }
    expectError(await actRaw(therapist, own.id, 'call-back', payload), 400, 'own_message');
    expectNotFound(await actRaw(therapist, 'nope', 'call-back', payload));
    expectSignedOut(
      await anonymous(t.app, 'POST', `/api/messages/${urgent.id}/call-back`, payload),
    );
    expect((await stored(urgent.id)).calledBackAt).toBeNull();
  });

  it.each([
    ['a call in the future', { at: daysFromNow(1), outcome: 'Called.' }, 'at'],
    ['a call before the message', { at: daysFromNow(-1), outcome: 'Called.' }, 'at'],
    ['no time', { outcome: 'Called.' }, 'at'],
    ['an empty outcome', { at: 'now', outcome: '  ' }, 'outcome'],
    ['an outcome over 2,000 characters', { at: 'now', outcome: 'x'.repeat(2_001) }, 'outcome'],
    ['another field', { at: 'now', outcome: 'Called.', by: 'phone' }, 'by'],
  ])('refuses %s with 400, changing nothing', async (_name, payload, field) => {
    const { client, therapist, relationship } = await connected();
    const message = await send(client, relationship.id, { urgent: true });
    const now = 'at' in payload && payload.at === 'now';
    const body = { ...payload, ...(now ? { at: new Date().toISOString() } : {}) };
    expectInvalid(await actRaw(therapist, message.id, 'call-back', body), [field]);
    expect((await stored(message.id)).calledBackAt).toBeNull();
  });
});
