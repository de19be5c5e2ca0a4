import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * The community under load, through the HTTP API of a running server: asking (a question to the
 * public board), listing the board (a page of 20 with their answers) and answering. The server
 * must run with ATTUNE_MODERATORS naming BENCH_MODERATOR and with the ask and answer limits
 * raised (ATTUNE_COMMUNITY_ASKS_PER_HOUR, ATTUNE_COMMUNITY_ANSWERS_PER_HOUR): a limit of 20 asks
 * an hour would measure the 429s.
 */

export const BENCH_MODERATOR = `bench-moderator-${randomUUID()}@example.test`;

type Reply = { status: number; json: Record<string, unknown>; cookie: string | undefined };

async function call(
  base: string,
  method: string,
  url: string,
  body: unknown,
  cookie?: string,
): Promise<Reply> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300)
    throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    cookie: response.headers.get('set-cookie')?.split(';')[0],
  };
}

async function member(
  base: string,
  pseudonym: string,
  email = `bench-${randomUUID()}@example.test`,
) {
  const { cookie } = await call(base, 'POST', '/api/auth/register', {
    email,
    password: 'a long bench password 1',
    displayName: pseudonym,
    role: 'client',
  });
  await call(
    base,
    'PUT',
    '/api/community/profile',
    { pseudonym, askBoxOpen: true, allowAnonymous: true, bio: 'Here to listen.' },
    cookie,
  );
  return cookie ?? '';
}

const id = (reply: Reply, key: 'question' | 'answer') => (reply.json[key] as { id: string }).id;

export type CommunityWorld = {
  askerCookie: string;
  readerCookie: string;
  questionId: string;
  askBody: string;
  answerBody: string;
};

/**
 * Two trusted members (their first post approved by the moderator) and a board of 60 answered
 * questions.
 */
export async function seedCommunity(base: string): Promise<CommunityWorld> {
  const tag = randomUUID().slice(0, 6);
  const moderator = await member(base, `mod${tag}`, BENCH_MODERATOR);
  const askerCookie = await member(base, `asker${tag}`);
  const readerCookie = await member(base, `reader${tag}`);
  const askBody = JSON.stringify({
    title: 'How do you find each other again after a rupture?',
    body: 'My therapist looked at the clock while I was talking, and I went quiet for the rest of the session. How do other people bring it up the next time?',
    tags: ['ruptures', 'repair'],
  });
  const answerBody = JSON.stringify({
    body: 'I wrote it down before the session and read it out. It was easier than I feared, and we talked about it for most of the hour.',
  });
  // First posts are held: approving one makes each member trusted.
  for (const cookie of [askerCookie, readerCookie]) {
    const first = await call(base, 'POST', '/api/community/questions', JSON.parse(askBody), cookie);
    await call(
      base,
      'POST',
      '/api/community/moderation/actions',
      { targetType: 'question', targetId: id(first, 'question'), action: 'approve' },
      moderator,
    );
  }
  let questionId = '';
  for (let i = 0; i < 60; i++) {
    const asked = await call(
      base,
      'POST',
      '/api/community/questions',
      JSON.parse(askBody),
      askerCookie,
    );
    questionId = id(asked, 'question');
    await call(
      base,
      'POST',
      `/api/community/questions/${questionId}/answers`,
      JSON.parse(answerBody),
      readerCookie,
    );
  }
  return { askerCookie, readerCookie, questionId, askBody, answerBody };
}

export type LoadResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number };

async function load(
  url: string,
  options: { method?: 'GET' | 'POST'; body?: string; cookie: string },
  duration: number,
  connections: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    duration,
    connections,
    method: options.method ?? 'GET',
    headers: { cookie: options.cookie, 'content-type': 'application/json' },
    ...(options.body ? { body: options.body } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Asking, listing the board and answering, each alone for `duration` seconds. */
export async function benchCommunity(
  base: string,
  world: CommunityWorld,
  duration: number,
  connections: number,
) {
  const board = await load(
    `${base}/api/community/questions?limit=20`,
    { cookie: world.readerCookie },
    duration,
    connections,
  );
  const ask = await load(
    `${base}/api/community/questions`,
    { method: 'POST', body: world.askBody, cookie: world.askerCookie },
    duration,
    connections,
  );
  const answer = await load(
    `${base}/api/community/questions/${world.questionId}/answers`,
    { method: 'POST', body: world.answerBody, cookie: world.readerCookie },
    duration,
    connections,
  );
  return { board, ask, answer };
}
