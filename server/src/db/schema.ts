import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { seal, unseal } from '../crypto/cipher.ts';

/** The one Drizzle schema. Migrations in ./migrations are generated from it by drizzle-kit. */

/** The sealed columns, as "table.column" (what keys:rotate reseals). */
export const SEALED_COLUMNS = new Set<string>();

/**
 * A text column that can hold clinical content: sealed with AES-256-GCM on its way to the
 * database and opened on its way back (server/src/crypto/cipher.ts), so the database's files,
 * its backups and a pg_dump hold none of it in plain. `column` ("table.column") is bound into
 * each value. Such a column can be stored, returned and tested for null, never compared,
 * searched or sorted in SQL: that is done in the application, after opening.
 */
export const sealedText = (column: string) => {
  SEALED_COLUMNS.add(column);
  return customType<{ data: string; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => seal(column, value),
    fromDriver: (value) => unseal(column, value),
  });
};

/** A JSON value kept as sealed text, like sealedText. */
export const sealedJson = <T>(column: string) => {
  SEALED_COLUMNS.add(column);
  return customType<{ data: T; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => seal(column, JSON.stringify(value)),
    fromDriver: (value) => JSON.parse(unseal(column, value)) as T,
  });
};

/**
 * The keys text in this database was sealed with, by id (server/src/crypto/keys.ts). A start
 * with a key file that lacks one of them stops with a clear error, rather than writing text
 * under a new key beside text nobody could read.
 */
export const dataKeys = pgTable('data_keys', {
  id: text('id').primaryKey(),
  addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
});

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
    /** The TOTP secret (base32), set at enrolment; sign-in asks for codes once confirmed. */
    totpSecret: text('totp_secret'),
    totpConfirmedAt: timestamp('totp_confirmed_at', { withTimezone: true }),
    /** The last time step a code was accepted for: a code works once. */
    totpLastStep: integer('totp_last_step'),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('client', 'therapist')`)],
);

/** Two-factor recovery codes: only their hashes, each usable once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
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
    /** The regular slot this appointment comes from, if any. */
    slotId: uuid('slot_id').references((): AnyPgColumn => slots.id, { onDelete: 'set null' }),
    /**
     * The slot's occurrence this appointment is (its original start, kept when the appointment
     * is moved), so rolling the slot forward never makes it twice.
     */
    slotOccurrence: timestamp('slot_occurrence', { withTimezone: true }),
    /** Why a cancelled appointment was cancelled. */
    cancelReason: text('cancel_reason', {
      enum: ['time-off', 'slot-removed', 'client', 'therapist'],
    }),
    timeOffId: uuid('time_off_id').references((): AnyPgColumn => timeOff.id, {
      onDelete: 'set null',
    }),
    /**
     * A couples appointment is one row per partner's relationship, sharing this id; each
     * partner's check-in hangs off their own row, so nothing of one reaches the other.
     */
    coupleAppointmentId: uuid('couple_appointment_id'),
    coupleId: uuid('couple_id').references((): AnyPgColumn => couples.id, {
      onDelete: 'set null',
    }),
  },
  (t) => [
    index('appointments_relationship_starts_idx').on(t.relationshipId, t.startsAt),
    uniqueIndex('appointments_slot_occurrence_idx').on(t.slotId, t.slotOccurrence),
    index('appointments_starts_idx').on(t.startsAt),
    index('appointments_couple_appointment_idx').on(t.coupleAppointmentId),
  ],
);

/**
 * A regular slot: weekly or every other week, on a weekday at a local time in an IANA zone.
 * Its appointments for the coming weeks exist as real rows (`appointments.slot_id`), made up to
 * `filledUntil` and rolled forward by a job. Removing a slot keeps the row (removedAt) so that
 * past appointments still say where they came from.
 */
export const slots = pgTable(
  'slots',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    /** The relationship's therapist when the slot was made (for overlaps across a caseload). */
    therapistId: uuid('therapist_id').references(() => users.id, { onDelete: 'set null' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** 1 Monday … 7 Sunday. */
    weekday: integer('weekday').notNull(),
    /** Local wall-clock time, "HH:MM". */
    time: text('time').notNull(),
    timezone: text('timezone').notNull(),
    everyWeeks: integer('every_weeks').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    kind: text('kind', { enum: ['individual', 'phone'] })
      .notNull()
      .default('individual'),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    /** Appointments of this slot exist for every occurrence before this time. */
    filledUntil: timestamp('filled_until', { withTimezone: true }).notNull(),
    ...timestamps,
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [
    index('slots_relationship_idx').on(t.relationshipId),
    index('slots_therapist_idx').on(t.therapistId),
    check('slots_weekday_check', sql`${t.weekday} between 1 and 7`),
    check('slots_every_weeks_check', sql`${t.everyWeeks} in (1, 2)`),
  ],
);

/** A therapist's time away. Appointments inside it are cancelled with reason `time-off`. */
export const timeOff = pgTable(
  'time_off',
  {
    id: uuid('id').primaryKey(),
    therapistId: uuid('therapist_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    note: sealedText('time_off.note')('note'),
    ...timestamps,
  },
  (t) => [index('time_off_therapist_idx').on(t.therapistId, t.startsAt)],
);

/** Times a therapist publishes for their clients to request directly. */
export const openTimes = pgTable(
  'open_times',
  {
    id: uuid('id').primaryKey(),
    therapistId: uuid('therapist_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    /** Set when a request for it was accepted: no longer open. */
    takenAt: timestamp('taken_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('open_times_therapist_idx').on(t.therapistId, t.startsAt)],
);

/** A client asks for an extra appointment at one of a few times; the therapist answers. */
export const appointmentRequests = pgTable(
  'appointment_requests',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    options: jsonb('options').$type<{ startsAt: string; durationMinutes: number }[]>().notNull(),
    note: sealedText('appointment_requests.note')('note'),
    openTimeId: uuid('open_time_id').references(() => openTimes.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['open', 'accepted', 'declined', 'withdrawn'] }).notNull(),
    responseNote: sealedText('appointment_requests.response_note')('response_note'),
    appointmentId: uuid('appointment_id').references(() => appointments.id, {
      onDelete: 'set null',
    }),
    ...timestamps,
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('appointment_requests_relationship_idx').on(t.relationshipId, t.createdAt),
    check(
      'appointment_requests_status_check',
      sql`${t.status} in ('open', 'accepted', 'declined', 'withdrawn')`,
    ),
  ],
);

/**
 * Two client relationships with the same therapist, joined for couples appointments once both
 * clients have consented. Each partner keeps their own relationship and records.
 */
export const couples = pgTable(
  'couples',
  {
    id: uuid('id').primaryKey(),
    therapistId: uuid('therapist_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstRelationshipId: uuid('first_relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    secondRelationshipId: uuid('second_relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    firstConsentedAt: timestamp('first_consented_at', { withTimezone: true }),
    secondConsentedAt: timestamp('second_consented_at', { withTimezone: true }),
    ...timestamps,
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('couples_first_idx').on(t.firstRelationshipId),
    index('couples_second_idx').on(t.secondRelationshipId),
    check('couples_distinct_check', sql`${t.firstRelationshipId} <> ${t.secondRelationshipId}`),
  ],
);

/**
 * A person's secret calendar feed. The token is looked up by its SHA-256; the token itself is
 * kept so the person can see their feed address again (it shows appointment times only).
 */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  token: text('token').notNull(),
  ...timestamps,
});

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
    note: sealedText('checkins.note')('note'),
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

/** A client's named parts (for clients who work with parts). Belong to the client, not to a relationship. */
export const parts = pgTable(
  'parts',
  {
    id: uuid('id').primaryKey(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: sealedText('parts.name')('name').notNull(),
    description: sealedText('parts.description')('description'),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('parts_client_id_idx').on(t.clientId)],
);

export const RUPTURE_KINDS = ['withdrawal', 'confrontation', 'mixed', 'unsure'] as const;
export const RUPTURE_STATUSES = ['open', 'repairing', 'repaired', 'unresolved'] as const;

/** A recorded episode of strain, written by the client; private unless the client shares it. */
export const ruptures = pgTable(
  'ruptures',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    title: sealedText('ruptures.title')('title').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    whatHappened: sealedText('ruptures.what_happened')('what_happened').notNull(),
    myExperience: sealedText('ruptures.my_experience')('my_experience'),
    theirSide: sealedText('ruptures.their_side')('their_side'),
    echoes: sealedText('ruptures.echoes')('echoes'),
    /** "What I need": the last question of the flow. */
    needs: sealedText('ruptures.needs')('needs'),
    kind: text('kind', { enum: RUPTURE_KINDS }),
    intensity: integer('intensity').notNull(),
    status: text('status', { enum: RUPTURE_STATUSES }).notNull(),
    visibility: text('visibility', { enum: ['private', 'shared'] }).notNull(),
    reflection: sealedText('ruptures.reflection')('reflection'),
    /** The marker it was written from, when it was: its kind and appointment. */
    markerKind: text('marker_kind'),
    appointmentId: uuid('appointment_id').references(() => appointments.id, {
      onDelete: 'set null',
    }),
    sharedAt: timestamp('shared_at', { withTimezone: true }),
    repairedAt: timestamp('repaired_at', { withTimezone: true }),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('ruptures_relationship_occurred_idx').on(t.relationshipId, t.occurredAt),
    check('ruptures_intensity_check', sql`${t.intensity} between 1 and 5`),
    check(
      'ruptures_kind_check',
      sql`${t.kind} is null or ${t.kind} in ('withdrawal', 'confrontation', 'mixed', 'unsure')`,
    ),
    check(
      'ruptures_status_check',
      sql`${t.status} in ('open', 'repairing', 'repaired', 'unresolved')`,
    ),
    check('ruptures_visibility_check', sql`${t.visibility} in ('private', 'shared')`),
  ],
);

export const ruptureParts = pgTable(
  'rupture_parts',
  {
    ruptureId: uuid('rupture_id')
      .notNull()
      .references(() => ruptures.id, { onDelete: 'cascade' }),
    partId: uuid('part_id')
      .notNull()
      .references(() => parts.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.ruptureId, t.partId] }),
    index('rupture_parts_part_id_idx').on(t.partId),
  ],
);

export const REPAIR_KINDS = [
  'talked-in-session',
  'wrote-it-out',
  'waited-it-out',
  'felt-it-out',
  'therapist-apologized',
  'therapist-explained',
  'therapist-set-boundary',
  'explored-together',
  'other',
] as const;

/** One thing done toward repair, by the client or the therapist, with the client's ratings. */
export const repairs = pgTable(
  'repairs',
  {
    id: uuid('id').primaryKey(),
    ruptureId: uuid('rupture_id')
      .notNull()
      .references(() => ruptures.id, { onDelete: 'cascade' }),
    /** Who wrote the step down (the client or the connected therapist). */
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorRole: text('author_role', { enum: ['client', 'therapist'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind', { enum: REPAIR_KINDS }).notNull(),
    by: text('by', { enum: ['client', 'therapist'] }).notNull(),
    note: sealedText('repairs.note')('note'),
    /** The client's answers: did I feel heard (0–4), was my therapist defensive (0–4). */
    feltHeard: integer('felt_heard'),
    defensiveness: integer('defensiveness'),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('repairs_rupture_at_idx').on(t.ruptureId, t.at),
    check(
      'repairs_ratings_check',
      sql`(${t.feltHeard} is null or ${t.feltHeard} between 0 and 4) and (${t.defensiveness} is null or ${t.defensiveness} between 0 and 4)`,
    ),
  ],
);

/** Long writing to the therapist, drafted privately. `revision` rises with every saved change. */
export const letters = pgTable(
  'letters',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    ruptureId: uuid('rupture_id').references(() => ruptures.id, { onDelete: 'set null' }),
    title: sealedText('letters.title')('title').notNull(),
    body: sealedText('letters.body')('body').notNull(),
    revision: integer('revision').notNull().default(1),
    /** Set when sent as a message (the messages issue). */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('letters_relationship_id_idx').on(t.relationshipId)],
);

/** Something that went well, kept to hold onto. The client's own. */
export const goodMoments = pgTable(
  'good_moments',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    text: sealedText('good_moments.text')('text').notNull(),
    ...timestamps,
  },
  (t) => [index('good_moments_relationship_at_idx').on(t.relationshipId, t.at)],
);

/** What the client wants to bring to the next appointment. */
export const agendaItems = pgTable(
  'agenda_items',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    text: sealedText('agenda_items.text')('text').notNull(),
    ruptureId: uuid('rupture_id').references(() => ruptures.id, { onDelete: 'set null' }),
    done: boolean('done').notNull().default(false),
    doneAt: timestamp('done_at', { withTimezone: true }),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agenda_items_relationship_id_idx').on(t.relationshipId)],
);

/**
 * The agreement: the versioned frame of a relationship. Every save is a new row with the next
 * version; nothing is changed in place, so every version stays readable with its changes.
 */
export const agreements = pgTable(
  'agreements',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorRole: text('author_role', { enum: ['client', 'therapist'] }).notNull(),
    replyTimeHours: integer('reply_time_hours').notNull(),
    sessionFrequencyDays: integer('session_frequency_days'),
    contact: sealedText('agreements.contact')('contact').notNull(),
    availability: sealedText('agreements.availability')('availability').notNull(),
    scheduling: sealedText('agreements.scheduling')('scheduling').notNull(),
    roomRules: sealedText('agreements.room_rules')('room_rules').notNull(),
    /** Rules of the room, each saying whom it applies to: [{text, appliesTo}]. */
    rules:
      sealedJson<{ text: string; appliesTo: 'client' | 'therapist' | 'both' }[]>(
        'agreements.rules',
      )('rules').notNull(),
    emergency: sealedText('agreements.emergency')('emergency').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('agreements_relationship_version_idx').on(t.relationshipId, t.version)],
);

/** Who acknowledged which version of an agreement, and when. */
export const agreementAcknowledgements = pgTable(
  'agreement_acknowledgements',
  {
    agreementId: uuid('agreement_id')
      .notNull()
      .references(() => agreements.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['client', 'therapist'] }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.agreementId, t.userId] })],
);

/**
 * Messages in a connected relationship. `replyDueAt` comes from the agreement in force when the
 * message was sent; `repliedAt` is set when the other member writes after it. A "please call
 * me" request is a message of kind `call-request`; the therapist logs the call back on it.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    relationshipId: uuid('relationship_id')
      .notNull()
      .references(() => relationships.id, { onDelete: 'cascade' }),
    senderId: uuid('sender_id').references(() => users.id, { onDelete: 'set null' }),
    senderRole: text('sender_role', { enum: ['client', 'therapist'] }).notNull(),
    kind: text('kind', { enum: ['message', 'call-request'] })
      .notNull()
      .default('message'),
    body: sealedText('messages.body')('body').notNull(),
    urgent: boolean('urgent').notNull().default(false),
    /** Set when the message is a letter sent from the letters editor. */
    letterId: uuid('letter_id').references(() => letters.id, { onDelete: 'set null' }),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgementNote: sealedText('messages.acknowledgement_note')('acknowledgement_note'),
    replyBy: timestamp('reply_by', { withTimezone: true }),
    replyDueAt: timestamp('reply_due_at', { withTimezone: true }),
    repliedAt: timestamp('replied_at', { withTimezone: true }),
    calledBackAt: timestamp('called_back_at', { withTimezone: true }),
    callOutcome: sealedText('messages.call_outcome')('call_outcome'),
  },
  (t) => [
    index('messages_relationship_sent_idx').on(t.relationshipId, t.sentAt),
    check('messages_kind_check', sql`${t.kind} in ('message', 'call-request')`),
  ],
);

/** In-app notifications: what each person has waiting, for badges and the live feed. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    relationshipId: uuid('relationship_id').references(() => relationships.id, {
      onDelete: 'cascade',
    }),
    /** e.g. message, message-acknowledged, agreement-changed, reply-due, unread-message. */
    kind: text('kind').notNull(),
    subjectId: text('subject_id'),
    ...timestamps,
    seenAt: timestamp('seen_at', { withTimezone: true }),
  },
  (t) => [index('notifications_user_created_idx').on(t.userId, t.createdAt)],
);

/** Which notifications each person wants, by channel. Missing row: the defaults. */
export const notificationSettings = pgTable('notification_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every email Attune sends or would send. Without SMTP_URL nothing leaves the machine: the
 * outbox is where the instance operator reads them. Emails never hold clinical text.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    /** A key that makes sending idempotent across instances and retries. */
    dedupeKey: text('dedupe_key').unique(),
    status: text('status', { enum: ['pending', 'sent', 'kept-local', 'failed'] }).notNull(),
    ...timestamps,
    sentAt: timestamp('sent_at', { withTimezone: true }),
    error: text('error'),
  },
  (t) => [index('email_outbox_created_idx').on(t.createdAt)],
);

/* ---------------------------------------------------------------------------------------------
 * The community (docs/COMMUNITY.md, docs/api/community.md). Community tables reach an account
 * only through community_profiles.user_id; an anonymous asker is kept only as a sealed value
 * (community_questions.asker), erased after the retention, and blocks, reports and rate limits
 * hold keyed digests (server/src/community/refs.ts), never an id.
 * ------------------------------------------------------------------------------------------- */

export const COMMUNITY_POST_STATUSES = ['held', 'published', 'removed'] as const;

/** A person's pseudonymous community identity, one per account. */
export const communityProfiles = pgTable(
  'community_profiles',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Public, so in plain; unique regardless of case (the index below). */
    pseudonym: text('pseudonym').notNull(),
    bio: sealedText('community_profiles.bio')('bio'),
    askBoxOpen: boolean('ask_box_open').notNull(),
    allowAnonymous: boolean('allow_anonymous').notNull(),
    /** Set when a moderator approves the profile's first public post: later ones are not held. */
    trustedAt: timestamp('trusted_at', { withTimezone: true }),
    suspendedAt: timestamp('suspended_at', { withTimezone: true }),
    suspensionReason: sealedText('community_profiles.suspension_reason')('suspension_reason'),
    /** Words whose posts are folded for this person (lower-cased). */
    muteWords: sealedJson<string[]>('community_profiles.mute_words')('mute_words'),
    /** The ids of this person's own anonymous asks still linked to them (see retention). */
    anonymousAsks: sealedJson<string[]>('community_profiles.anonymous_asks')('anonymous_asks'),
    ...timestamps,
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('community_profiles_pseudonym_lower_idx').on(sql`lower(${t.pseudonym})`)],
);

/** Moderators granted with `npm run admin -- grant-moderator <email>` (beside ATTUNE_MODERATORS). */
export const communityModerators = pgTable('community_moderators', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A question on the public board (to_profile_id null) or an ask to a person's ask box. */
export const communityQuestions = pgTable(
  'community_questions',
  {
    id: uuid('id').primaryKey(),
    /** The named asker; null for an anonymous ask. */
    askerProfileId: uuid('asker_profile_id').references(() => communityProfiles.id, {
      onDelete: 'cascade',
    }),
    /** An anonymous asker's profile id, sealed; null for named asks and after the retention. */
    asker: sealedText('community_questions.asker')('asker'),
    anonymous: boolean('anonymous').notNull(),
    toProfileId: uuid('to_profile_id').references(() => communityProfiles.id, {
      onDelete: 'cascade',
    }),
    /** The first question of the thread this one follows up. */
    followUpOf: uuid('follow_up_of').references((): AnyPgColumn => communityQuestions.id, {
      onDelete: 'cascade',
    }),
    title: sealedText('community_questions.title')('title'),
    body: sealedText('community_questions.body')('body').notNull(),
    contentWarning: sealedText('community_questions.content_warning')('content_warning'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: COMMUNITY_POST_STATUSES }).notNull(),
    /** False when the asker was blocked by the recipient: accepted, never delivered. */
    delivered: boolean('delivered').notNull().default(true),
    /** Crisis language was found: in the moderators' queue until reviewed. */
    crisis: boolean('crisis').notNull().default(false),
    crisisReviewedAt: timestamp('crisis_reviewed_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    /** The first published public answer: an ask then appears on the board. */
    publicAnswerAt: timestamp('public_answer_at', { withTimezone: true }),
    lastAnswerAt: timestamp('last_answer_at', { withTimezone: true }),
    askerErasedAt: timestamp('asker_erased_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('community_questions_board_idx').on(t.status, t.createdAt),
    index('community_questions_asker_idx').on(t.askerProfileId),
    index('community_questions_to_idx').on(t.toProfileId, t.createdAt),
    index('community_questions_follow_up_idx').on(t.followUpOf),
    index('community_questions_tags_idx').using('gin', t.tags),
    check('community_questions_status_check', sql`${t.status} in ('held', 'published', 'removed')`),
    check(
      'community_questions_anonymous_check',
      sql`not (${t.anonymous} and ${t.askerProfileId} is not null)`,
    ),
  ],
);

export const communityAnswers = pgTable(
  'community_answers',
  {
    id: uuid('id').primaryKey(),
    questionId: uuid('question_id')
      .notNull()
      .references(() => communityQuestions.id, { onDelete: 'cascade' }),
    authorProfileId: uuid('author_profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    body: sealedText('community_answers.body')('body').notNull(),
    contentWarning: sealedText('community_answers.content_warning')('content_warning'),
    /** Only for the (named) asker. */
    private: boolean('private').notNull(),
    status: text('status', { enum: COMMUNITY_POST_STATUSES }).notNull(),
    crisis: boolean('crisis').notNull().default(false),
    crisisReviewedAt: timestamp('crisis_reviewed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('community_answers_question_idx').on(t.questionId, t.createdAt),
    index('community_answers_author_idx').on(t.authorProfileId),
    check('community_answers_status_check', sql`${t.status} in ('held', 'published', 'removed')`),
  ],
);

/** "This helped": who marked what; only "by me" and "by someone" ever leave the server. */
export const communityHelped = pgTable(
  'community_helped',
  {
    profileId: uuid('profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    questionId: uuid('question_id').references(() => communityQuestions.id, {
      onDelete: 'cascade',
    }),
    answerId: uuid('answer_id').references(() => communityAnswers.id, { onDelete: 'cascade' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('community_helped_question_idx').on(t.questionId, t.profileId),
    uniqueIndex('community_helped_answer_idx').on(t.answerId, t.profileId),
    index('community_helped_profile_idx').on(t.profileId),
    check(
      'community_helped_target_check',
      sql`(${t.questionId} is null) <> (${t.answerId} is null)`,
    ),
  ],
);

/** Reports. The reporter is kept only as a keyed digest of (reporter, target), for idempotency. */
export const communityReports = pgTable(
  'community_reports',
  {
    id: uuid('id').primaryKey(),
    questionId: uuid('question_id').references(() => communityQuestions.id, {
      onDelete: 'cascade',
    }),
    answerId: uuid('answer_id').references(() => communityAnswers.id, { onDelete: 'cascade' }),
    profileId: uuid('profile_id').references(() => communityProfiles.id, { onDelete: 'cascade' }),
    reporterKey: text('reporter_key').notNull().unique(),
    reason: text('reason', { enum: ['harassment', 'spam', 'at-risk', 'other'] }).notNull(),
    note: sealedText('community_reports.note')('note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('community_reports_question_idx').on(t.questionId),
    index('community_reports_answer_idx').on(t.answerId),
    index('community_reports_profile_idx').on(t.profileId),
    index('community_reports_open_idx').on(t.closedAt, t.createdAt),
    check(
      'community_reports_target_check',
      sql`num_nonnulls(${t.questionId}, ${t.answerId}, ${t.profileId}) = 1`,
    ),
    check(
      'community_reports_reason_check',
      sql`${t.reason} in ('harassment', 'spam', 'at-risk', 'other')`,
    ),
  ],
);

/**
 * Who may not reach a person's ask box: a profile (blocked by pseudonym) or an opaque reference
 * (blocked through a question: a keyed digest of the asker for this owner, never an id).
 */
export const communityBlocks = pgTable(
  'community_blocks',
  {
    id: uuid('id').primaryKey(),
    ownerProfileId: uuid('owner_profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    blockedProfileId: uuid('blocked_profile_id').references(() => communityProfiles.id, {
      onDelete: 'cascade',
    }),
    /** Keyed digest of (owner, asker's account); the key id it was made with is beside it. */
    askerRef: text('asker_ref'),
    refKeyId: text('ref_key_id'),
    /** Keyed digest of (owner, question): blocking through the same question twice is one block. */
    questionKey: text('question_key').unique(),
    ...timestamps,
  },
  (t) => [
    index('community_blocks_owner_ref_idx').on(t.ownerProfileId, t.askerRef),
    uniqueIndex('community_blocks_owner_profile_idx').on(t.ownerProfileId, t.blockedProfileId),
    index('community_blocks_blocked_idx').on(t.blockedProfileId),
    check(
      'community_blocks_target_check',
      sql`(${t.blockedProfileId} is null) <> (${t.askerRef} is null)`,
    ),
  ],
);

/** A pseudonym whose posts a person does not want to see. */
export const communityMutes = pgTable(
  'community_mutes',
  {
    profileId: uuid('profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    mutedProfileId: uuid('muted_profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.profileId, t.mutedProfileId] }),
    index('community_mutes_muted_idx').on(t.mutedProfileId),
  ],
);

/**
 * The community's own notifications (never the clinical `notifications` table). What they are
 * about is sealed, so that an answer to an anonymous ask does not link the ask to its asker.
 */
export const communityNotifications = pgTable(
  'community_notifications',
  {
    id: uuid('id').primaryKey(),
    profileId: uuid('profile_id')
      .notNull()
      .references(() => communityProfiles.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['ask', 'answer', 'care', 'moderation'] }).notNull(),
    subject: sealedJson<{ questionId?: string; answerId?: string; action?: string }>(
      'community_notifications.subject',
    )('subject').notNull(),
    message: sealedText('community_notifications.message')('message'),
    reason: sealedText('community_notifications.reason')('reason'),
    ...timestamps,
    seenAt: timestamp('seen_at', { withTimezone: true }),
  },
  (t) => [
    index('community_notifications_profile_idx').on(t.profileId, t.createdAt),
    check(
      'community_notifications_type_check',
      sql`${t.type} in ('ask', 'answer', 'care', 'moderation')`,
    ),
  ],
);

/** Fixed-window counters for asks and answers, keyed by an opaque reference; shared by instances. */
export const communityRateLimits = pgTable('community_rate_limits', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
});

/** What moderators did, and why (the reason is also sent to the author). */
export const communityModerationLog = pgTable(
  'community_moderation_log',
  {
    id: uuid('id').primaryKey(),
    moderatorId: uuid('moderator_id').references(() => users.id, { onDelete: 'set null' }),
    targetType: text('target_type', { enum: ['question', 'answer', 'profile'] }).notNull(),
    targetId: uuid('target_id').notNull(),
    action: text('action', { enum: ['approve', 'remove', 'suspend', 'reinstate'] }).notNull(),
    reason: sealedText('community_moderation_log.reason')('reason'),
    ...timestamps,
  },
  (t) => [
    index('community_moderation_log_target_idx').on(t.targetId),
    index('community_moderation_log_moderator_idx').on(t.moderatorId),
  ],
);
