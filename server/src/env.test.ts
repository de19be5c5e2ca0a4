import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from './env.ts';

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    readEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error(`readEnv accepted ${JSON.stringify(source)}`);
}

describe('readEnv', () => {
  it('has safe defaults for an empty environment', () => {
    const env = readEnv({});
    expect(env.port).toBe(3000);
    expect(env.host).toBe('127.0.0.1');
    expect(env.dataDir).toBe(path.resolve('data'));
    expect(path.isAbsolute(env.dataDir)).toBe(true);
    expect(env.databaseUrl).toBeUndefined();
    expect(env.sessionIdleMs).toBe(30 * 60_000);
    expect(env.sessionMaxMs).toBe(12 * 3_600_000);
    expect(env.trustProxy).toBe(false);
    expect(env.moderators).toEqual([]);
    expect(path.isAbsolute(env.webDir)).toBe(true);
    expect(env.smtpUrl).toBeUndefined();
    expect(env.publicUrl).toBe('http://localhost:3000');
    expect(env.mailFrom).toBe('Attune <attune@localhost>');
    expect(env.operatorTokenFile).toBeUndefined();
  });

  it('takes the mail and public address settings', () => {
    const env = readEnv({
      PORT: '8080',
      SMTP_URL: 'smtps://attune:secret@mail.example.org:465',
      ATTUNE_PUBLIC_URL: 'https://attune.example.org/',
      ATTUNE_OPERATOR_TOKEN_FILE: '/run/secrets/attune-operator',
    });
    expect(env.smtpUrl).toBe('smtps://attune:secret@mail.example.org:465');
    expect(env.publicUrl).toBe('https://attune.example.org');
    expect(env.mailFrom).toBe('Attune <attune@attune.example.org>');
    expect(env.operatorTokenFile).toBe('/run/secrets/attune-operator');
    expect(readEnv({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(readEnv({ SMTP_FROM: 'Practice <hello@practice.example>' }).mailFrom).toBe(
      'Practice <hello@practice.example>',
    );
    expect(readEnv({ SMTP_URL: '' }).smtpUrl).toBeUndefined();
  });

  it.each([
    ['SMTP_URL', 'mail.example.org:25'],
    ['SMTP_URL', 'http://mail.example.org'],
    ['ATTUNE_PUBLIC_URL', 'attune.example.org'],
    ['ATTUNE_PUBLIC_URL', 'ftp://attune.example.org'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(errorOf({ [name]: value }).message).toContain(name);
  });

  it('takes overrides', () => {
    const env = readEnv({
      PORT: '8080',
      HOST: '0.0.0.0',
      ATTUNE_DATA_DIR: '/var/lib/attune',
      DATABASE_URL: 'postgres://attune@db.internal:5432/attune',
      ATTUNE_SESSION_IDLE_MINUTES: '15',
      ATTUNE_SESSION_MAX_HOURS: '8',
      ATTUNE_TRUST_PROXY: 'true',
      ATTUNE_MODERATORS: ' Mod@Example.test, ,other@example.test ',
    });
    expect(env.port).toBe(8080);
    expect(env.host).toBe('0.0.0.0');
    expect(env.dataDir).toBe('/var/lib/attune');
    expect(env.databaseUrl).toBe('postgres://attune@db.internal:5432/attune');
    expect(env.sessionIdleMs).toBe(15 * 60_000);
    expect(env.sessionMaxMs).toBe(8 * 3_600_000);
    expect(env.trustProxy).toBe(true);
    expect(env.moderators).toEqual(['mod@example.test', 'other@example.test']);
  });

  it('resolves a relative data directory against the working directory', () => {
    expect(readEnv({ ATTUNE_DATA_DIR: 'somewhere/else' }).dataDir).toBe(
      path.resolve(process.cwd(), 'somewhere/else'),
    );
  });

  it('accepts postgresql:// as well as postgres://', () => {
    expect(readEnv({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe(
      'postgresql://u@h/db',
    );
  });

  it.each(['mysql://u@h/db', 'http://u@h/db', '/var/run/postgresql', 'db.internal:5432'])(
    'refuses DATABASE_URL=%s, naming the variable',
    (url) => {
      expect(errorOf({ DATABASE_URL: url }).message).toMatch(/DATABASE_URL/);
    },
  );

  it('treats an empty DATABASE_URL as unset (embedded database)', () => {
    expect(readEnv({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each(['abc', '70000', '-1', '80.5'])(
    'refuses PORT=%s with an EnvError naming PORT',
    (port) => {
      const error = errorOf({ PORT: port });
      expect(error).toBeInstanceOf(EnvError);
      expect(error.message).toMatch(/\bPORT\b/);
    },
  );

  it('accepts PORT=0 (any free port), written out', () => {
    expect(readEnv({ PORT: '0' }).port).toBe(0);
  });

  it('treats an empty PORT as unset, never as port 0 (a random port)', () => {
    // `PORT=` in an env file or `PORT=${PORT}` in a compose file with PORT unset.
    expect(readEnv({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['ATTUNE_SESSION_IDLE_MINUTES', '0'],
    ['ATTUNE_SESSION_IDLE_MINUTES', 'soon'],
    ['ATTUNE_SESSION_MAX_HOURS', '-3'],
    ['ATTUNE_TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(errorOf({ [name]: value }).message).toContain(name);
  });

  it('names every bad variable at once', () => {
    const message = errorOf({ PORT: 'x', DATABASE_URL: 'mysql://h/db' }).message;
    expect(message).toMatch(/\bPORT\b/);
    expect(message).toMatch(/DATABASE_URL/);
  });
});
