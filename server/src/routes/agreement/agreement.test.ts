import { MAX_DIFF_CELLS, ruleChanges, tokenize, wordDiff } from '@attune/core/agreement';
import { and, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementAcknowledgements, agreements, notifications } from '../../db/schema.ts';
import { EVENTS_CHANNEL, type LiveEvent } from '../../notifications/notifier.ts';
import { buildTherapist, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  anonymous,
  buildRelationship,
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

type Rule = { text: string; appliesTo: 'client' | 'therapist' | 'both' };
type AgreementJson = {
  id: string;
  relationshipId: string;
  version: number;
  replyTimeHours: number;
  sessionFrequencyDays: number | null;
  contact: string;
  availability: string;
  scheduling: string;
  roomRules: string;
  rules: Rule[];
  emergency: string;
  createdAt: string;
  author: { role: 'client' | 'therapist' };
  acknowledgedAt: { client: string | null; therapist: string | null };
  changes: {
    field: string;
    before: unknown;
    after: unknown;
    diff?: { op: string; text: string }[];
    ruleChanges?: { op: string; before: Rule | null; after: Rule | null }[];
  }[];
};

const terms = {
  replyTimeHours: 48,
  sessionFrequencyDays: 7,
  contact: 'Email me at the practice address.',
  availability: 'Monday to Thursday, 9 to 17.',
  scheduling: 'Weekly on Mondays at 16:00.',
  roomRules: 'Shoes stay on in the room.',
  emergency: 'Call 112, or the crisis line.',
};

const url = (id: string, rest = '') => `/api/relationships/${id}/agreement${rest}`;
const putRaw = (person: Person, id: string, payload: object) =>
  person.request({ method: 'PUT', url: url(id), payload });
const getRaw = (person: Person, id: string) => person.request({ method: 'GET', url: url(id) });
const versionsRaw = (person: Person, id: string) =>
  person.request({ method: 'GET', url: url(id, '/versions') });
const ackRaw = (person: Person, id: string, payload: object) =>
  person.request({ method: 'POST', url: url(id, '/acknowledge'), payload });

async function put(person: Person, id: string, payload: object = {}, status = 201) {
  const response = await putRaw(person, id, { ...terms, ...payload });
  expect(response.statusCode, response.body).toBe(status);
  return response.json<{ agreement: AgreementJson }>().agreement;
}
async function versionsOf(person: Person, id: string) {
  const response = await versionsRaw(person, id);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ items: AgreementJson[] }>().items;
}
async function acknowledge(person: Person, id: string, version: number) {
  const response = await ackRaw(person, id, { version });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ agreement: AgreementJson }>().agreement;
}
const stored = (relationshipId: string) =>
  t.services.db
    .select()
    .from(agreements)
    .where(eq(agreements.relationshipId, relationshipId))
    .orderBy(agreements.version);
const noticesOf = (userId: string, relationshipId: string) =>
  t.services.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.relationshipId, relationshipId)));

async function eventually<T>(find: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('the event never came');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PUT /api/relationships/:id/agreement', () => {
  it('writes version 1 by the connected therapist, acknowledged by its author, and tells the client', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const agreement = await put(therapist, relationship.id, {
      rules: [{ text: 'Shoes stay on.', appliesTo: 'both' }],
    });
    expect(Object.keys(agreement).sort()).toEqual([
      'acknowledgedAt',
      'author',
      'availability',
      'changes',
      'contact',
      'createdAt',
      'emergency',
      'id',
      'relationshipId',
      'replyTimeHours',
      'roomRules',
      'rules',
      'scheduling',
      'sessionFrequencyDays',
      'version',
    ]);
    expect(agreement).toMatchObject({
      ...terms,
      relationshipId: relationship.id,
      version: 1,
      rules: [{ text: 'Shoes stay on.', appliesTo: 'both' }],
      author: { role: 'therapist' },
      acknowledgedAt: { client: null, therapist: agreement.createdAt },
      changes: [],
    });
    expect(new Date(agreement.createdAt).toISOString()).toBe(agreement.createdAt);
    const notices = await noticesOf(client.id, relationship.id);
    expect(notices.map((n) => [n.kind, n.subjectId])).toEqual([
      ['agreement-changed', agreement.id],
    ]);
    expect(await noticesOf(therapist.id, relationship.id)).toEqual([]);
    expect((await getRaw(client, relationship.id)).json()).toEqual({ agreement });
  });

  it('lets the client write it while solo, and tells nobody', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    const agreement = await put(client, relationship.id, { sessionFrequencyDays: null });
    expect(agreement).toMatchObject({
      version: 1,
      sessionFrequencyDays: null,
      author: { role: 'client' },
      acknowledgedAt: { client: agreement.createdAt, therapist: null },
    });
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
  });

  it('takes a left-out session frequency as none, and left-out rules as the rules so far', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const rules: Rule[] = [{ text: 'No phones.', appliesTo: 'both' }];
    await put(therapist, relationship.id, { rules });
    const { sessionFrequencyDays: _, ...withoutFrequency } = terms;
    const response = await putRaw(therapist, relationship.id, withoutFrequency);
    expect(response.statusCode, response.body).toBe(201);
    const second = response.json<{ agreement: AgreementJson }>().agreement;
    expect(second).toMatchObject({ version: 2, sessionFrequencyDays: null, rules });
    expect(second.changes).toEqual([{ field: 'sessionFrequencyDays', before: 7, after: null }]);
  });

  it('answers 200 with the latest version, writing nothing, when nothing changed', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const first = await put(therapist, relationship.id);
    const again = await put(therapist, relationship.id, {}, 200);
    expect(again).toEqual(first);
    expect(await stored(relationship.id)).toHaveLength(1);
    expect(await noticesOf(client.id, relationship.id)).toHaveLength(1);
  });

  it('lists what changed, field by field, with a word diff for texts and a list diff for rules', async () => {
    const { therapist, client, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    await put(therapist, relationship.id, {
      rules: [
        { text: 'Shoes stay on.', appliesTo: 'client' },
        { text: 'Sessions start on time.', appliesTo: 'both' },
        { text: 'No recording.', appliesTo: 'both' },
      ],
    });
    const second = await put(therapist, relationship.id, {
      replyTimeHours: 24,
      roomRules: 'Shoes may come off in the room.',
      rules: [
        { text: 'Shoes stay on.', appliesTo: 'both' },
        { text: 'Sessions start on time.', appliesTo: 'both' },
        { text: 'We end five minutes early.', appliesTo: 'therapist' },
      ],
    });
    expect(second.version).toBe(2);
    expect(second.acknowledgedAt).toEqual({ client: null, therapist: second.createdAt });
    expect(second.changes).toEqual([
      { field: 'replyTimeHours', before: 48, after: 24 },
      {
        field: 'roomRules',
        before: 'Shoes stay on in the room.',
        after: 'Shoes may come off in the room.',
        diff: [
          { op: 'same', text: 'Shoes ' },
          { op: 'removed', text: 'stay on' },
          { op: 'added', text: 'may come off' },
          { op: 'same', text: ' in the room.' },
        ],
      },
      {
        field: 'rules',
        before: [
          { text: 'Shoes stay on.', appliesTo: 'client' },
          { text: 'Sessions start on time.', appliesTo: 'both' },
          { text: 'No recording.', appliesTo: 'both' },
        ],
        after: [
          { text: 'Shoes stay on.', appliesTo: 'both' },
          { text: 'Sessions start on time.', appliesTo: 'both' },
          { text: 'We end five minutes early.', appliesTo: 'therapist' },
        ],
        ruleChanges: [
          {
            op: 'changed',
            before: { text: 'Shoes stay on.', appliesTo: 'client' },
            after: { text: 'Shoes stay on.', appliesTo: 'both' },
          },
          { op: 'removed', before: { text: 'No recording.', appliesTo: 'both' }, after: null },
          {
            op: 'added',
            before: null,
            after: { text: 'We end five minutes early.', appliesTo: 'therapist' },
          },
        ],
      },
    ]);
    const notices = await noticesOf(client.id, relationship.id);
    expect(notices.map((n) => n.kind)).toEqual(['agreement-changed', 'agreement-changed']);
    expect(notices.map((n) => n.subjectId)).toContain(second.id);
  });

  it('writes saves made at once as versions 1, 2 and 3, never an error', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const responses = await Promise.all(
      [24, 36, 72].map((hours) =>
        putRaw(therapist, relationship.id, { ...terms, replyTimeHours: hours }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const versions = responses.map((r) => r.json<{ agreement: AgreementJson }>().agreement.version);
    expect(versions.sort()).toEqual([1, 2, 3]);
    const rows = await stored(relationship.id);
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(new Set(rows.map((r) => r.replyTimeHours))).toEqual(new Set([24, 36, 72]));
    // Each answer is the version its save wrote, with its changes against the one before.
    for (const response of responses) {
      const { agreement } = response.json<{ agreement: AgreementJson }>();
      const row = rows.find((r) => r.version === agreement.version)!;
      expect(agreement.replyTimeHours).toBe(row.replyTimeHours);
      expect(agreement.changes.map((c) => c.field)).toEqual(
        agreement.version === 1 ? [] : ['replyTimeHours'],
      );
    }
  });

  it('writes one version for the same save made twice at once', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const responses = await Promise.all([
      putRaw(therapist, relationship.id, terms),
      putRaw(therapist, relationship.id, terms),
    ]);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    expect(await stored(relationship.id)).toHaveLength(1);
  });

  it('is 404 for the client once connected, an invited therapist and outsiders, writing nothing', async () => {
    const connected = await buildRelationship(t.app, { mode: 'connected' });
    expectNotFound(await putRaw(connected.client, connected.relationship.id, terms));
    const solo = await buildRelationship(t.app);
    const invited = await buildTherapist(t.app);
    await invite(solo.client, solo.relationship.id);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await putRaw(outsider, solo.relationship.id, terms));
      expectNotFound(await putRaw(outsider, connected.relationship.id, terms));
    }
    expectNotFound(await putRaw(connected.therapist, 'nope', terms));
    const signedOut = await t.app.inject({
      method: 'PUT',
      url: url(connected.relationship.id),
      payload: terms,
    });
    expectSignedOut(signedOut);
    expect(await stored(connected.relationship.id)).toEqual([]);
    expect(await stored(solo.relationship.id)).toEqual([]);
  });

  it('is 409 once the relationship has ended, writing nothing', async () => {
    const { client, relationship } = await buildRelationship(t.app);
    await put(client, relationship.id);
    await client.request({
      method: 'PATCH',
      url: `/api/relationships/${relationship.id}`,
      payload: { status: 'ended' },
    });
    expectError(
      await putRaw(client, relationship.id, { ...terms, replyTimeHours: 1 }),
      409,
      'relationship_ended',
    );
    expect(await stored(relationship.id)).toHaveLength(1);
  });

  const long = 'x'.repeat(100_001);
  it.each([
    ['a reply time of 0', { replyTimeHours: 0 }, 'replyTimeHours'],
    ['a reply time over 720 hours', { replyTimeHours: 721 }, 'replyTimeHours'],
    ['a reply time of 1.5 hours', { replyTimeHours: 1.5 }, 'replyTimeHours'],
    ['a reply time as text', { replyTimeHours: '48' }, 'replyTimeHours'],
    ['no reply time', { replyTimeHours: undefined }, 'replyTimeHours'],
    ['a frequency of 0 days', { sessionFrequencyDays: 0 }, 'sessionFrequencyDays'],
    ['a frequency over 365 days', { sessionFrequencyDays: 366 }, 'sessionFrequencyDays'],
    ['a frequency as text', { sessionFrequencyDays: 'weekly' }, 'sessionFrequencyDays'],
    ['no contact', { contact: undefined }, 'contact'],
    ['contact as a number', { contact: 5 }, 'contact'],
    ['availability over 100,000 characters', { availability: long }, 'availability'],
    ['scheduling as null', { scheduling: null }, 'scheduling'],
    ['rules of the room over 100,000 characters', { roomRules: long }, 'roomRules'],
    ['no emergency text', { emergency: undefined }, 'emergency'],
    ['rules that are not a list', { rules: 'be kind' }, 'rules'],
    [
      'more than 50 rules',
      { rules: Array.from({ length: 51 }, () => ({ text: 'A rule.', appliesTo: 'both' })) },
      'rules',
    ],
    ['an empty rule', { rules: [{ text: '   ', appliesTo: 'both' }] }, 'rules.0.text'],
    [
      'a rule over 2,000 characters',
      { rules: [{ text: 'x'.repeat(2_001), appliesTo: 'both' }] },
      'rules.0.text',
    ],
    ['a rule for nobody', { rules: [{ text: 'Fine.', appliesTo: 'nobody' }] }, 'rules.0.appliesTo'],
    [
      'a rule with another field',
      { rules: [{ text: 'Fine.', appliesTo: 'both', by: 'me' }] },
      'rules.0.by',
    ],
    ['a version in the body', { version: 7 }, 'version'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, change, field) => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    expectInvalid(await putRaw(therapist, relationship.id, { ...terms, ...change }), [field]);
    expect(await stored(relationship.id)).toEqual([]);
    expect(await noticesOf(client.id, relationship.id)).toEqual([]);
  });

  it('accepts empty texts and texts of exactly 100,000 characters', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const agreement = await put(therapist, relationship.id, {
      contact: '',
      availability: 'y'.repeat(100_000),
      replyTimeHours: 720,
      sessionFrequencyDays: 365,
    });
    expect(agreement.contact).toBe('');
    expect(agreement.availability).toHaveLength(100_000);
  });
});

describe('GET /api/relationships/:id/agreement and /versions', () => {
  it('answers {agreement: null} and no versions before one is written', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    for (const member of [client, therapist]) {
      const response = await getRaw(member, relationship.id);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ agreement: null });
      expect(await versionsOf(member, relationship.id)).toEqual([]);
    }
  });

  it('lists every version newest first, each with its changes against the one before', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const one = await put(therapist, relationship.id);
    const two = await put(therapist, relationship.id, { contact: 'Email or text me.' });
    const three = await put(therapist, relationship.id, {
      contact: 'Email or text me.',
      sessionFrequencyDays: 14,
    });
    const items = await versionsOf(client, relationship.id);
    expect(items.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(items[0]).toEqual(three);
    expect(items[2]!.changes).toEqual([]);
    expect(items[2]!.id).toBe(one.id);
    expect(items[1]!.id).toBe(two.id);
    expect(items[1]!.changes).toEqual([
      {
        field: 'contact',
        before: 'Email me at the practice address.',
        after: 'Email or text me.',
        diff: [
          { op: 'same', text: 'Email ' },
          { op: 'removed', text: 'me at the practice address' },
          { op: 'added', text: 'or text me' },
          { op: 'same', text: '.' },
        ],
      },
    ]);
    expect(items[0]!.changes).toEqual([{ field: 'sessionFrequencyDays', before: 7, after: 14 }]);
    expect(await versionsOf(therapist, relationship.id)).toEqual(items);
    const latest = await getRaw(therapist, relationship.id);
    expect(latest.json()).toEqual({ agreement: three });
  });

  it('is 404 for outsiders and a malformed id, 401 when signed out', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    await put(therapist, relationship.id);
    const invited = await buildTherapist(t.app);
    for (const outsider of [stranger, otherClient, invited]) {
      expectNotFound(await getRaw(outsider, relationship.id));
      expectNotFound(await versionsRaw(outsider, relationship.id));
    }
    expectNotFound(await getRaw(therapist, 'nope'));
    expectNotFound(await versionsRaw(therapist, 'nope'));
    expectSignedOut(await anonymous(t.app, 'GET', url(relationship.id)));
    expectSignedOut(await anonymous(t.app, 'GET', url(relationship.id, '/versions')));
  });
});

describe('POST /api/relationships/:id/agreement/acknowledge', () => {
  it('records the member’s acknowledgement once, and tells the other member live', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const agreement = await put(therapist, relationship.id);
    const acknowledged = await acknowledge(client, relationship.id, 1);
    expect(acknowledged.id).toBe(agreement.id);
    expect(acknowledged.acknowledgedAt.therapist).toBe(agreement.createdAt);
    const at = acknowledged.acknowledgedAt.client;
    expect(at).toEqual(expect.any(String));
    const event = await eventually(() =>
      events.find((e) => e.kind === 'agreement-acknowledged' && e.subjectId === agreement.id),
    );
    expect(event).toMatchObject({ userId: therapist.id, relationshipId: relationship.id });
    // Again: harmless, the first time stays.
    const again = await acknowledge(client, relationship.id, 1);
    expect(again.acknowledgedAt.client).toBe(at);
    // The author already acknowledged their own version.
    expect((await acknowledge(therapist, relationship.id, 1)).acknowledgedAt.therapist).toBe(
      agreement.createdAt,
    );
    const rows = await t.services.db
      .select()
      .from(agreementAcknowledgements)
      .where(eq(agreementAcknowledgements.agreementId, agreement.id));
    expect(rows.map((r) => r.role).sort()).toEqual(['client', 'therapist']);
    expect(
      (await getRaw(therapist, relationship.id)).json<{ agreement: AgreementJson }>(),
    ).toMatchObject({ agreement: { acknowledgedAt: { client: at } } });
  });

  it('is 409 agreement_outdated for an older version, and 400 for one that does not exist', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    expectInvalid(await ackRaw(client, relationship.id, { version: 1 }), ['version']);
    await put(therapist, relationship.id);
    const second = await put(therapist, relationship.id, { replyTimeHours: 12 });
    expectError(await ackRaw(client, relationship.id, { version: 1 }), 409, 'agreement_outdated');
    expectInvalid(await ackRaw(client, relationship.id, { version: 3 }), ['version']);
    const rows = await t.services.db
      .select()
      .from(agreementAcknowledgements)
      .where(
        inArray(
          agreementAcknowledgements.agreementId,
          (await stored(relationship.id)).map((r) => r.id),
        ),
      );
    expect(rows.map((r) => r.role)).toEqual(['therapist', 'therapist']);
    expect((await acknowledge(client, relationship.id, 2)).id).toBe(second.id);
  });

  it.each([
    ['no version', {}, 'version'],
    ['a version as text', { version: '1' }, 'version'],
    ['version 0', { version: 0 }, 'version'],
    ['version 1.5', { version: 1.5 }, 'version'],
    ['another field', { version: 1, note: 'ok' }, 'note'],
  ])('refuses %s with 400, recording nothing', async (_name, payload, field) => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const agreement = await put(therapist, relationship.id);
    expectInvalid(await ackRaw(client, relationship.id, payload), [field]);
    expect(
      await t.services.db
        .select()
        .from(agreementAcknowledgements)
        .where(eq(agreementAcknowledgements.agreementId, agreement.id)),
    ).toHaveLength(1);
  });

  it('is 404 for outsiders and a malformed id, 401 when signed out', async () => {
    const { therapist, relationship } = await buildRelationship(t.app, { mode: 'connected' });
    const agreement = await put(therapist, relationship.id);
    for (const outsider of [stranger, otherClient]) {
      expectNotFound(await ackRaw(outsider, relationship.id, { version: 1 }));
    }
    expectNotFound(await ackRaw(therapist, 'nope', { version: 1 }));
    expectSignedOut(
      await anonymous(t.app, 'POST', url(relationship.id, '/acknowledge'), { version: 1 }),
    );
    expect(
      await t.services.db
        .select()
        .from(agreementAcknowledgements)
        .where(eq(agreementAcknowledgements.agreementId, agreement.id)),
    ).toHaveLength(1);
  });
});

describe('wordDiff', () => {
  const join = (parts: { op: string; text: string }[], keep: string) =>
    parts
      .filter((p) => p.op === 'same' || p.op === keep)
      .map((p) => p.text)
      .join('');

  it.each([
    ['', '', []],
    ['same', 'same', [{ op: 'same', text: 'same' }]],
    ['', 'new', [{ op: 'added', text: 'new' }]],
    ['old', '', [{ op: 'removed', text: 'old' }]],
    [
      'the cat sat',
      'the dog ran',
      [
        { op: 'same', text: 'the ' },
        { op: 'removed', text: 'cat sat' },
        { op: 'added', text: 'dog ran' },
      ],
    ],
    [
      'We meet weekly.',
      'We meet every two weeks.',
      [
        { op: 'same', text: 'We meet ' },
        { op: 'removed', text: 'weekly' },
        { op: 'added', text: 'every two weeks' },
        { op: 'same', text: '.' },
      ],
    ],
    [
      'Reply within two days, by email.',
      'Reply within two days, by email or text.',
      [
        { op: 'same', text: 'Reply within two days, by email' },
        { op: 'added', text: ' or text' },
        { op: 'same', text: '.' },
      ],
    ],
    [
      'a b c d',
      'a c d e',
      [
        { op: 'same', text: 'a ' },
        { op: 'removed', text: 'b ' },
        { op: 'same', text: 'c d' },
        { op: 'added', text: ' e' },
      ],
    ],
  ])('%j → %j', (before, after, parts) => {
    expect(wordDiff(before, after)).toEqual(parts);
  });

  it('gives back both texts, whatever they are', () => {
    const words = fc.constantFrom('a', 'b', 'shoes', 'on', ' ', '  ', '\n', '.', ',', 'é', '😀');
    const text = fc.array(words, { maxLength: 30 }).map((w) => w.join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const parts = wordDiff(before, after);
        expect(join(parts, 'removed')).toBe(before);
        expect(join(parts, 'added')).toBe(after);
        expect(parts.every((p) => p.text.length > 0)).toBe(true);
        for (let i = 1; i < parts.length; i++) {
          expect(parts[i]!.op === parts[i - 1]!.op).toBe(false);
        }
      }),
    );
  });

  it('tokenizes into words, spaces and punctuation that make up the text', () => {
    expect(tokenize("Don't take\tshoes off, please.")).toEqual([
      "Don't",
      ' ',
      'take',
      '\t',
      'shoes',
      ' ',
      'off',
      ',',
      ' ',
      'please',
      '.',
    ]);
  });

  it('shows a long rewrite as removed and added, keeping the common start and end', () => {
    const side = Math.ceil(Math.sqrt(MAX_DIFF_CELLS));
    const before = `Start. ${Array.from({ length: side }, (_, i) => `a${i}`).join(' ')} End.`;
    const after = `Start. ${Array.from({ length: side }, (_, i) => `b${i}`).join(' ')} End.`;
    const parts = wordDiff(before, after);
    expect(parts.map((p) => p.op)).toEqual(['same', 'removed', 'added', 'same']);
    expect(parts[0]!.text).toBe('Start. ');
    expect(parts[3]!.text).toBe(' End.');
    expect(join(parts, 'removed')).toBe(before);
    expect(join(parts, 'added')).toBe(after);
  });
});

describe('ruleChanges', () => {
  const r = (text: string, appliesTo: Rule['appliesTo'] = 'both'): Rule => ({ text, appliesTo });

  it('finds nothing between equal lists', () => {
    expect(ruleChanges([r('a'), r('b')], [r('a'), r('b')])).toEqual([]);
  });

  it('names rules added, removed, and changed in whom they apply to', () => {
    expect(ruleChanges([r('a', 'client'), r('b')], [r('b'), r('a', 'both'), r('c')])).toEqual([
      { op: 'changed', before: r('a', 'client'), after: r('a', 'both') },
      { op: 'added', before: null, after: r('c') },
    ]);
    expect(ruleChanges([], [r('a')])).toEqual([{ op: 'added', before: null, after: r('a') }]);
    expect(ruleChanges([r('a')], [])).toEqual([{ op: 'removed', before: r('a'), after: null }]);
    expect(ruleChanges([r('a')], [r('a!')])).toEqual([
      { op: 'removed', before: r('a'), after: null },
      { op: 'added', before: null, after: r('a!') },
    ]);
  });
});
