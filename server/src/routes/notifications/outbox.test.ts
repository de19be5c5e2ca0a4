import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError } from '../../env.ts';
import {
  type FreshDatabase,
  freshDatabase,
  startTestApp,
  type TestApp,
} from '../../test/harness.ts';
import { expectError, expectNotFound } from '../../test/world.ts';

/** The instance operator's view of the email outbox, behind a token read from a file. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attune-operator-'));
const token = randomBytes(32).toString('hex');
const tokenFile = path.join(dir, 'operator-token');
fs.writeFileSync(tokenFile, `${token}\n`);

let fresh: FreshDatabase;
let t: TestApp;
let closed: TestApp;

beforeAll(async () => {
  fresh = await freshDatabase();
  t = await startTestApp({ fresh, env: { smtpUrl: undefined, operatorTokenFile: tokenFile } });
  closed = await startTestApp({ fresh, env: { operatorTokenFile: undefined } });
});
afterAll(async () => {
  await closed?.close();
  await t?.close();
  await fresh?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const outbox = (app: TestApp, authorization?: string, query = '') =>
  app.app.inject({
    method: 'GET',
    url: `/api/operator/outbox${query}`,
    headers: authorization ? { authorization } : {},
  });

describe('GET /api/operator/outbox', () => {
  it('lists the latest emails, newest first, for the bearer of the operator token', async () => {
    const to = `reader-${randomUUID()}@example.test`;
    for (const n of [1, 2, 3]) {
      await t.app.notifications.mailer.send({
        to,
        subject: `Subject ${n}`,
        text: `Text ${n}`,
        dedupeKey: `operator-test:${randomUUID()}`,
      });
    }
    const response = await outbox(t, `Bearer ${token}`, '?limit=2');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { items } = response.json<{ items: Record<string, unknown>[] }>();
    expect(items.map((item) => item.subject)).toEqual(['Subject 3', 'Subject 2']);
    expect(items[0]).toEqual({
      id: expect.any(String),
      toAddress: to,
      subject: 'Subject 3',
      text: 'Text 3',
      status: 'kept-local',
      createdAt: expect.any(String),
      sentAt: null,
      error: null,
    });
  });

  it('is 401 without the token or with another one, saying nothing of the outbox', async () => {
    for (const authorization of [
      undefined,
      `Bearer ${token}x`,
      token,
      'Bearer ',
      `Basic ${token}`,
    ]) {
      const response = await outbox(t, authorization);
      expectError(response, 401, 'operator_token_required');
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).not.toContain('@example.test');
    }
  });

  it('does not exist without an operator token file', async () => {
    expectNotFound(await outbox(closed, `Bearer ${token}`));
  });

  it('refuses a bad limit', async () => {
    expectError(await outbox(t, `Bearer ${token}`, '?limit=0'), 400, 'invalid_input');
    expectError(await outbox(t, `Bearer ${token}`, '?limit=many'), 400, 'invalid_input');
  });

  it('refuses to start with a token file that is missing or too short', async () => {
    const short = path.join(dir, 'short');
    fs.writeFileSync(short, 'secret');
    for (const file of [short, path.join(dir, 'missing')]) {
      await expect(
        startTestApp({ fresh, env: { operatorTokenFile: file } }),
      ).rejects.toBeInstanceOf(EnvError);
    }
  });
});
