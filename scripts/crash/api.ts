/**
 * A signed-in person talking to the API. A request the server died under has no answer
 * (undefined): it may or may not have been written, and the crash test treats it as in doubt.
 */

export type Json = Record<string, unknown>;
export type Answer = { status: number; json: Json };

export const PASSWORD = 'crash test lanterns 7 harbour';

export class Person {
  readonly email: string;
  private readonly base: string;
  private cookie = '';
  /** How often the session was not accepted and the person signed in again. */
  signIns = 0;

  constructor(base: string, label: string) {
    this.base = base;
    this.email = `crash-${label}-${crypto.randomUUID()}@example.test`;
  }

  async register(role: 'client' | 'therapist', displayName: string): Promise<void> {
    const answer = await this.send('POST', '/api/auth/register', {
      email: this.email,
      password: PASSWORD,
      displayName,
      role,
    });
    expectStatus(answer, 201, 'register');
  }

  /**
   * A request with the session; a 401 (the session was not found) signs in again and repeats
   * it once, which is safe because a 401 is answered before anything is written.
   */
  async call(method: string, url: string, body?: unknown): Promise<Answer | undefined> {
    const answer = await this.send(method, url, body);
    if (answer?.status !== 401) return answer;
    const login = await this.send('POST', '/api/auth/login', {
      email: this.email,
      password: PASSWORD,
    });
    if (login?.status !== 200) return answer;
    this.signIns += 1;
    return this.send(method, url, body);
  }

  /** A read that must succeed: the server is up and nothing kills it meanwhile. */
  async read(url: string): Promise<Json> {
    const answer = await this.call('GET', url);
    expectStatus(answer, 200, `GET ${url}`);
    return answer.json;
  }

  private async send(method: string, url: string, body?: unknown): Promise<Answer | undefined> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${this.base}${url}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // The whole body must arrive: an answer cut off by the kill acknowledges nothing.
      const text = await response.text();
      const session = response.headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith('attune_session='));
      if (session) this.cookie = session.split(';')[0] ?? '';
      return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
    } catch {
      return undefined; // refused, reset, or cut off: the server is gone
    }
  }
}

export function expectStatus(
  answer: Answer | undefined,
  status: number,
  what: string,
): asserts answer is Answer {
  if (answer?.status !== status) {
    const got = answer ? `${answer.status} ${JSON.stringify(answer.json)}` : 'no answer';
    throw new Error(`${what}: expected ${status}, got ${got}`);
  }
}

/** A nested object of an answer, e.g. `{part: {...}}` → the part. */
export function field(json: Json, key: string): Json {
  const value = json[key];
  if (typeof value !== 'object' || value === null) {
    throw new Error(`the answer has no ${key}: ${JSON.stringify(json)}`);
  }
  return value as Json;
}
