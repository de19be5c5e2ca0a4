import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { configureCommunity, DEFAULT_COMMUNITY_CONFIG } from '../../community/config.ts';
import { sweepAnonymousAskers } from '../../community/retention.ts';
import { SEALED_PREFIX } from '../../crypto/cipher.ts';
import {
  communityBlocks,
  communityNotifications,
  communityProfiles,
  communityQuestions,
  communityReports,
} from '../../db/schema.ts';
import type { RecordedRoute } from '../../security/attack-world.ts';
import { buildClient, type Person } from '../../test/factories.ts';
import type { TestApp } from '../../test/harness.ts';
import { buildRelationship } from '../../test/world.ts';
import {
  answer,
  ask,
  buildPeer,
  errorOf,
  get,
  makeProfile,
  moderate,
  type Peer,
  type QuestionJson,
  trust,
  useCommunityApp,
} from './community-world.ts';

// Every route the app registers, so the scan below can prove it called each community route.
const recorded = vi.hoisted(() => [] as RecordedRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const { recordingFastify } = await import('../../security/attack-world.ts');
  return recordingFastify(await importOriginal(), recorded);
});

let t: TestApp;
let moderator: Person;
useCommunityApp((world) => ({ t, moderator } = world));

type Seen = { who: string; method: string; url: string; status: number; body: string };

/** A person whose every answer is kept, to be searched afterwards. */
function recording(person: Person, who: string, seen: Seen[]): Person {
  return {
    ...person,
    async request(options: InjectOptions): Promise<LightMyRequestResponse> {
      const response = await person.request(options);
      seen.push({
        who,
        method: String(options.method ?? 'GET'),
        url: String(options.url),
        status: response.statusCode,
        body: response.body,
      });
      return response;
    },
  };
}

/** `METHOD /pattern` of every community route the app registered. */
function routePatterns(): string[] {
  const keys = new Set<string>();
  for (const r of recorded) {
    if (!r.url.startsWith('/api/community')) continue;
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
      if (method === 'HEAD') continue;
      keys.add(`${method} ${r.url}`);
    }
  }
  return [...keys].sort();
}

const matches = (pattern: string, seen: Seen) => {
  const [method, url] = pattern.split(' ') as [string, string];
  const path = seen.url.split('?')[0] ?? '';
  const re = new RegExp(`^${url.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
  return seen.method === method && re.test(path);
};

describe('anonymity that holds', () => {
  it('never shows an anonymous asker to anyone, on any community route, as any role', async () => {
    expect(routePatterns().length).toBeGreaterThan(20);
    const seen: Seen[] = [];
    const displayName = `Anon-${randomUUID().slice(0, 8)}`;
    const rawAsker = await makeProfile(await buildClient(t.app, displayName), {
      askBoxOpen: true,
    });
    const A = recording(rawAsker, 'asker', seen) as Peer;
    A.pseudonym = rawAsker.pseudonym;
    const rawRecipient = await buildPeer(t.app);
    await trust(rawRecipient, moderator);
    const R = recording(rawRecipient, 'recipient', seen) as Peer;
    R.pseudonym = rawRecipient.pseudonym;
    const rawThird = await buildPeer(t.app);
    await trust(rawThird, moderator);
    const T = recording(rawThird, 'third party', seen) as Peer;
    T.pseudonym = rawThird.pseudonym;
    const M = recording(moderator, 'moderator', seen);
    const [profileRow] = await t.services.db
      .select({ id: communityProfiles.id })
      .from(communityProfiles)
      .where(eq(communityProfiles.userId, A.id));
    const needles = {
      'account id': A.id,
      email: A.email,
      'display name': displayName,
      pseudonym: A.pseudonym,
      'profile id': profileRow?.id ?? 'missing',
    };

    // The asker: anonymous asks to R's box and to the board, a follow-up, their own views.
    const q = await ask(A, {
      body: 'Is it normal to feel like I want to die after a rupture?',
      title: 'After a rupture',
      tags: ['ruptures'],
      contentWarning: 'dark thoughts',
      to: R.pseudonym,
      anonymous: true,
    });
    expect(q).toMatchObject({ anonymous: true, asker: null, mine: true });
    const board = await ask(A, { body: 'How do you all handle endings?', anonymous: true });
    expect(board.status).toBe('held');
    // The recipient answers publicly; the asker follows up, anonymous without saying so.
    const a = await answer(R, q.id, { body: 'Yes, many people feel that. Please reach out.' });
    const follow = await ask(A, { body: 'Thank you. Did it pass?', followUpOf: q.id });
    expect(follow).toMatchObject({ anonymous: true, asker: null, followUpOf: q.id });
    // Everyone else looks, reacts, reports.
    await get(R, '/api/community/inbox');
    await get(R, `/api/community/questions/${q.id}`);
    await get(R, `/api/community/questions/${follow.id}`);
    await get(R, '/api/community/notifications');
    await R.request({
      method: 'PUT',
      url: `/api/community/questions/${q.id}/helped`,
      payload: { helped: true },
    });
    await get(T, '/api/community/questions');
    await get(T, '/api/community/questions?tag=ruptures');
    await get(T, `/api/community/questions/${q.id}`);
    await T.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: true },
    });
    await T.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: {
        targetType: 'question',
        targetId: q.id,
        reason: 'at-risk',
        note: 'worried about them',
      },
    });
    await T.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'question', targetId: q.id, reason: 'at-risk' },
    });
    await get(T, `/api/community/profiles/${R.pseudonym}`);
    await get(T, '/api/community/my-questions');
    await get(T, '/api/community/inbox');
    await T.request({
      method: 'POST',
      url: '/api/community/mutes',
      payload: { pseudonym: R.pseudonym },
    });
    await get(T, '/api/community/mutes');
    await T.request({ method: 'DELETE', url: `/api/community/mutes/${R.pseudonym}`, payload: {} });
    await T.request({
      method: 'PUT',
      url: '/api/community/mute-words',
      payload: { words: ['cat'] },
    });
    await get(T, '/api/community/mute-words');
    await T.request({
      method: 'POST',
      url: '/api/community/check',
      payload: { text: 'I want to die' },
    });
    await get(T, '/api/community/tags');
    await get(T, '/api/community/profile');
    await T.request({
      method: 'PUT',
      url: '/api/community/profile',
      payload: { pseudonym: T.pseudonym, askBoxOpen: true, allowAnonymous: true },
    });
    // The moderator's queue shows the anonymous posts and the reports, never who.
    const queue = await get<{ items: { targetId: string; content: { author: unknown } | null }[] }>(
      M,
      '/api/community/moderation/queue',
    );
    const inQueue = queue.items.find((i) => i.targetId === q.id);
    expect(inQueue?.content?.author).toBeNull();
    await moderate(M, { targetType: 'question', targetId: board.id, action: 'approve' });
    await get(T, `/api/community/questions/${board.id}`);
    // The recipient blocks through the ask, lists and lifts the block.
    const block = await R.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { questionId: follow.id },
    });
    expect(block.statusCode, block.body).toBe(201);
    await get(R, '/api/community/blocks');
    await R.request({
      method: 'DELETE',
      url: `/api/community/blocks/${block.json().block.id}`,
      payload: {},
    });
    await R.request({
      method: 'POST',
      url: '/api/community/notifications/seen',
      payload: {},
    });
    // The moderator suspends and reinstates the anonymous asker through their post.
    await moderate(M, {
      targetType: 'question',
      targetId: follow.id,
      action: 'suspend',
      reason: 'A pause while we check in.',
    });
    await moderate(M, { targetType: 'question', targetId: follow.id, action: 'reinstate' });
    await get(M, '/api/community/moderation/queue');
    // The asker's own views of their anonymous asks (their own profile pages aside).
    await get(A, `/api/community/questions/${q.id}`);
    await get(A, '/api/community/my-questions');
    const notes = await get<{ items: { type: string }[] }>(A, '/api/community/notifications');
    expect(notes.items.map((n) => n.type)).toEqual(
      expect.arrayContaining(['answer', 'care', 'moderation']),
    );
    await get(A, '/api/community/questions');

    // Then every reading route, as every role.
    const reads = [
      '/api/community/profile',
      `/api/community/profiles/${R.pseudonym}`,
      `/api/community/profiles/${T.pseudonym}`,
      '/api/community/tags',
      '/api/community/questions',
      '/api/community/questions?tag=ruptures',
      `/api/community/questions/${q.id}`,
      `/api/community/questions/${follow.id}`,
      `/api/community/questions/${board.id}`,
      '/api/community/my-questions',
      '/api/community/inbox',
      '/api/community/blocks',
      '/api/community/mutes',
      '/api/community/mute-words',
      '/api/community/notifications',
      '/api/community/moderation/queue',
    ];
    for (const person of [A, R, T, M]) {
      for (const url of reads) {
        const response = await person.request({ method: 'GET', url });
        expect(response.statusCode, url).toBeLessThan(500);
      }
    }

    // Every route was called at least once.
    const uncovered = routePatterns().filter((p) => !seen.some((s) => matches(p, s)));
    expect(uncovered).toEqual([]);
    // And no answer to anyone, the asker's included, holds who asked.
    const leaks: string[] = [];
    for (const s of seen) {
      // The asker's own profile page is the one place their pseudonym belongs.
      if (s.who === 'asker' && s.url === '/api/community/profile') continue;
      for (const [what, value] of Object.entries(needles)) {
        if (s.body.toLowerCase().includes(value.toLowerCase())) {
          leaks.push(`${s.who} ${s.method} ${s.url} (${s.status}) shows the asker's ${what}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(seen.length).toBeGreaterThan(40);
  });

  it('keeps the asker out of the database in plain: sealed asker, sealed notification subjects', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const q = await ask(asker, {
      body: 'Quietly asking',
      to: recipient.pseudonym,
      anonymous: true,
    });
    await answer(recipient, q.id, { body: 'Quietly answering' });
    const [profile] = await t.services.db
      .select({ id: communityProfiles.id })
      .from(communityProfiles)
      .where(eq(communityProfiles.userId, asker.id));
    const raw = await t.services.db.execute(
      sql`select asker_profile_id, asker::text as asker from community_questions where id = ${q.id}`,
    );
    const row = (raw as unknown as { rows: { asker_profile_id: string | null; asker: string }[] })
      .rows[0];
    expect(row?.asker_profile_id).toBeNull();
    expect(row?.asker.startsWith(SEALED_PREFIX)).toBe(true);
    const dump = await t.services.db.execute(
      sql`select row_to_json(n)::text as j from community_notifications n`,
    );
    for (const r of (dump as unknown as { rows: { j: string }[] }).rows) {
      expect(r.j).not.toContain(q.id);
    }
    const everything = await t.services.db.execute(
      sql`select (select json_agg(b)::text from community_blocks b) as b, (select json_agg(r)::text from community_reports r) as r, (select json_agg(l)::text from community_rate_limits l) as l`,
    );
    const text = JSON.stringify((everything as unknown as { rows: unknown[] }).rows);
    expect(text).not.toContain(asker.id);
    expect(text).not.toContain(profile?.id ?? 'missing');
  });
});

describe('blocking', () => {
  it('accepts a blocked asker’s asks (201) and never delivers them, revealing nothing', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const first = await ask(asker, { body: 'First ask', to: recipient.pseudonym, anonymous: true });
    const blocked = await recipient.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { questionId: first.id },
    });
    expect(blocked.statusCode, blocked.body).toBe(201);
    expect(blocked.json().block).toMatchObject({ via: 'question', pseudonym: null });
    // The ask it was made through has left the box for good.
    await get(recipient, `/api/community/questions/${first.id}`, 404);
    const [row] = await t.services.db
      .select()
      .from(communityBlocks)
      .where(eq(communityBlocks.id, blocked.json().block.id));
    expect(row?.askerRef).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(asker.id);

    const notesBefore = await get<{ items: unknown[] }>(recipient, '/api/community/notifications');
    // Anonymous or named, the asks are accepted and look like any other to the asker.
    const anonymousAgain = await ask(asker, {
      body: 'Anonymous again',
      to: recipient.pseudonym,
      anonymous: true,
    });
    const named = await ask(asker, { body: 'Named this time', to: recipient.pseudonym });
    for (const q of [anonymousAgain, named]) {
      expect(q.status).toBe('open');
      expect(JSON.stringify(q)).not.toMatch(/block|deliver/i);
    }
    const inbox = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
    expect(inbox.items).toEqual([]);
    const notesAfter = await get<{ items: unknown[] }>(recipient, '/api/community/notifications');
    expect(notesAfter.items).toHaveLength(notesBefore.items.length);
    for (const q of [anonymousAgain, named]) {
      await get(recipient, `/api/community/questions/${q.id}`, 404);
      await answer(recipient, q.id, { body: 'Hello?' }, 404);
    }
    // The asker still sees their asks as open.
    const mine = await get<{ items: QuestionJson[] }>(asker, '/api/community/my-questions');
    expect(mine.items.map((q) => q.id)).toEqual(
      expect.arrayContaining([anonymousAgain.id, named.id]),
    );

    // Lifting the block: asks reach the box again.
    await recipient.request({
      method: 'DELETE',
      url: `/api/community/blocks/${blocked.json().block.id}`,
      payload: {},
    });
    const after = await ask(asker, {
      body: 'After the block',
      to: recipient.pseudonym,
      anonymous: true,
    });
    const inboxAfter = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
    expect(inboxAfter.items.map((q) => q.id)).toEqual([after.id]);
  });

  it('blocks by pseudonym too, and only its owner may lift a block', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const stranger = await buildPeer(t.app);
    const response = await recipient.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { pseudonym: asker.pseudonym.toUpperCase() },
    });
    expect(response.statusCode).toBe(201);
    const { block } = response.json();
    expect(block).toMatchObject({ via: 'pseudonym', pseudonym: asker.pseudonym });
    await ask(asker, { body: 'Named', to: recipient.pseudonym });
    await ask(asker, { body: 'Anonymous', to: recipient.pseudonym, anonymous: true });
    expect((await get<{ items: unknown[] }>(recipient, '/api/community/inbox')).items).toEqual([]);
    const lift = await stranger.request({
      method: 'DELETE',
      url: `/api/community/blocks/${block.id}`,
      payload: {},
    });
    expect(lift.statusCode).toBe(404);
    for (const payload of [{}, { questionId: randomUUID(), pseudonym: 'both_given' }]) {
      const bad = await recipient.request({
        method: 'POST',
        url: '/api/community/blocks',
        payload,
      });
      expect(bad.statusCode).toBe(400);
    }
    const own = await recipient.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { pseudonym: recipient.pseudonym },
    });
    expect(errorOf(own).code).toBe('own_post');
    const unknown = await recipient.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { questionId: randomUUID() },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('retention of anonymous askers', () => {
  it('forgets who asked after the retention: the sealed asker is erased, the ask stays', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const answered = await ask(asker, {
      body: 'Answered one',
      to: recipient.pseudonym,
      anonymous: true,
    });
    const unanswered = await ask(asker, {
      body: 'Unanswered one',
      to: recipient.pseudonym,
      anonymous: true,
    });
    await answer(recipient, answered.id, { body: 'An answer' });
    const config = DEFAULT_COMMUNITY_CONFIG;
    const day = 86_400_000;

    // Within the retention nothing changes.
    expect(
      (await sweepAnonymousAskers(t.services.db, config, new Date(Date.now() + 29 * day))).erased,
    ).toBe(0);
    // 31 days after its answer, the answered one is forgotten; the unanswered one is kept.
    await sweepAnonymousAskers(t.services.db, config, new Date(Date.now() + 31 * day));
    const rows = await t.services.db
      .select({
        id: communityQuestions.id,
        asker: communityQuestions.asker,
        erased: communityQuestions.askerErasedAt,
      })
      .from(communityQuestions)
      .where(sql`${communityQuestions.id} in (${answered.id}, ${unanswered.id})`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(answered.id)?.asker).toBeNull();
    expect(byId.get(answered.id)?.erased).not.toBeNull();
    expect(byId.get(unanswered.id)?.asker).not.toBeNull();
    // The asker no longer finds it among their own; the recipient still sees it.
    const mine = await get<{ items: QuestionJson[] }>(asker, '/api/community/my-questions');
    expect(mine.items.map((q) => q.id)).toEqual([unanswered.id]);
    await get(recipient, `/api/community/questions/${answered.id}`);
    // Nobody can be blocked through it any more.
    const block = await recipient.request({
      method: 'POST',
      url: '/api/community/blocks',
      payload: { questionId: answered.id },
    });
    expect(block.statusCode).toBe(409);
    expect(errorOf(block).code).toBe('asker_forgotten');
    // 91 days after it was asked, the unanswered one goes too.
    await sweepAnonymousAskers(t.services.db, config, new Date(Date.now() + 91 * day));
    const [late] = await t.services.db
      .select({ asker: communityQuestions.asker })
      .from(communityQuestions)
      .where(eq(communityQuestions.id, unanswered.id));
    expect(late?.asker).toBeNull();
    expect((await get<{ items: unknown[] }>(asker, '/api/community/my-questions')).items).toEqual(
      [],
    );
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After per account, anonymous asks counted by their opaque reference', async () => {
    configureCommunity(t.services, {
      asks: { limit: 2, windowMs: 3_600_000 },
      answers: { limit: 1, windowMs: 3_600_000 },
    });
    try {
      const asker = await buildPeer(t.app);
      const recipient = await buildPeer(t.app);
      await ask(asker, { body: 'One', to: recipient.pseudonym, anonymous: true });
      await ask(asker, { body: 'Two', to: recipient.pseudonym });
      const third = await asker.request({
        method: 'POST',
        url: '/api/community/questions',
        payload: { body: 'Three', to: recipient.pseudonym, anonymous: true },
      });
      expect(third.statusCode).toBe(429);
      expect(errorOf(third).code).toBe('too_many_requests');
      const retry = Number(third.headers['retry-after']);
      expect(retry).toBeGreaterThan(3_000);
      expect(retry).toBeLessThanOrEqual(3_600);
      // Another person is not affected; the counters hold no account id.
      const other = await buildPeer(t.app);
      await ask(other, { body: 'Mine', to: recipient.pseudonym, anonymous: true });
      const keys = await t.services.db.execute(sql`select key from community_rate_limits`);
      expect(JSON.stringify(keys)).not.toContain(asker.id);

      const inbox = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
      await answer(recipient, inbox.items[0]?.id ?? '', { body: 'First answer' });
      const second = await recipient.request({
        method: 'POST',
        url: `/api/community/questions/${inbox.items[1]?.id}/answers`,
        payload: { body: 'Second answer' },
      });
      expect(second.statusCode).toBe(429);
      expect(second.headers['retry-after']).toBeDefined();
    } finally {
      configureCommunity(t.services, DEFAULT_COMMUNITY_CONFIG);
    }
  });
});

describe('clinical separation', () => {
  it('gives a connected therapist no way to find their client’s pseudonym', async () => {
    const { client, therapist, relationship } = await buildRelationship(t.app, {
      mode: 'connected',
    });
    const peer = await makeProfile(client);
    await ask(peer, { body: 'Asking my own question', to: (await buildPeer(t.app)).pseudonym });
    const clinical = [
      '/api/me',
      '/api/relationships',
      `/api/relationships/${relationship.id}`,
      `/api/relationships/${relationship.id}/checkins`,
      `/api/relationships/${relationship.id}/messages`,
      `/api/relationships/${relationship.id}/agreement`,
      `/api/relationships/${relationship.id}/markers`,
      '/api/caseload',
      '/api/me/audit',
    ];
    for (const url of clinical) {
      const response = await therapist.request({ method: 'GET', url });
      expect(response.body.toLowerCase(), url).not.toContain(peer.pseudonym.toLowerCase());
    }
    // No community route takes an account: the client's id or email find nothing.
    for (const url of [
      `/api/community/profiles/${client.id}`,
      `/api/community/profiles/${encodeURIComponent(client.email)}`,
      `/api/community/profiles/${encodeURIComponent(client.displayName)}`,
    ]) {
      const response = await therapist.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
    // And the client's own account answers carry no pseudonym either.
    const me = await client.request({ method: 'GET', url: '/api/me' });
    expect(me.body.toLowerCase()).not.toContain(peer.pseudonym.toLowerCase());
    // The reports, blocks and notifications tables reference no account.
    for (const table of [communityReports, communityNotifications, communityBlocks]) {
      const columns = Object.keys(table);
      expect(columns.some((c) => /user/i.test(c))).toBe(false);
    }
  });
});
