import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { communityAnswers, communityProfiles, communityQuestions } from '../../db/schema.ts';
import { buildClient, type Person } from '../../test/factories.ts';
import type { TestApp } from '../../test/harness.ts';
import {
  answer,
  ask,
  buildPeer,
  buildTrustedPeer,
  errorOf,
  get,
  newPseudonym,
  type ProfileJson,
  type QuestionJson,
  useCommunityApp,
} from './community-world.ts';

let t: TestApp;
let moderator: Person;
useCommunityApp((world) => ({ t, moderator } = world));

const questionCount = async () =>
  Number((await t.services.db.select({ n: count() }).from(communityQuestions))[0]?.n);
const answerCount = async () =>
  Number((await t.services.db.select({ n: count() }).from(communityAnswers))[0]?.n);

/** A peer whose board posts are published at once. */
const trustedPeer = (options: Parameters<typeof buildPeer>[1] = {}) =>
  buildTrustedPeer(t.app, moderator, options);

describe('signed out', () => {
  it('answers 401 on every community route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', '/api/community/profile'],
      ['PUT', '/api/community/profile'],
      ['GET', '/api/community/profiles/someone'],
      ['GET', '/api/community/tags'],
      ['POST', '/api/community/check'],
      ['POST', '/api/community/questions'],
      ['GET', '/api/community/questions'],
      ['GET', `/api/community/questions/${id}`],
      ['GET', '/api/community/my-questions'],
      ['GET', '/api/community/inbox'],
      ['POST', `/api/community/questions/${id}/answers`],
      ['PUT', `/api/community/questions/${id}/helped`],
      ['PUT', `/api/community/answers/${id}/helped`],
      ['POST', '/api/community/reports'],
      ['POST', '/api/community/blocks'],
      ['GET', '/api/community/blocks'],
      ['DELETE', `/api/community/blocks/${id}`],
      ['POST', '/api/community/mutes'],
      ['GET', '/api/community/mutes'],
      ['DELETE', '/api/community/mutes/someone'],
      ['GET', '/api/community/mute-words'],
      ['PUT', '/api/community/mute-words'],
      ['GET', '/api/community/notifications'],
      ['POST', '/api/community/notifications/seen'],
      ['GET', '/api/community/moderation/queue'],
      ['POST', '/api/community/moderation/actions'],
    ];
    for (const [method, url] of routes) {
      const response = await t.app.inject({
        method: method as 'GET',
        url,
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(errorOf(response).code).toBe('not_signed_in');
    }
  });
});

describe('profiles', () => {
  it('makes and changes a profile, showing only community fields', async () => {
    const person = await buildClient(t.app);
    const none = await get<{ profile: null; moderator: boolean }>(person, '/api/community/profile');
    expect(none).toEqual({ profile: null, moderator: false });
    const pseudonym = newPseudonym('quiet');
    const made = await person.request({
      method: 'PUT',
      url: '/api/community/profile',
      payload: {
        pseudonym,
        askBoxOpen: true,
        allowAnonymous: false,
        bio: '  Learning to repair.  ',
      },
    });
    expect(made.statusCode, made.body).toBe(200);
    const { profile } = made.json<{ profile: ProfileJson }>();
    expect(Object.keys(profile).sort()).toEqual(
      [
        'allowAnonymous',
        'answeredCount',
        'askBoxOpen',
        'bio',
        'createdAt',
        'pseudonym',
        'suspended',
        'suspensionReason',
        'trusted',
      ].sort(),
    );
    expect(profile).toMatchObject({
      pseudonym,
      bio: 'Learning to repair.',
      askBoxOpen: true,
      allowAnonymous: false,
      answeredCount: 0,
      trusted: false,
      suspended: false,
    });
    expect(made.body).not.toContain(person.id);
    expect(made.body).not.toContain(person.email);

    const changed = await person.request({
      method: 'PUT',
      url: '/api/community/profile',
      payload: { pseudonym: `${pseudonym}x`, askBoxOpen: false, allowAnonymous: true, bio: null },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().profile).toMatchObject({
      pseudonym: `${pseudonym}x`,
      bio: null,
      askBoxOpen: false,
    });
    const rows = await t.services.db
      .select()
      .from(communityProfiles)
      .where(eq(communityProfiles.userId, person.id));
    expect(rows).toHaveLength(1);
  });

  it('looks a profile up by pseudonym in any case, and nothing else', async () => {
    const peer = await buildPeer(t.app, { bio: 'Hello' });
    const reader = await buildClient(t.app);
    const found = await get<{ profile: Record<string, unknown> }>(
      reader,
      `/api/community/profiles/${peer.pseudonym.toUpperCase()}`,
    );
    expect(found.profile).toEqual({
      pseudonym: peer.pseudonym,
      bio: 'Hello',
      askBoxOpen: true,
      allowAnonymous: true,
      answeredCount: 0,
    });
    for (const url of [
      '/api/community/profiles/nobody_here_at_all',
      `/api/community/profiles/${peer.id}`,
      `/api/community/profiles/${encodeURIComponent(peer.email)}`,
      '/api/community/profiles/a',
      `/api/community/profiles/${'x'.repeat(150)}`,
    ]) {
      const response = await reader.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
  });

  it('refuses a taken pseudonym in any case (409) and reserved names', async () => {
    const first = await buildPeer(t.app);
    const second = await buildClient(t.app);
    for (const pseudonym of [first.pseudonym.toUpperCase(), 'Anonymous', 'MODERATOR']) {
      const response = await second.request({
        method: 'PUT',
        url: '/api/community/profile',
        payload: { pseudonym, askBoxOpen: true, allowAnonymous: true },
      });
      expect(response.statusCode, pseudonym).toBe(409);
      expect(errorOf(response).code).toBe('pseudonym_taken');
    }
  });

  it('refuses bad pseudonyms and long bios with the field, writing nothing', async () => {
    const person = await buildClient(t.app);
    const cases: [Record<string, unknown>, string][] = [
      [{ pseudonym: 'ab', askBoxOpen: true, allowAnonymous: true }, 'pseudonym'],
      [{ pseudonym: 'x'.repeat(31), askBoxOpen: true, allowAnonymous: true }, 'pseudonym'],
      [{ pseudonym: 'has space', askBoxOpen: true, allowAnonymous: true }, 'pseudonym'],
      [{ pseudonym: 'émilie', askBoxOpen: true, allowAnonymous: true }, 'pseudonym'],
      [{ pseudonym: 'fine_name', askBoxOpen: 'yes', allowAnonymous: true }, 'askBoxOpen'],
      [
        { pseudonym: 'fine_name', askBoxOpen: true, allowAnonymous: true, bio: 'b'.repeat(501) },
        'bio',
      ],
      [
        { pseudonym: 'fine_name', askBoxOpen: true, allowAnonymous: true, userId: person.id },
        'userId',
      ],
    ];
    for (const [payload, field] of cases) {
      const response = await person.request({
        method: 'PUT',
        url: '/api/community/profile',
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(errorOf(response).fields ?? {})).toContain(field);
    }
    const none = await get<{ profile: null }>(person, '/api/community/profile');
    expect(none.profile).toBeNull();
  });
});

describe('asking', () => {
  it('needs a profile (403 profile_required), writing nothing', async () => {
    const person = await buildClient(t.app);
    const before = await questionCount();
    const response = await person.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'How do ruptures usually go?' },
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('profile_required');
    expect(await questionCount()).toBe(before);
  });

  it('refuses bad input with fields, writing nothing', async () => {
    const asker = await buildPeer(t.app);
    const before = await questionCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ body: '' }, 'body'],
      [{ body: '    ' }, 'body'],
      [{ body: 'x'.repeat(5_001) }, 'body'],
      [{ body: 'ok', title: 't'.repeat(201) }, 'title'],
      [{ body: 'ok', tags: ['ruptures', 'not-a-tag'] }, 'tags.1'],
      [{ body: 'ok', tags: ['repair', 'repair'] }, 'tags'],
      [{ body: 'ok', tags: ['ruptures', 'repair', 'endings', 'parts', 'trust', 'grief'] }, 'tags'],
      [{ body: 'ok', contentWarning: 'c'.repeat(201) }, 'contentWarning'],
      [{ body: 'ok', anonymous: 'yes' }, 'anonymous'],
      [{ body: 'ok', askerId: asker.id }, 'askerId'],
    ];
    for (const [payload, field] of cases) {
      const response = await asker.request({
        method: 'POST',
        url: '/api/community/questions',
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorOf(response).code).toBe('invalid_input');
      expect(Object.keys(errorOf(response).fields ?? {}), JSON.stringify(payload)).toContain(field);
    }
    expect(await questionCount()).toBe(before);
  });

  it('takes a 5,000-character question with a title of 200', async () => {
    const asker = await trustedPeer();
    const q = await ask(asker, { body: 'q'.repeat(5_000), title: 't'.repeat(200) });
    expect(q.body).toHaveLength(5_000);
    expect(q.status).toBe('open');
  });

  it('refuses unknown pseudonyms (404), closed boxes and anonymous where refused (403), my own box (400)', async () => {
    const asker = await buildPeer(t.app);
    const closed = await buildPeer(t.app, { askBoxOpen: false });
    const named = await buildPeer(t.app, { allowAnonymous: false });
    const before = await questionCount();
    const unknown = await asker.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Hi', to: 'nobody_by_that_name' },
    });
    expect(unknown.statusCode).toBe(404);
    const toClosed = await asker.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Hi', to: closed.pseudonym },
    });
    expect(toClosed.statusCode).toBe(403);
    expect(errorOf(toClosed).code).toBe('ask_box_closed');
    const anonymous = await asker.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Hi', to: named.pseudonym, anonymous: true },
    });
    expect(anonymous.statusCode).toBe(403);
    expect(errorOf(anonymous).code).toBe('anonymous_not_allowed');
    const own = await asker.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Hi', to: asker.pseudonym },
    });
    expect(own.statusCode).toBe(400);
    expect(errorOf(own).fields).toHaveProperty('to');
    expect(await questionCount()).toBe(before);
    // A named ask to the box refusing anonymous asks is fine.
    await ask(asker, { body: 'Hi, named', to: named.pseudonym.toLowerCase() });
  });

  it('delivers an ask at once: the inbox and an "ask" notification', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const q = await ask(asker, {
      body: 'How did you bring up the shoes thing?',
      title: 'The shoes',
      tags: ['ruptures', 'repair'],
      contentWarning: 'mentions an old argument',
      to: recipient.pseudonym,
    });
    expect(q).toMatchObject({
      status: 'open',
      anonymous: false,
      asker: { pseudonym: asker.pseudonym },
      to: { pseudonym: recipient.pseudonym },
      tags: ['ruptures', 'repair'],
      mine: true,
      helped: { byMe: false, someone: false },
    });
    const inbox = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
    expect(inbox.items.map((i) => i.id)).toEqual([q.id]);
    expect(inbox.items[0]?.mine).toBe(false);
    const notes = await get<{ items: { type: string; questionId: string }[] }>(
      recipient,
      '/api/community/notifications',
    );
    expect(notes.items).toEqual([expect.objectContaining({ type: 'ask', questionId: q.id })]);
    // Not on the board until answered publicly; a stranger cannot see it.
    const stranger = await buildPeer(t.app);
    const board = await get<{ items: QuestionJson[] }>(stranger, '/api/community/questions');
    expect(board.items.map((i) => i.id)).not.toContain(q.id);
    await get(stranger, `/api/community/questions/${q.id}`, 404);
  });

  it('answers 404 for malformed and unknown ids', async () => {
    const peer = await buildPeer(t.app);
    for (const url of [
      '/api/community/questions/not-an-id',
      '/api/community/questions/00000000-0000-4000-8000-000000000000',
      `/api/community/questions/${'9'.repeat(150)}`,
    ]) {
      await get(peer, url, 404);
    }
    const response = await peer.request({
      method: 'POST',
      url: '/api/community/questions/not-an-id/answers',
      payload: { body: 'hello' },
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('odd text', () => {
  it('never answers 5xx to lone surrogates or NUL characters in any field', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const odd = ['\ud800 alone', 'nul \u0000 inside', '\udfff'];
    // A lone surrogate cannot be percent-encoded as UTF-8: send the bytes of one instead.
    const inUrl = (text: string) => {
      try {
        return encodeURIComponent(text);
      } catch {
        return '%ED%A0%80';
      }
    };
    for (const text of odd) {
      const calls = [
        asker.request({
          method: 'POST',
          url: '/api/community/questions',
          payload: { body: text, title: text, contentWarning: text, to: recipient.pseudonym },
        }),
        asker.request({
          method: 'POST',
          url: '/api/community/questions',
          payload: { body: 'hi', to: text },
        }),
        asker.request({
          method: 'PUT',
          url: '/api/community/profile',
          payload: {
            pseudonym: asker.pseudonym,
            askBoxOpen: true,
            allowAnonymous: true,
            bio: text,
          },
        }),
        asker.request({
          method: 'PUT',
          url: '/api/community/mute-words',
          payload: { words: [text] },
        }),
        asker.request({ method: 'POST', url: '/api/community/check', payload: { text } }),
        asker.request({
          method: 'POST',
          url: '/api/community/mutes',
          payload: { pseudonym: text },
        }),
        asker.request({
          method: 'POST',
          url: '/api/community/reports',
          payload: { targetType: 'profile', targetId: text, reason: 'other', note: text },
        }),
        asker.request({ method: 'GET', url: `/api/community/questions?cursor=${inUrl(text)}` }),
        asker.request({ method: 'GET', url: `/api/community/profiles/${inUrl(text)}` }),
      ];
      for (const response of await Promise.all(calls)) {
        expect(response.statusCode, response.body).toBeLessThan(500);
      }
    }
    const inbox = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
    for (const q of inbox.items) await answer(recipient, q.id, { body: odd[1] ?? '' });
  });
});

describe('answering', () => {
  it('only the recipient answers an ask: others 404 while hidden, 403 once on the board', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await trustedPeer();
    const other = await buildPeer(t.app);
    const q = await ask(asker, { body: 'How do endings go?', to: recipient.pseudonym });
    const before = await answerCount();
    await answer(other, q.id, { body: 'Not mine to answer' }, 404);
    await answer(asker, q.id, { body: 'Answering myself' }, 403);
    expect(await answerCount()).toBe(before);

    const a = await answer(recipient, q.id, { body: 'Slowly, and with care.' });
    expect(a).toMatchObject({ status: 'published', private: false, mine: true });
    const board = await get<{ items: QuestionJson[] }>(other, '/api/community/questions');
    const shown = board.items.find((i) => i.id === q.id);
    expect(shown?.answers.map((x) => x.body)).toEqual(['Slowly, and with care.']);
    expect(shown?.status).toBe('answered');
    const response = await other.request({
      method: 'POST',
      url: `/api/community/questions/${q.id}/answers`,
      payload: { body: 'Me too' },
    });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('not_recipient');
    // The ask left the inbox; the asker was told.
    expect((await get<{ items: unknown[] }>(recipient, '/api/community/inbox')).items).toEqual([]);
    const notes = await get<{ items: { type: string; answerId: string }[] }>(
      asker,
      '/api/community/notifications',
    );
    expect(notes.items[0]).toMatchObject({ type: 'answer', answerId: a.id, questionId: q.id });
    const profile = await get<{ profile: { answeredCount: number } }>(
      other,
      `/api/community/profiles/${recipient.pseudonym}`,
    );
    expect(profile.profile.answeredCount).toBe(1);
  });

  it('keeps a private answer between the asker and the answerer, off the board', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const other = await buildPeer(t.app);
    const q = await ask(asker, { body: 'Can I tell you something?', to: recipient.pseudonym });
    const a = await answer(recipient, q.id, { body: 'Of course, just between us.', private: true });
    expect(a).toMatchObject({ private: true, status: 'published' });
    const seen = await get<{ question: QuestionJson }>(asker, `/api/community/questions/${q.id}`);
    expect(seen.question.answers.map((x) => x.id)).toEqual([a.id]);
    await get(other, `/api/community/questions/${q.id}`, 404);
    const board = await get<{ items: QuestionJson[] }>(other, '/api/community/questions');
    expect(board.items.map((i) => i.id)).not.toContain(q.id);
  });

  it('refuses a private answer to an anonymous asker (400, field private) and bad answers', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const q = await ask(asker, {
      body: 'Anonymous here',
      to: recipient.pseudonym,
      anonymous: true,
    });
    const before = await answerCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ body: 'Just for you', private: true }, 'private'],
      [{ body: '' }, 'body'],
      [{ body: 'a'.repeat(20_001) }, 'body'],
      [{ body: 'ok', contentWarning: 'c'.repeat(201) }, 'contentWarning'],
      [{ body: 'ok', status: 'published' }, 'status'],
    ];
    for (const [payload, field] of cases) {
      const response = await recipient.request({
        method: 'POST',
        url: `/api/community/questions/${q.id}/answers`,
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(Object.keys(errorOf(response).fields ?? {})).toContain(field);
    }
    expect(await answerCount()).toBe(before);
    const long = await answer(recipient, q.id, { body: 'a'.repeat(20_000) });
    expect(long.body).toHaveLength(20_000);
  });
});

describe('holding first public posts', () => {
  it('holds a new profile’s first board post until a moderator approves it, then trusts them', async () => {
    const newcomer = await buildPeer(t.app);
    const reader = await buildPeer(t.app);
    const first = await ask(newcomer, {
      body: 'My first question: how do parts show up?',
      tags: ['parts'],
    });
    expect(first.status).toBe('held');
    await get(reader, `/api/community/questions/${first.id}`, 404);
    let board = await get<{ items: QuestionJson[] }>(reader, '/api/community/questions?tag=parts');
    expect(board.items.map((i) => i.id)).not.toContain(first.id);
    const mine = await get<{ items: QuestionJson[] }>(newcomer, '/api/community/my-questions');
    expect(mine.items.find((i) => i.id === first.id)?.status).toBe('held');
    // Answering a held question: it does not exist for others.
    await answer(reader, first.id, { body: 'hi' }, 404);

    const queue = await get<{ items: { targetId: string; reasons: string[] }[] }>(
      moderator,
      '/api/community/moderation/queue',
    );
    expect(queue.items.find((i) => i.targetId === first.id)?.reasons).toEqual(['held']);
    const approve = await moderator.request({
      method: 'POST',
      url: '/api/community/moderation/actions',
      payload: { targetType: 'question', targetId: first.id, action: 'approve' },
    });
    expect(approve.statusCode, approve.body).toBe(200);
    board = await get<{ items: QuestionJson[] }>(reader, '/api/community/questions?tag=parts');
    expect(board.items.map((i) => i.id)).toContain(first.id);
    const own = await get<{ profile: ProfileJson }>(newcomer, '/api/community/profile');
    expect(own.profile.trusted).toBe(true);
    const notes = await get<{ items: { type: string; action: string }[] }>(
      newcomer,
      '/api/community/notifications',
    );
    expect(notes.items[0]).toMatchObject({ type: 'moderation', action: 'approved' });
    // The next one is published at once.
    const second = await ask(newcomer, { body: 'And a second one.' });
    expect(second.status).toBe('open');
  });

  it('holds a new profile’s public answer on the board, but not a private one', async () => {
    const asker = await trustedPeer();
    const q = await ask(asker, { body: 'What helped you after a hard session?' });
    const newcomer = await buildPeer(t.app);
    const held = await answer(newcomer, q.id, { body: 'Writing it out.' });
    expect(held.status).toBe('held');
    const reader = await buildPeer(t.app);
    let seen = await get<{ question: QuestionJson }>(reader, `/api/community/questions/${q.id}`);
    expect(seen.question.answers).toEqual([]);
    seen = await get<{ question: QuestionJson }>(newcomer, `/api/community/questions/${q.id}`);
    expect(seen.question.answers.map((a) => a.status)).toEqual(['held']);
    await moderator.request({
      method: 'POST',
      url: '/api/community/moderation/actions',
      payload: { targetType: 'answer', targetId: held.id, action: 'approve' },
    });
    seen = await get<{ question: QuestionJson }>(reader, `/api/community/questions/${q.id}`);
    expect(seen.question.answers.map((a) => a.id)).toEqual([held.id]);
    const notes = await get<{ items: { type: string; answerId: string }[] }>(
      asker,
      '/api/community/notifications',
    );
    expect(notes.items.some((n) => n.type === 'answer' && n.answerId === held.id)).toBe(true);
  });
});

describe('follow-ups', () => {
  it('threads a follow-up under the first question; only the asker follows up an ask', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await buildPeer(t.app);
    const stranger = await buildPeer(t.app);
    const q = await ask(asker, { body: 'How long did repair take?', to: recipient.pseudonym });
    await answer(recipient, q.id, { body: 'A few weeks.' });
    const follow = await ask(asker, { body: 'Did it feel different after?', followUpOf: q.id });
    expect(follow).toMatchObject({ followUpOf: q.id, to: { pseudonym: recipient.pseudonym } });
    // A follow-up of the follow-up hangs from the first question too.
    const again = await ask(asker, { body: 'And later on?', followUpOf: follow.id });
    expect(again.followUpOf).toBe(q.id);
    const inbox = await get<{ items: QuestionJson[] }>(recipient, '/api/community/inbox');
    expect(inbox.items.map((i) => i.id)).toEqual([follow.id, again.id]);
    const thread = await get<{ question: QuestionJson }>(asker, `/api/community/questions/${q.id}`);
    expect(thread.question.followUps.map((f) => f.id)).toEqual([follow.id, again.id]);
    expect(thread.question.answers.map((a) => a.body)).toEqual(['A few weeks.']);

    const before = await questionCount();
    const other = await stranger.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Me too?', followUpOf: q.id },
    });
    expect(other.statusCode).toBe(404);
    const elsewhere = await asker.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Elsewhere', followUpOf: q.id, to: stranger.pseudonym },
    });
    expect(elsewhere.statusCode).toBe(400);
    expect(errorOf(elsewhere).fields).toHaveProperty('to');
    expect(await questionCount()).toBe(before);
  });

  it('lets anyone follow up a board question, shown in its thread on the board', async () => {
    const asker = await trustedPeer();
    const peer = await trustedPeer();
    const q = await ask(asker, { body: 'Endings: how did yours go?', tags: ['endings'] });
    const follow = await ask(peer, { body: 'And did you keep in touch?', followUpOf: q.id });
    expect(follow.to).toBeNull();
    const board = await get<{ items: QuestionJson[] }>(
      asker,
      '/api/community/questions?tag=endings',
    );
    const item = board.items.find((i) => i.id === q.id);
    expect(item?.followUps.map((f) => f.id)).toEqual([follow.id]);
    expect(board.items.map((i) => i.id)).not.toContain(follow.id);
  });
});

describe('"this helped"', () => {
  it('says only whether I marked it and whether someone did, never how many', async () => {
    const asker = await trustedPeer();
    const helper = await trustedPeer();
    const reader = await buildPeer(t.app);
    const q = await ask(asker, { body: 'What helps after a rupture?' });
    const a = await answer(helper, q.id, { body: 'A walk, then a letter.' });
    const mark = await reader.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: true },
    });
    expect(mark.statusCode, mark.body).toBe(200);
    expect(mark.json()).toEqual({ helped: { byMe: true, someone: true } });
    const again = await reader.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: true },
    });
    expect(again.json()).toEqual({ helped: { byMe: true, someone: true } });
    const second = await buildPeer(t.app);
    await second.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: true },
    });
    const byAuthor = await get<{ question: QuestionJson }>(
      helper,
      `/api/community/questions/${q.id}`,
    );
    expect(byAuthor.question.answers[0]?.helped).toEqual({ byMe: false, someone: true });
    expect(JSON.stringify(byAuthor)).not.toMatch(/"count"|helpedCount|"2"/);

    const own = await helper.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: true },
    });
    expect(own.statusCode).toBe(400);
    expect(errorOf(own).code).toBe('own_post');

    const unmark = await reader.request({
      method: 'PUT',
      url: `/api/community/answers/${a.id}/helped`,
      payload: { helped: false },
    });
    expect(unmark.json()).toEqual({ helped: { byMe: false, someone: true } });
    const onQuestion = await reader.request({
      method: 'PUT',
      url: `/api/community/questions/${q.id}/helped`,
      payload: { helped: true },
    });
    expect(onQuestion.json()).toEqual({ helped: { byMe: true, someone: true } });
    const unseen = await reader.request({
      method: 'PUT',
      url: '/api/community/questions/00000000-0000-4000-8000-000000000000/helped',
      payload: { helped: true },
    });
    expect(unseen.statusCode).toBe(404);
  });
});
