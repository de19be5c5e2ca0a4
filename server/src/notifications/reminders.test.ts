import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agreementAcknowledgements,
  agreements,
  appointments,
  messages,
  notifications,
  relationships,
} from '../db/schema.ts';
import { localTimeInWords } from '../scheduling/words.ts';
import type { Person } from '../test/factories.ts';
import { startTestApp, type TestApp } from '../test/harness.ts';
import { buildRelationship, type ConnectedWorld } from '../test/world.ts';
import { EmailNotices } from './email-notices.ts';
import { Mailer } from './mailer.ts';
import { Notifier } from './notifier.ts';
import { Reminders } from './reminders.ts';
import { startSmtp, type TestSmtp } from './testing.ts';

/**
 * Reminders, swept with a chosen `now`: each is sent once — by one sweep, not again by the next,
 * nor by another instance sweeping the same database.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({ env: { smtpUrl: smtp.url, publicUrl: 'https://attune.example' } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const connected = () =>
  buildRelationship(t.app, {
    mode: 'connected',
    clientName: 'Robin',
    therapistName: 'Sam',
  }) as Promise<ConnectedWorld>;

/** A message as it would be stored, sent at `sentAt` (the API always says "now"). */
async function message(
  world: ConnectedWorld,
  from: 'client' | 'therapist',
  sentAt: number,
  fields: Partial<typeof messages.$inferInsert> = {},
) {
  const id = randomUUID();
  await t.services.db.insert(messages).values({
    id,
    relationshipId: world.relationship.id,
    senderId: from === 'client' ? world.client.id : world.therapist.id,
    senderRole: from,
    body: 'Something only the two of them may read.',
    sentAt: new Date(sentAt),
    replyDueAt: new Date(sentAt + 24 * HOUR),
    ...fields,
  });
  return id;
}

async function agreement(world: ConnectedWorld, version: number, createdAt: number) {
  const id = randomUUID();
  await t.services.db.insert(agreements).values({
    id,
    relationshipId: world.relationship.id,
    version,
    authorId: world.therapist.id,
    authorRole: 'therapist',
    replyTimeHours: 24,
    contact: 'Email on weekdays.',
    availability: 'Mon–Thu.',
    scheduling: 'Weekly.',
    roomRules: 'Shoes on.',
    emergency: 'Call 112.',
    rules: [],
    createdAt: new Date(createdAt),
  });
  return id;
}

/** The reminders a person has, as kind:subject. */
async function remindersOf(person: Person) {
  const rows = await t.services.db
    .select({ kind: notifications.kind, subjectId: notifications.subjectId })
    .from(notifications)
    .where(eq(notifications.userId, person.id));
  return rows
    .filter((row) => ['reply-due', 'unread-message', 'agreement-unacknowledged'].includes(row.kind))
    .map((row) => `${row.kind}:${row.subjectId}`);
}

async function emailsTo(person: Person) {
  await t.app.notifications.emails.idle();
  return smtp.received.filter((email) => email.to.includes(person.email));
}

const sweep = (now: number) => t.app.notifications.reminders.sweep(new Date(now));

/** Another instance of the server on the same database: its own notifier, mailer and sweep. */
function secondInstance() {
  const notifier = new Notifier(t.services.database);
  const mailer = new Mailer(t.services.db, {
    smtpUrl: smtp.url,
    from: t.env.mailFrom,
    log: t.app.log,
  });
  const emails = new EmailNotices(t.services.db, mailer, {
    publicUrl: t.env.publicUrl,
    log: t.app.log,
  });
  emails.attach(notifier);
  return { reminders: new Reminders(t.services.db, notifier), emails, mailer };
}

async function settle(person: Person, settings: object) {
  const response = await person.request({
    method: 'PUT',
    url: '/api/me/notification-settings',
    payload: {
      settings: {
        email: {
          message: true,
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
        ...settings,
      },
    },
  });
  expect(response.statusCode, response.body).toBe(200);
}

describe('a reply coming due', () => {
  it('reminds the therapist 4 hours before, once, by a notice and an email', async () => {
    const world = await connected();
    const t0 = Date.now();
    const id = await message(world, 'client', t0);

    await sweep(t0 + 20 * HOUR - MINUTE);
    expect(await remindersOf(world.therapist)).toEqual([]);

    const sent = await sweep(t0 + 20 * HOUR + MINUTE);
    expect(sent.filter((event) => event.userId === world.therapist.id)).toEqual([
      expect.objectContaining({
        kind: 'reply-due',
        subjectId: id,
        relationshipId: world.relationship.id,
      }),
    ]);
    expect(await remindersOf(world.therapist)).toEqual([`reply-due:${id}`]);
    const [email, ...more] = await emailsTo(world.therapist);
    expect(more).toEqual([]);
    expect(email!.subject).toBe('A reply to Robin is coming due');
    expect(email!.text).toContain('waiting for your reply');
    expect(email!.text).toContain(
      `https://attune.example/relationships/${world.relationship.id}?tab=messages`,
    );
    expect(email!.raw).not.toContain('Something only the two of them may read');

    // The next sweep, and another instance's, find nothing more to send.
    await sweep(t0 + 21 * HOUR);
    const other = secondInstance();
    expect(
      (await other.reminders.sweep(new Date(t0 + 21 * HOUR))).filter(
        (event) => event.userId === world.therapist.id,
      ),
    ).toEqual([]);
    await other.emails.stop();
    other.mailer.close();
    expect(await remindersOf(world.therapist)).toEqual([`reply-due:${id}`]);
    expect(await emailsTo(world.therapist)).toHaveLength(1);
  });

  it('follows the therapist’s hours, and skips what was acknowledged, answered or is theirs', async () => {
    const world = await connected();
    await settle(world.therapist, { replyDueReminderHours: 10 });
    const t0 = Date.now();
    const waiting = await message(world, 'client', t0);
    await message(world, 'client', t0, { acknowledgedAt: new Date(t0 + HOUR) });
    await message(world, 'client', t0, { repliedAt: new Date(t0 + HOUR) });
    await message(world, 'client', t0, { replyDueAt: null });
    await message(world, 'therapist', t0, { readAt: new Date(t0 + MINUTE) });

    await sweep(t0 + 14 * HOUR - MINUTE);
    expect(await remindersOf(world.therapist)).toEqual([]);
    await sweep(t0 + 14 * HOUR + MINUTE);
    expect(await remindersOf(world.therapist)).toEqual([`reply-due:${waiting}`]);
  });

  it('reminds even once the time has passed (the server was down), but not a week later', async () => {
    const world = await connected();
    const t0 = Date.now();
    const late = await message(world, 'client', t0);
    const old = await message(world, 'client', t0 - 9 * 24 * HOUR);
    await sweep(t0 + 30 * HOUR);
    const mine = await remindersOf(world.therapist);
    expect(mine).toContain(`reply-due:${late}`);
    expect(mine).not.toContain(`reply-due:${old}`);
  });
});

describe('an unread message', () => {
  it('reminds the recipient after 24 hours (their setting), once', async () => {
    const world = await connected();
    const t0 = Date.now();
    const unread = await message(world, 'therapist', t0, { replyDueAt: null });
    await message(world, 'therapist', t0, { replyDueAt: null, readAt: new Date(t0 + HOUR) });

    await sweep(t0 + 24 * HOUR - MINUTE);
    expect(await remindersOf(world.client)).toEqual([]);
    await sweep(t0 + 24 * HOUR + MINUTE);
    await sweep(t0 + 25 * HOUR);
    expect(await remindersOf(world.client)).toEqual([`unread-message:${unread}`]);
    const [email, ...more] = await emailsTo(world.client);
    expect(more).toEqual([]);
    expect(email!.subject).toBe('A message from Sam is waiting on Attune');
  });

  it('uses the recipient’s own hours', async () => {
    const world = await connected();
    await settle(world.client, { unreadReminderHours: 2 });
    const t0 = Date.now();
    const unread = await message(world, 'therapist', t0, { replyDueAt: null });
    await sweep(t0 + 2 * HOUR + MINUTE);
    expect(await remindersOf(world.client)).toEqual([`unread-message:${unread}`]);
  });

  it('records the reminder but sends no email when reminder emails are off', async () => {
    const world = await connected();
    await settle(world.client, {
      email: { message: true, urgent: true, acknowledged: true, agreement: true, reminders: false },
    });
    const t0 = Date.now();
    const unread = await message(world, 'therapist', t0, { replyDueAt: null });
    await sweep(t0 + 25 * HOUR);
    expect(await remindersOf(world.client)).toEqual([`unread-message:${unread}`]);
    expect(await emailsTo(world.client)).toEqual([]);
  });

  it('sends nothing in an ended relationship', async () => {
    const world = await connected();
    await t.services.db
      .update(relationships)
      .set({ status: 'ended' })
      .where(eq(relationships.id, world.relationship.id));
    const t0 = Date.now();
    await message(world, 'therapist', t0, { replyDueAt: null });
    await message(world, 'client', t0);
    await sweep(t0 + 30 * HOUR);
    expect(await remindersOf(world.client)).toEqual([]);
    expect(await remindersOf(world.therapist)).toEqual([]);
  });
});

describe('an unacknowledged agreement', () => {
  it('reminds the member who did not write it, 48 hours after, once', async () => {
    const world = await connected();
    const t0 = Date.now();
    const id = await agreement(world, 1, t0);

    await sweep(t0 + 48 * HOUR - MINUTE);
    expect(await remindersOf(world.client)).toEqual([]);
    await sweep(t0 + 48 * HOUR + MINUTE);
    await sweep(t0 + 49 * HOUR);
    expect(await remindersOf(world.client)).toEqual([`agreement-unacknowledged:${id}`]);
    expect(await remindersOf(world.therapist)).toEqual([]);
    const [email] = await emailsTo(world.client);
    expect(email!.subject).toBe('A new version of your agreement with Sam is waiting');
    expect(email!.text).toContain(`/relationships/${world.relationship.id}?tab=agreement`);
  });

  it('asks only about the latest version, and not once it is acknowledged', async () => {
    const world = await connected();
    const t0 = Date.now();
    await agreement(world, 1, t0);
    const second = await agreement(world, 2, t0 + HOUR);
    await t.services.db
      .insert(agreementAcknowledgements)
      .values({ agreementId: second, userId: world.client.id, role: 'client' });
    await sweep(t0 + 60 * HOUR);
    expect(await remindersOf(world.client)).toEqual([]);

    const third = await agreement(world, 3, t0 + 2 * HOUR);
    await sweep(t0 + 60 * HOUR);
    expect(await remindersOf(world.client)).toEqual([`agreement-unacknowledged:${third}`]);
  });
});

describe('two sweeps at once', () => {
  it('send each reminder once', async () => {
    const world = await connected();
    const t0 = Date.now();
    const id = await message(world, 'client', t0);
    const other = secondInstance();
    const now = new Date(t0 + 21 * HOUR);
    await Promise.all([
      t.app.notifications.reminders.sweep(now),
      other.reminders.sweep(now),
      t.app.notifications.reminders.sweep(now),
    ]);
    await other.emails.stop();
    other.mailer.close();
    const rows = await t.services.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, world.therapist.id), eq(notifications.subjectId, id)));
    expect(rows).toHaveLength(1);
    expect(await emailsTo(world.therapist)).toHaveLength(1);
  });
});

/** An appointment as it would be stored (the slot or the API made it), starting at `startsAt`. */
async function appointment(
  world: { relationship: { id: string } },
  startsAt: number,
  fields: Partial<typeof appointments.$inferInsert> = {},
) {
  const id = randomUUID();
  await t.services.db.insert(appointments).values({
    id,
    relationshipId: world.relationship.id,
    startsAt: new Date(startsAt),
    durationMinutes: 50,
    kind: 'individual',
    status: 'scheduled',
    ...fields,
  });
  return id;
}

async function appointmentRemindersOf(person: Person) {
  const rows = await t.services.db
    .select({ subjectId: notifications.subjectId })
    .from(notifications)
    .where(
      and(eq(notifications.userId, person.id), eq(notifications.kind, 'appointment-reminder')),
    );
  return rows.map((row) => row.subjectId);
}

describe('an appointment coming up', () => {
  it("reminds both members 24 hours before, once, by email in each one's zone", async () => {
    const world = await connected();
    await settle(world.client, { timezone: 'America/New_York' });
    const t0 = Date.now();
    const startsAt = t0 + 30 * HOUR;
    const id = await appointment(world, startsAt);

    await sweep(startsAt - 24 * HOUR - MINUTE);
    expect(await appointmentRemindersOf(world.client)).toEqual([]);

    await sweep(startsAt - 24 * HOUR + MINUTE);
    await sweep(startsAt - 23 * HOUR);
    expect(await appointmentRemindersOf(world.client)).toEqual([id]);
    expect(await appointmentRemindersOf(world.therapist)).toEqual([id]);

    const toClient = await emailsTo(world.client);
    expect(toClient).toHaveLength(1);
    expect(toClient[0]!.subject).toBe('Your appointment with Sam is coming up');
    expect(toClient[0]!.text).toContain(localTimeInWords(new Date(startsAt), 'America/New_York'));
    const toTherapist = await emailsTo(world.therapist);
    expect(toTherapist).toHaveLength(1);
    expect(toTherapist[0]!.text).toContain(localTimeInWords(new Date(startsAt), 'UTC'));
  });

  it("follows each member's hours (0: none), and skips what is cancelled or has begun", async () => {
    const world = await connected();
    await settle(world.client, { appointmentReminderHours: 2 });
    await settle(world.therapist, { appointmentReminderHours: 0 });
    const t0 = Date.now();
    const soon = await appointment(world, t0 + 3 * HOUR);
    await appointment(world, t0 + 90 * MINUTE, { status: 'cancelled', cancelReason: 'therapist' });
    await appointment(world, t0 - 10 * MINUTE);

    await sweep(t0);
    expect(await appointmentRemindersOf(world.client)).toEqual([]);
    await sweep(t0 + HOUR + MINUTE);
    expect(await appointmentRemindersOf(world.client)).toEqual([soon]);
    expect(await appointmentRemindersOf(world.therapist)).toEqual([]);
  });

  it('reminds the client of a solo relationship, and nobody in an ended one', async () => {
    const solo = await buildRelationship(t.app);
    const ended = await connected();
    const t0 = Date.now();
    const own = await appointment(solo, t0 + HOUR);
    await appointment(ended, t0 + HOUR);
    const end = await ended.client.request({
      method: 'PATCH',
      url: `/api/relationships/${ended.relationship.id}`,
      payload: { status: 'ended' },
    });
    expect(end.statusCode, end.body).toBe(200);

    await sweep(t0);
    expect(await appointmentRemindersOf(solo.client)).toEqual([own]);
    expect(await appointmentRemindersOf(ended.client)).toEqual([]);
    expect(await appointmentRemindersOf(ended.therapist)).toEqual([]);
  });
});
