import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../db/schema.ts';
import { EVENTS_CHANNEL, type LiveEvent, type NoticeKind } from '../../notifications/notifier.ts';
import { buildClient, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { anonymous, buildRelationship, expectInvalid, expectSignedOut } from '../../test/world.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type NotificationJson = {
  id: string;
  relationshipId: string | null;
  kind: string;
  subjectId: string | null;
  createdAt: string;
  seenAt: string | null;
};
type ListJson = { items: NotificationJson[]; unseen: number };

const notify = (userId: string, relationshipId: string | null, kind: NoticeKind = 'message') =>
  t.services.notifier.notify({ userId, relationshipId, kind, subjectId: randomUUID() });

async function listOf(person: Person, query = ''): Promise<ListJson> {
  const response = await person.request({ method: 'GET', url: `/api/notifications${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ListJson>();
}

const seen = (person: Person, payload: object) =>
  person.request({ method: 'POST', url: '/api/notifications/seen', payload });

const putSettings = (person: Person, payload: object) =>
  person.request({ method: 'PUT', url: '/api/me/notification-settings', payload });

const defaults = {
  email: {
    message: true,
    urgent: true,
    acknowledged: true,
    agreement: true,
    reminders: true,
    schedule: true,
  },
  inApp: {
    message: true,
    urgent: true,
    acknowledged: true,
    agreement: true,
    reminders: true,
    schedule: true,
  },
  unreadReminderHours: 24,
  replyDueReminderHours: 4,
  appointmentReminderHours: 24,
  timezone: 'UTC',
};

describe('GET /api/notifications', () => {
  it("lists the person's own notices, newest first, with exactly the documented fields", async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const first = await notify(therapist.id, relationship.id, 'message');
    const second = await notify(therapist.id, relationship.id, 'urgent-message');
    await notify(client.id, relationship.id, 'message-acknowledged');

    const list = await listOf(therapist);
    expect(list.unseen).toBe(2);
    expect(list.items.map((item) => item.id)).toEqual([second.id, first.id]);
    expect(Object.keys(list.items[0]!).sort()).toEqual([
      'createdAt',
      'id',
      'kind',
      'relationshipId',
      'seenAt',
      'subjectId',
    ]);
    expect(list.items[0]).toEqual({
      id: second.id,
      relationshipId: relationship.id,
      kind: 'urgent-message',
      subjectId: second.subjectId,
      createdAt: second.at,
      seenAt: null,
    });
    expect((await listOf(client)).items.map((item) => item.kind)).toEqual(['message-acknowledged']);
  });

  it('shows the latest 50 and counts every unseen one', async () => {
    const person = await buildClient(t.app);
    for (let i = 0; i < 55; i++) await notify(person.id, null, 'appointment-changed');
    const list = await listOf(person);
    expect(list.items).toHaveLength(50);
    expect(list.unseen).toBe(55);
  });

  it('filters by relationship', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const other = await buildRelationship(t.app, { client });
    await notify(client.id, relationship.id);
    await notify(client.id, other.relationship.id);
    const list = await listOf(client, `?relationshipId=${relationship.id}`);
    expect(list.items.map((item) => item.relationshipId)).toEqual([relationship.id]);
    expect(list.unseen).toBe(1);
    expectInvalid(
      await client.request({ method: 'GET', url: '/api/notifications?relationshipId=nope' }),
      ['relationshipId'],
    );
  });

  it('leaves out the kinds the person turned off in the app', async () => {
    const person = await buildClient(t.app);
    await notify(person.id, null, 'message');
    await notify(person.id, null, 'unread-message');
    const response = await putSettings(person, {
      settings: { ...defaults, inApp: { ...defaults.inApp, reminders: false } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const list = await listOf(person);
    expect(list.items.map((item) => item.kind)).toEqual(['message']);
    expect(list.unseen).toBe(1);
  });

  it('is 401 signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/notifications'));
  });
});

describe('POST /api/notifications/seen', () => {
  it('marks the given notices seen (204), only the caller’s', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const a = await notify(client.id, relationship.id);
    const b = await notify(client.id, relationship.id);
    const theirs = await notify(therapist.id, relationship.id);

    const response = await seen(client, { ids: [a.id, theirs.id] });
    expect(response.statusCode, response.body).toBe(204);
    expect(response.body).toBe('');
    const list = await listOf(client);
    expect(list.unseen).toBe(1);
    expect(list.items.find((item) => item.id === a.id)?.seenAt).toEqual(expect.any(String));
    expect(list.items.find((item) => item.id === b.id)?.seenAt).toBeNull();
    // Someone else's notice is not touched by naming it.
    expect((await listOf(therapist)).unseen).toBe(1);
  });

  it('marks those of one relationship, or with {} all of them', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const other = await buildRelationship(t.app, { client });
    await notify(client.id, relationship.id);
    await notify(client.id, other.relationship.id);
    await notify(client.id, other.relationship.id);

    expect((await seen(client, { relationshipId: relationship.id })).statusCode).toBe(204);
    expect((await listOf(client)).unseen).toBe(2);
    expect((await seen(client, {})).statusCode).toBe(204);
    expect((await listOf(client)).unseen).toBe(0);
  });

  it("tells the person's other pages, so their badges update", async () => {
    const person = await buildClient(t.app);
    await notify(person.id, null);
    const heard: LiveEvent[] = [];
    const stop = await t.services.database.subscribe(
      EVENTS_CHANNEL,
      (payload) => heard.push(JSON.parse(payload) as LiveEvent),
      () => {},
    );
    try {
      expect((await seen(person, {})).statusCode).toBe(204);
      await expect
        .poll(() => heard.filter((event) => event.userId === person.id).map((e) => e.kind))
        .toEqual(['notifications-seen']);
    } finally {
      await stop();
    }
  });

  it.each([
    ['ids that are not ids', { ids: ['nope'] }, ['ids.0']],
    ['an empty list of ids', { ids: [] }, ['ids']],
    ['ids as a string', { ids: 'all' }, ['ids']],
    ['a relationship id that is not one', { relationshipId: 12 }, ['relationshipId']],
    ['an unknown field', { all: true }, ['all']],
  ])('refuses %s with 400, marking nothing', async (_name, payload, fields) => {
    const person = await buildClient(t.app);
    await notify(person.id, null);
    expectInvalid(await seen(person, payload), fields);
    const [unseen] = await t.services.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.userId, person.id), isNull(notifications.seenAt)));
    expect(unseen).toBeDefined();
  });

  it('is 401 signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'POST', '/api/notifications/seen', {}));
  });
});

describe('/api/me/notification-settings', () => {
  it('answers the defaults when nothing was chosen', async () => {
    const person = await buildClient(t.app);
    const response = await person.request({
      method: 'GET',
      url: '/api/me/notification-settings',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ settings: defaults });
  });

  it('keeps what the person chose, for them only', async () => {
    const person = await buildClient(t.app);
    const other = await buildClient(t.app);
    const chosen = {
      email: {
        message: false,
        urgent: true,
        acknowledged: false,
        agreement: true,
        reminders: false,
      },
      inApp: { message: true, urgent: true, acknowledged: true, agreement: false, reminders: true },
      unreadReminderHours: 48,
      replyDueReminderHours: 2,
    };
    const response = await putSettings(person, { settings: chosen });
    expect(response.statusCode, response.body).toBe(200);
    const expected = {
      ...chosen,
      appointmentReminderHours: 24,
      timezone: 'UTC',
      email: { ...chosen.email, schedule: true },
      inApp: { ...chosen.inApp, schedule: true },
    };
    expect(response.json()).toEqual({ settings: expected });
    const read = await person.request({ method: 'GET', url: '/api/me/notification-settings' });
    expect(read.json()).toEqual({ settings: expected });
    const theirs = await other.request({ method: 'GET', url: '/api/me/notification-settings' });
    expect(theirs.json()).toEqual({ settings: defaults });

    // A later save may leave out `schedule`: what was stored stays.
    const off = await putSettings(person, {
      settings: { ...chosen, email: { ...chosen.email, schedule: false } },
    });
    expect(off.json<{ settings: typeof defaults }>().settings.email.schedule).toBe(false);
    const again = await putSettings(person, { settings: chosen });
    expect(again.json<{ settings: typeof defaults }>().settings.email.schedule).toBe(false);
  });

  it('keeps the appointment reminder hours (0 turns them off) and the time zone, optional on input', async () => {
    const person = await buildClient(t.app);
    const { appointmentReminderHours: _hours, timezone: _zone, ...older } = defaults;
    const set = await putSettings(person, {
      settings: { ...older, appointmentReminderHours: 0, timezone: 'Europe/London' },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json<{ settings: typeof defaults }>().settings).toMatchObject({
      appointmentReminderHours: 0,
      timezone: 'Europe/London',
    });
    // A client that does not know the new fields leaves them as they were.
    const again = await putSettings(person, { settings: older });
    expect(again.json<{ settings: typeof defaults }>().settings).toMatchObject({
      appointmentReminderHours: 0,
      timezone: 'Europe/London',
    });
  });

  it.each([
    [
      'a missing category',
      { email: { ...defaults.email, urgent: undefined } },
      ['settings.email.urgent'],
    ],
    [
      'a category as a string',
      { inApp: { ...defaults.inApp, message: 'yes' } },
      ['settings.inApp.message'],
    ],
    ['an unknown category', { email: { ...defaults.email, sms: true } }, ['settings.email.sms']],
    ['an unknown setting', { quietHours: '22-07' }, ['settings.quietHours']],
    ['hours of 0', { unreadReminderHours: 0 }, ['settings.unreadReminderHours']],
    ['hours in fractions', { replyDueReminderHours: 1.5 }, ['settings.replyDueReminderHours']],
    ['too many hours', { replyDueReminderHours: 1000 }, ['settings.replyDueReminderHours']],
    ['hours as text', { unreadReminderHours: '24' }, ['settings.unreadReminderHours']],
    [
      'appointment reminders over a week ahead',
      { appointmentReminderHours: 169 },
      ['settings.appointmentReminderHours'],
    ],
    [
      'negative appointment reminder hours',
      { appointmentReminderHours: -1 },
      ['settings.appointmentReminderHours'],
    ],
    ['an unknown time zone', { timezone: 'Mars/Base_Alpha' }, ['settings.timezone']],
    ['an offset for a time zone', { timezone: '+01:00' }, ['settings.timezone']],
  ])('refuses %s with 400 naming the field, keeping nothing', async (_name, change, fields) => {
    const person = await buildClient(t.app);
    expectInvalid(await putSettings(person, { settings: { ...defaults, ...change } }), fields);
    const read = await person.request({ method: 'GET', url: '/api/me/notification-settings' });
    expect(read.json()).toEqual({ settings: defaults });
  });

  it('refuses settings not wrapped in {settings}, and an empty body', async () => {
    const person = await buildClient(t.app);
    expectInvalid(
      await putSettings(person, defaults),
      ['email', 'inApp', 'unreadReminderHours', 'replyDueReminderHours', 'settings'],
      false,
    );
    expectInvalid(await putSettings(person, {}), ['settings']);
  });

  it('is 401 signed out', async () => {
    expectSignedOut(await anonymous(t.app, 'GET', '/api/me/notification-settings'));
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/me/notification-settings',
      payload: { settings: defaults },
    });
    expectSignedOut(response);
  });
});
