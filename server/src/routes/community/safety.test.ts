import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { communityReports } from '../../db/schema.ts';
import { buildClient, type Person } from '../../test/factories.ts';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import {
  answer,
  ask,
  buildPeer,
  buildTrustedPeer,
  errorOf,
  get,
  moderate,
  type QuestionJson,
  useCommunityApp,
} from './community-world.ts';

let t: TestApp;
let moderator: Person;
useCommunityApp((world) => ({ t, moderator } = world));

const trustedPeer = () => buildTrustedPeer(t.app, moderator);

type Notice = {
  type: string;
  message: string | null;
  reason: string | null;
  action: string | null;
  questionId: string | null;
  resources: { resources: unknown[] } | null;
};
type QueueItem = {
  targetType: string;
  targetId: string;
  reasons: string[];
  reports: { reason: string; note: string | null }[];
  content: { body: string; author: { pseudonym: string } | null } | null;
};

const queue = async () =>
  (await get<{ items: QueueItem[] }>(moderator, '/api/community/moderation/queue')).items;

describe('crisis language', () => {
  it('answers the check with resources only when there is crisis language', async () => {
    const person = await buildClient(t.app);
    const yes = await person.request({
      method: 'POST',
      url: '/api/community/check',
      payload: { text: "Honestly, I don't want to be here anymore." },
    });
    expect(yes.statusCode).toBe(200);
    expect(yes.json().crisisLanguage).toBe(true);
    expect(yes.json().resources.resources.length).toBeGreaterThan(0);
    const no = await person.request({
      method: 'POST',
      url: '/api/community/check',
      payload: { text: 'This waiting list is killing me, I am dying to know.' },
    });
    expect(no.json()).toEqual({ crisisLanguage: false, resources: null });
    const bad = await person.request({
      method: 'POST',
      url: '/api/community/check',
      payload: { text: 'x'.repeat(20_001) },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('accepts posts with crisis language and puts them before a moderator', async () => {
    const asker = await trustedPeer();
    const q = await ask(asker, { body: 'Some nights I feel like I can’t go on.' });
    expect(q).toMatchObject({ status: 'open', crisisLanguage: true });
    const helper = await trustedPeer();
    const a = await answer(helper, q.id, { body: 'I have felt suicidal too; it eased with help.' });
    expect(a.crisisLanguage).toBe(true);
    const items = await queue();
    expect(items.find((i) => i.targetId === q.id)?.reasons).toEqual(['crisis']);
    expect(items.find((i) => i.targetId === a.id)?.reasons).toEqual(['crisis']);
    // Reviewing (approving) takes it off the queue; it stays published.
    await moderate(moderator, { targetType: 'question', targetId: q.id, action: 'approve' });
    expect((await queue()).some((i) => i.targetId === q.id)).toBe(false);
    const seen = await get<{ question: QuestionJson }>(helper, `/api/community/questions/${q.id}`);
    expect(seen.question.status).toBe('answered');
  });
});

describe('reports', () => {
  it('is idempotent, and an at-risk report sends the author care without naming the reporter', async () => {
    const author = await trustedPeer();
    const reporter = await buildPeer(t.app);
    const second = await buildClient(t.app); // reporting needs no community profile
    // What would say who reported: never shown to the author or in the queue.
    const reporters = [reporter.pseudonym, reporter.id, reporter.email, second.id, second.email];
    const q = await ask(author, { body: 'Everything feels heavy lately.' });
    const payload = {
      targetType: 'question',
      targetId: q.id,
      reason: 'at-risk',
      note: 'I am worried',
    };
    const first = await reporter.request({
      method: 'POST',
      url: '/api/community/reports',
      payload,
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().report).toMatchObject({
      targetType: 'question',
      targetId: q.id,
      reason: 'at-risk',
    });
    const again = await reporter.request({
      method: 'POST',
      url: '/api/community/reports',
      payload,
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().report.id).toBe(first.json().report.id);
    await second.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'question', targetId: q.id, reason: 'at-risk' },
    });
    const rows = await t.services.db
      .select({ n: count() })
      .from(communityReports)
      .where(eq(communityReports.questionId, q.id));
    expect(Number(rows[0]?.n)).toBe(2);

    const notes = await get<{ items: Notice[] }>(author, '/api/community/notifications');
    const care = notes.items.filter((n) => n.type === 'care');
    expect(care).toHaveLength(1);
    expect(care[0]?.message).toMatch(/check in on you/);
    expect(care[0]?.resources?.resources.length).toBeGreaterThan(0);
    const body = JSON.stringify(notes);
    for (const value of reporters) {
      expect(body).not.toContain(value);
    }
    // The queue shows the reports and their notes, never who sent them.
    const item = (await queue()).find((i) => i.targetId === q.id);
    expect(item?.reasons).toEqual(['report']);
    expect(item?.reports.map((r) => r.reason)).toEqual(['at-risk', 'at-risk']);
    const queueBody = JSON.stringify(item);
    for (const value of reporters) {
      expect(queueBody).not.toContain(value);
    }
  });

  it('reaches an anonymous author with care, and reports answers and profiles', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await trustedPeer();
    const q = await ask(asker, {
      body: 'I have been hurting myself.',
      to: recipient.pseudonym,
      anonymous: true,
    });
    const r = await recipient.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'question', targetId: q.id, reason: 'at-risk' },
    });
    expect(r.statusCode).toBe(201);
    const notes = await get<{ items: Notice[] }>(asker, '/api/community/notifications');
    expect(notes.items.map((n) => n.type)).toContain('care');
    expect(JSON.stringify(notes)).not.toContain(recipient.pseudonym);

    const a = await answer(recipient, q.id, { body: 'Buy my course!' });
    const spam = await asker.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'answer', targetId: a.id, reason: 'spam' },
    });
    expect(spam.statusCode).toBe(201);
    const profile = await asker.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: {
        targetType: 'profile',
        targetId: recipient.pseudonym.toUpperCase(),
        reason: 'harassment',
      },
    });
    expect(profile.statusCode).toBe(201);
    expect(profile.json().report.targetId).toBe(recipient.pseudonym);
    const items = await queue();
    expect(items.find((i) => i.targetId === a.id)?.reasons).toEqual(['report']);
    expect(items.find((i) => i.targetId === recipient.pseudonym)?.targetType).toBe('profile');
  });

  it('refuses own posts (400), unseen targets (404) and bad reasons (400)', async () => {
    const author = await trustedPeer();
    const q = await ask(author, { body: 'My own question' });
    const own = await author.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'question', targetId: q.id, reason: 'spam' },
    });
    expect(errorOf(own).code).toBe('own_post');
    const ownProfile = await author.request({
      method: 'POST',
      url: '/api/community/reports',
      payload: { targetType: 'profile', targetId: author.pseudonym, reason: 'spam' },
    });
    expect(errorOf(ownProfile).code).toBe('own_post');
    const other = await buildPeer(t.app);
    const held = await ask(other, { body: 'Held, unseen by others' });
    for (const payload of [
      { targetType: 'question', targetId: held.id, reason: 'spam' },
      { targetType: 'question', targetId: 'not-an-id', reason: 'spam' },
      { targetType: 'answer', targetId: q.id, reason: 'spam' },
      { targetType: 'profile', targetId: 'nobody_of_that_name', reason: 'spam' },
    ]) {
      const response = await author.request({
        method: 'POST',
        url: '/api/community/reports',
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(404);
    }
    for (const payload of [
      { targetType: 'question', targetId: q.id, reason: 'rude' },
      { targetType: 'letter', targetId: q.id, reason: 'spam' },
      { targetType: 'question', targetId: q.id, reason: 'spam', note: 'n'.repeat(2_001) },
    ]) {
      const response = await other.request({
        method: 'POST',
        url: '/api/community/reports',
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
    }
  });
});

describe('moderation', () => {
  it('answers 404 to everyone but moderators, before looking at the body', async () => {
    const peer = await buildPeer(t.app);
    const queueResponse = await peer.request({
      method: 'GET',
      url: '/api/community/moderation/queue',
    });
    expect(queueResponse.statusCode).toBe(404);
    for (const payload of [{}, { targetType: 'question', targetId: 'x', action: 'approve' }]) {
      const response = await peer.request({
        method: 'POST',
        url: '/api/community/moderation/actions',
        payload,
      });
      expect(response.statusCode).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
    }
    const own = await get<{ moderator: boolean }>(moderator, '/api/community/profile');
    expect(own.moderator).toBe(true);
  });

  it('takes moderators from ATTUNE_MODERATORS too', async () => {
    const email = `mod-${Date.now()}@example.test`;
    const other = await startTestApp({ env: { moderators: [email] } });
    try {
      const response = await other.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: {
          email,
          password: 'a calm moderator password',
          displayName: 'Mo',
          role: 'client',
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      const cookie = String(response.headers['set-cookie']).split(';')[0] ?? '';
      const queueResponse = await other.app.inject({
        method: 'GET',
        url: '/api/community/moderation/queue',
        headers: { cookie },
      });
      expect(queueResponse.statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('removes a post with a reason the author is told; others no longer see it', async () => {
    const author = await trustedPeer();
    const reader = await buildPeer(t.app);
    const q = await ask(author, { body: 'Something against the guidelines' });
    const noReason = await moderator.request({
      method: 'POST',
      url: '/api/community/moderation/actions',
      payload: { targetType: 'question', targetId: q.id, action: 'remove' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(errorOf(noReason).fields).toHaveProperty('reason');
    await moderate(moderator, {
      targetType: 'question',
      targetId: q.id,
      action: 'remove',
      reason: 'Please keep to experiences, not advertising.',
    });
    await get(reader, `/api/community/questions/${q.id}`, 404);
    const own = await get<{ question: QuestionJson }>(author, `/api/community/questions/${q.id}`);
    expect(own.question.status).toBe('removed');
    const notes = await get<{ items: Notice[] }>(author, '/api/community/notifications');
    expect(notes.items[0]).toMatchObject({
      type: 'moderation',
      action: 'removed',
      reason: 'Please keep to experiences, not advertising.',
      questionId: q.id,
    });
    const unknown = await moderator.request({
      method: 'POST',
      url: '/api/community/moderation/actions',
      payload: { targetType: 'answer', targetId: q.id, action: 'remove', reason: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('removes an answer and takes an ask off the board when no public answer is left', async () => {
    const asker = await buildPeer(t.app);
    const recipient = await trustedPeer();
    const reader = await buildPeer(t.app);
    const q = await ask(asker, { body: 'An ask', to: recipient.pseudonym });
    const a = await answer(recipient, q.id, { body: 'An answer to remove' });
    await get(reader, `/api/community/questions/${q.id}`);
    await moderate(moderator, {
      targetType: 'answer',
      targetId: a.id,
      action: 'remove',
      reason: 'Off topic.',
    });
    await get(reader, `/api/community/questions/${q.id}`, 404);
  });

  it('suspends a profile (it cannot post; the reason is shown) and reinstates it', async () => {
    const peer = await trustedPeer();
    await moderate(moderator, {
      targetType: 'profile',
      targetId: peer.pseudonym,
      action: 'suspend',
      reason: 'Repeated unkind answers.',
    });
    const refused = await peer.request({
      method: 'POST',
      url: '/api/community/questions',
      payload: { body: 'Can I still post?' },
    });
    expect(refused.statusCode).toBe(403);
    expect(errorOf(refused).code).toBe('suspended');
    expect(errorOf(refused).message).toContain('Repeated unkind answers.');
    const own = await get<{ profile: { suspended: boolean; suspensionReason: string } }>(
      peer,
      '/api/community/profile',
    );
    expect(own.profile).toMatchObject({
      suspended: true,
      suspensionReason: 'Repeated unkind answers.',
    });
    const asker = await trustedPeer();
    const q = await ask(asker, { body: 'Question for all' });
    await answer(peer, q.id, { body: 'An answer' }, 403);
    await moderate(moderator, {
      targetType: 'profile',
      targetId: peer.pseudonym,
      action: 'reinstate',
    });
    await ask(peer, { body: 'Back again' });
    const notes = await get<{ items: Notice[] }>(peer, '/api/community/notifications');
    expect(notes.items.map((n) => n.action).slice(0, 2)).toEqual(['reinstated', 'suspended']);
    const removeProfile = await moderator.request({
      method: 'POST',
      url: '/api/community/moderation/actions',
      payload: { targetType: 'profile', targetId: peer.pseudonym, action: 'remove', reason: 'x' },
    });
    expect(removeProfile.statusCode).toBe(400);
  });
});

describe('mutes and mute words', () => {
  it('leaves out a muted pseudonym’s posts for me only', async () => {
    const loud = await trustedPeer();
    const me = await trustedPeer();
    const other = await buildPeer(t.app);
    const q = await ask(loud, { body: 'A post from a loud person', tags: ['trust'] });
    const host = await ask(me, { body: 'My own question', tags: ['trust'] });
    const a = await answer(loud, host.id, { body: 'A loud answer' });
    const mute = await me.request({
      method: 'POST',
      url: '/api/community/mutes',
      payload: { pseudonym: loud.pseudonym.toUpperCase() },
    });
    expect(mute.statusCode).toBe(201);
    expect(mute.json().mute.pseudonym).toBe(loud.pseudonym);
    const board = await get<{ items: QuestionJson[] }>(me, '/api/community/questions?tag=trust');
    expect(board.items.map((i) => i.id)).not.toContain(q.id);
    const thread = await get<{ question: QuestionJson }>(me, `/api/community/questions/${host.id}`);
    expect(thread.question.answers.map((x) => x.id)).not.toContain(a.id);
    const forOther = await get<{ items: QuestionJson[] }>(
      other,
      '/api/community/questions?tag=trust',
    );
    expect(forOther.items.map((i) => i.id)).toContain(q.id);
    const list = await get<{ items: { pseudonym: string }[] }>(me, '/api/community/mutes');
    expect(list.items.map((m) => m.pseudonym)).toEqual([loud.pseudonym]);
    const unmute = await me.request({
      method: 'DELETE',
      url: `/api/community/mutes/${loud.pseudonym}`,
      payload: {},
    });
    expect(unmute.statusCode).toBe(204);
    const after = await get<{ items: QuestionJson[] }>(me, '/api/community/questions?tag=trust');
    expect(after.items.map((i) => i.id)).toContain(q.id);
    const own = await me.request({
      method: 'POST',
      url: '/api/community/mutes',
      payload: { pseudonym: me.pseudonym },
    });
    expect(errorOf(own).code).toBe('own_post');
  });

  it('mutes whole words in any case: "cat" hides "Cat!" but not "category"', async () => {
    const writer = await trustedPeer();
    const me = await trustedPeer();
    const cat = await ask(writer, {
      body: 'My Cat! sits on me in every session.',
      tags: ['self-care'],
    });
    const category = await ask(writer, {
      body: 'Which category does this go in?',
      tags: ['self-care'],
    });
    const words = await me.request({
      method: 'PUT',
      url: '/api/community/mute-words',
      payload: { words: ['CAT', 'cat', 'rain'] },
    });
    expect(words.statusCode, words.body).toBe(200);
    expect(words.json()).toEqual({ words: ['cat', 'rain'] });
    expect(await get(me, '/api/community/mute-words')).toEqual({ words: ['cat', 'rain'] });
    const board = await get<{ items: QuestionJson[] }>(
      me,
      '/api/community/questions?tag=self-care',
    );
    const ids = board.items.map((i) => i.id);
    expect(ids).not.toContain(cat.id);
    expect(ids).toContain(category.id);
    // Opened directly, it is there, folded.
    const opened = await get<{ question: QuestionJson }>(me, `/api/community/questions/${cat.id}`);
    expect(opened.question.collapsed).toBe(true);
    const other = await get<{ question: QuestionJson }>(
      writer,
      `/api/community/questions/${cat.id}`,
    );
    expect(other.question.collapsed).toBe(false);
    for (const payload of [
      { words: ['two words'] },
      { words: ['x'.repeat(51)] },
      { words: 'cat' },
    ]) {
      const bad = await me.request({ method: 'PUT', url: '/api/community/mute-words', payload });
      expect(bad.statusCode).toBe(400);
    }
  });

  it('needs a profile to mute, block and set mute words (403 profile_required)', async () => {
    const person = await buildClient(t.app);
    for (const [method, url, payload] of [
      ['POST', '/api/community/mutes', { pseudonym: 'someone_else' }],
      ['PUT', '/api/community/mute-words', { words: [] }],
      ['POST', '/api/community/blocks', { pseudonym: 'someone_else' }],
    ] as const) {
      const response = await person.request({
        method,
        url,
        ...(payload === undefined ? {} : { payload }),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(errorOf(response).code).toBe('profile_required');
    }
    // Reading lists without a profile: nothing yet.
    for (const url of [
      '/api/community/notifications',
      '/api/community/inbox',
      '/api/community/my-questions',
      '/api/community/mutes',
      '/api/community/blocks',
    ]) {
      expect(await get(person, url)).toEqual({ items: [] });
    }
    expect(await get(person, '/api/community/mute-words')).toEqual({ words: [] });
  });
});

describe('notifications', () => {
  it('marks notifications seen, some or all', async () => {
    const recipient = await buildPeer(t.app);
    const asker = await buildPeer(t.app);
    await ask(asker, { body: 'one', to: recipient.pseudonym });
    await ask(asker, { body: 'two', to: recipient.pseudonym });
    const list = await get<{ items: { id: string; seen: boolean }[] }>(
      recipient,
      '/api/community/notifications?unseen=true',
    );
    expect(list.items).toHaveLength(2);
    const some = await recipient.request({
      method: 'POST',
      url: '/api/community/notifications/seen',
      payload: { ids: [list.items[0]?.id] },
    });
    expect(some.json()).toEqual({ unseen: 1 });
    const all = await recipient.request({
      method: 'POST',
      url: '/api/community/notifications/seen',
      payload: {},
    });
    expect(all.json()).toEqual({ unseen: 0 });
    // Another person's notification ids change nothing of theirs.
    const mine = await get<{ items: { id: string }[] }>(asker, '/api/community/notifications');
    expect(mine.items).toEqual([]);
  });
});
