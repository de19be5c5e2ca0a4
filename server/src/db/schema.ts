import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The one Drizzle schema. Migrations in ./migrations are generated from it by drizzle-kit. */

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
};

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Stored lower-cased and trimmed; unique. */
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['client', 'therapist'] }).notNull(),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('client', 'therapist')`)],
);

/** Sign-in sessions. The id is the SHA-256 of the cookie token; the token itself is never stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ...timestamps,
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    index('sessions_expires_at_idx').on(t.expiresAt),
  ],
);

/**
 * Failed sign-in counters, keyed by account (`account:<email>`) or address (`address:<ip>`).
 * Kept in the database so that every instance of the server sees the same counts.
 */
export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/** One client with one therapist over time; solo until the therapist accepts an invite. */
export const relationships = pgTable(
  'relationships',
  {
    id: uuid('id').primaryKey(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    therapistId: uuid('therapist_id').references(() => users.id, { onDelete: 'set null' }),
    therapistName: text('therapist_name').notNull(),
    mode: text('mode', { enum: ['solo', 'connected'] }).notNull(),
    status: text('status', { enum: ['active', 'ended'] }).notNull(),
    sensitivity: text('sensitivity', { enum: ['standard', 'sensitive'] }).notNull(),
    /** Raised by every write to the relationship or its data; cached page data is keyed by it. */
    version: integer('version').notNull().default(0),
    ...timestamps,
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('relationships_client_id_idx').on(t.clientId),
    index('relationships_therapist_id_idx').on(t.therapistId),
    check('relationships_mode_check', sql`${t.mode} in ('solo', 'connected')`),
    check('relationships_status_check', sql`${t.status} in ('active', 'ended')`),
    check('relationships_sensitivity_check', sql`${t.sensitivity} in ('standard', 'sensitive')`),
  ],
);

/** Single-use invite codes; only a hash of the code is stored. */
export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull().unique(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('invites_relationship_id_idx').on(t.relationshipId)],
);

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    kind: text('kind', { enum: ['individual', 'couples', 'phone', 'extra'] }).notNull(),
    status: text('status', { enum: ['scheduled', 'held', 'cancelled', 'missed'] }).notNull(),
    ...timestamps,
  },
  (t) => [index('appointments_relationship_starts_idx').on(t.relationshipId, t.startsAt)],
);

export const checkins = pgTable(
  'checkins',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    appointmentId: uuid('appointment_id')
      .notNull()
      .references(() => appointments.id, { onDelete: 'cascade' }),
    respondent: text('respondent', { enum: ['client', 'therapist'] }).notNull(),
    bond: integer('bond').notNull(),
    goals: integer('goals').notNull(),
    method: integer('method').notNull(),
    overall: integer('overall').notNull(),
    tension: integer('tension').notNull(),
    resolved: integer('resolved'),
    note: text('note'),
    shared: boolean('shared').notNull(),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('checkins_appointment_respondent_idx').on(t.appointmentId, t.respondent),
    index('checkins_relationship_id_idx').on(t.relationshipId),
    check(
      'checkins_items_check',
      sql`${t.bond} between 0 and 10 and ${t.goals} between 0 and 10 and ${t.method} between 0 and 10 and ${t.overall} between 0 and 10`,
    ),
    check(
      'checkins_tension_check',
      sql`${t.tension} between 0 and 4 and (${t.resolved} is null or ${t.resolved} between 0 and 4)`,
    ),
  ],
);

/**
 * Who read or changed whose clinical data. Every read of another person's clinical data writes
 * a row here; its subject can see them (GET /api/me/audit, in the privacy issue).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    subjectUserId: uuid('subject_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    relationshipId: uuid('relationship_id').references(() => relationships.id, {
      onDelete: 'cascade',
    }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
  },
  (t) => [
    index('audit_events_subject_at_idx').on(t.subjectUserId, t.at),
    index('audit_events_actor_id_idx').on(t.actorId),
    index('audit_events_relationship_id_idx').on(t.relationshipId),
  ],
);
