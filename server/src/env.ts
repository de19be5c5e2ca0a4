import path from 'node:path';
import { z } from 'zod';

/**
 * The environment, read and validated once at start-up. Nothing else in the server reads
 * process.env; everything receives an Env.
 */

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ATTUNE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt.default(20),
  ATTUNE_SESSION_IDLE_MINUTES: positiveInt.default(30),
  ATTUNE_SESSION_MAX_HOURS: positiveInt.default(12),
  ATTUNE_TRUST_PROXY: boolean.default(false),
  ATTUNE_REGISTER_LIMIT_PER_HOUR: positiveInt.default(30),
  ATTUNE_WEB_DIR: z.string().min(1).optional(),
  ATTUNE_CRISIS_RESOURCES_FILE: z.string().min(1).optional(),
  ATTUNE_MODERATORS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587')
    .optional(),
  SMTP_FROM: z.string().min(3).max(200).optional(),
  ATTUNE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
    .optional(),
  ATTUNE_OPERATOR_TOKEN_FILE: z.string().min(1).optional(),
  ATTUNE_SECRET_KEY_FILE: z.string().min(1).optional(),
  ATTUNE_COMMUNITY_ASKS_PER_HOUR: positiveInt.optional(),
  ATTUNE_COMMUNITY_ANSWERS_PER_HOUR: positiveInt.optional(),
});

export type Env = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  trustProxy: boolean;
  registerLimitPerHour: number;
  webDir: string;
  crisisResourcesFile: string | undefined;
  moderators: string[];
  logLevel: string;
  /** Where email goes; undefined: emails stay in the local outbox. */
  smtpUrl: string | undefined;
  /** The From of Attune's emails. */
  mailFrom: string;
  /** The address people reach Attune at, without a trailing slash: the base of links in emails. */
  publicUrl: string;
  /** A file holding the instance operator's token (the outbox view); undefined: no operator view. */
  operatorTokenFile: string | undefined;
  /**
   * The file of keys that seal clinical text (server/src/crypto/keys.ts); undefined: secret.key
   * in the data directory, made on first start.
   */
  secretKeyFile: string | undefined;
  /** Community questions and asks per person an hour; undefined: the default (20). */
  communityAsksPerHour: number | undefined;
  /** Community answers per person an hour; undefined: the default (60). */
  communityAnswersPerHour: number | undefined;
};

export class EnvError extends Error {}

const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/** Parses the given environment (normally process.env) into an Env, or throws EnvError. */
export function readEnv(source: Record<string, string | undefined>): Env {
  // An empty variable (`PORT=` in an env file) means unset, so the default applies.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`Attune's configuration is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = (e.ATTUNE_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.ATTUNE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sessionIdleMs: e.ATTUNE_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.ATTUNE_SESSION_MAX_HOURS * 3_600_000,
    trustProxy: e.ATTUNE_TRUST_PROXY,
    registerLimitPerHour: e.ATTUNE_REGISTER_LIMIT_PER_HOUR,
    webDir: path.resolve(e.ATTUNE_WEB_DIR ?? path.join(projectRoot, 'web', 'dist')),
    crisisResourcesFile: e.ATTUNE_CRISIS_RESOURCES_FILE,
    moderators: e.ATTUNE_MODERATORS.split(',')
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.SMTP_FROM ?? `Attune <attune@${new URL(publicUrl).hostname}>`,
    publicUrl,
    operatorTokenFile: e.ATTUNE_OPERATOR_TOKEN_FILE,
    secretKeyFile:
      e.ATTUNE_SECRET_KEY_FILE === undefined ? undefined : path.resolve(e.ATTUNE_SECRET_KEY_FILE),
    communityAsksPerHour: e.ATTUNE_COMMUNITY_ASKS_PER_HOUR,
    communityAnswersPerHour: e.ATTUNE_COMMUNITY_ANSWERS_PER_HOUR,
  };
}
