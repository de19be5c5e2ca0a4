import type { SessionStore } from './auth/sessions.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import type { Database, Db } from './db/client.ts';
import type { Env } from './env.ts';
import type { Notifier } from './notifications/notifier.ts';
import type { CrisisResources } from './routes/crisis/resources.ts';
import type { AuditLog } from './services/audit.ts';
import type { RelationshipCache } from './services/relationship-cache.ts';

/** What route plugins are given: the parts of the running server they may use. */
export type Services = {
  env: Env;
  database: Database;
  db: Db;
  sessions: SessionStore;
  throttle: LoginThrottle;
  crisisResources: CrisisResources;
  relationships: RelationshipCache;
  audit: AuditLog;
  notifier: Notifier;
};
