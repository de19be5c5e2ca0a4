import { Readable } from 'node:stream';
import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { SessionUser } from '../../auth/sessions.ts';
import type { Db } from '../../db/client.ts';
import {
  agendaItems,
  agreementAcknowledgements,
  agreements,
  appointmentRequests,
  appointments,
  checkins,
  couples,
  goodMoments,
  letters,
  messages,
  openTimes,
  parts,
  relationships,
  repairs,
  ruptureParts,
  ruptures,
  slots,
  timeOff,
  users,
} from '../../db/schema.ts';
import { notSignedIn } from '../../errors.ts';
import { loadSettings } from '../../notifications/settings.ts';
import { requireUser, signedIn } from '../../plugins/auth.ts';
import { memberOf, type RelationshipRow } from '../../policies/relationship.ts';
import { presentAgendaItem } from '../../presenters/agenda.ts';
import { presentCoupleForTherapist } from '../../presenters/couple.ts';
import { presentGoodMoment } from '../../presenters/good-moment.ts';
import { presentLetter } from '../../presenters/letter.ts';
import { presentMessage } from '../../presenters/message.ts';
import { presentPart } from '../../presenters/part.ts';
import {
  presentAppointment,
  presentCheckin,
  presentRelationship,
} from '../../presenters/relationship.ts';
import { presentOpenTime, presentRequest } from '../../presenters/request.ts';
import { presentRepair, presentRupture, type RepairRow } from '../../presenters/rupture.ts';
import { presentScheduleSlot, presentScheduleTimeOff } from '../../presenters/schedule.ts';
import type { Services } from '../../services.ts';
import { csv } from './csv.ts';
import { questionnaire, questionnaireResponse } from './fhir.ts';
import { EXPORT_FORMAT } from './schema.ts';

/**
 * The person's own data, to take with them: everything they provided, and the messages they were
 * given. Field by field through the presenters (never a password hash, a session, a token or a
 * calendar feed). A therapist's export holds what they wrote, never a client's private writing.
 * Nothing is written to the audit trail: it is the person reading their own data.
 *
 * The JSON is streamed section by section, relationship by relationship, so a large export
 * starts at once, stays small in memory, and the web page can show how much has arrived.
 */

/** Relationships per query for the small tables. */
const BATCH = 50;
/** Messages per query. */
const MESSAGE_PAGE = 500;

type CheckinRow = typeof checkins.$inferSelect;
type AppointmentRow = typeof appointments.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `YYYY-MM-DD` of a moment in a time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** A moment to the microsecond, as PostgreSQL keeps it, so a page never skips a row. */
const position = (column: typeof messages.sentAt) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The caller's check-ins (as respondent) with their appointments, oldest appointment first. */
async function ownCheckins(
  db: Db,
  me: SessionUser,
  relationshipIds: readonly string[],
): Promise<{ checkin: CheckinRow; appointment: AppointmentRow }[]> {
  const out: { checkin: CheckinRow; appointment: AppointmentRow }[] = [];
  for (const batch of chunks(relationshipIds, BATCH)) {
    out.push(
      ...(await db
        .select({ checkin: checkins, appointment: appointments })
        .from(checkins)
        .innerJoin(appointments, eq(appointments.id, checkins.appointmentId))
        .where(and(inArray(checkins.relationshipId, batch), eq(checkins.respondent, me.role)))
        .orderBy(asc(appointments.startsAt), asc(checkins.id))),
    );
  }
  return out.sort(
    (a, b) =>
      a.appointment.startsAt.getTime() - b.appointment.startsAt.getTime() ||
      a.checkin.id.localeCompare(b.checkin.id),
  );
}

async function ownRelationships(db: Db, me: SessionUser): Promise<RelationshipRow[]> {
  return db
    .select()
    .from(relationships)
    .where(memberOf(me))
    .orderBy(asc(relationships.createdAt), asc(relationships.id));
}

/** The pieces of one JSON array, a page of items at a time. */
async function* jsonArray<T>(
  key: string,
  pages: AsyncIterable<readonly T[]> | Iterable<readonly T[]>,
  present: (row: T) => unknown,
): AsyncGenerator<string> {
  yield `,${JSON.stringify(key)}:[`;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? '' : ',') + page.map((row) => JSON.stringify(present(row))).join(',');
    first = false;
  }
  yield ']';
}

/** One query per batch of relationships. */
async function* byBatch<T>(
  ids: readonly string[],
  query: (batch: string[]) => Promise<T[]>,
): AsyncGenerator<T[]> {
  for (const batch of chunks(ids, BATCH)) yield await query(batch);
}

/** One or more queries per relationship. */
async function* byRelationship<T>(
  ids: readonly string[],
  query: (id: string) => AsyncIterable<T[]> | Promise<T[]>,
): AsyncGenerator<T[]> {
  for (const id of ids) {
    const result = query(id);
    if (Symbol.asyncIterator in result) yield* result;
    else yield await result;
  }
}

/** Every message of a relationship, oldest first, a page at a time. */
async function* messagePages(db: Db, relationshipId: string) {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows: { message: typeof messages.$inferSelect; at: string }[] = await db
      .select({ message: messages, at: position(messages.sentAt) })
      .from(messages)
      .where(
        and(
          eq(messages.relationshipId, relationshipId),
          after
            ? sql`(${messages.sentAt}, ${messages.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(messages.sentAt), asc(messages.id))
      .limit(MESSAGE_PAGE);
    yield rows.map((r) => r.message);
    const last = rows.at(-1);
    if (rows.length < MESSAGE_PAGE || !last) return;
    after = { at: last.at, id: last.message.id };
  }
}

/** The whole export, as pieces of one JSON document. */
export async function* exportDocument(db: Db, me: SessionUser, now: Date): AsyncGenerator<string> {
  const [account] = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, me.id))
    .limit(1);
  if (!account) throw notSignedIn();
  const isClient = me.role === 'client';
  yield `{"exportedAt":${JSON.stringify(now.toISOString())},"format":${JSON.stringify(EXPORT_FORMAT)}`;
  yield `,"account":${JSON.stringify({ ...account, createdAt: account.createdAt.toISOString() })}`;

  const rels = await ownRelationships(db, me);
  const ids = rels.map((r) => r.id);
  const byId = new Map(rels.map((r) => [r.id, r]));
  yield* jsonArray('relationships', [rels], presentRelationship);

  yield* jsonArray(
    'appointments',
    byBatch(ids, (batch) =>
      db
        .select()
        .from(appointments)
        .where(inArray(appointments.relationshipId, batch))
        .orderBy(asc(appointments.startsAt), asc(appointments.id)),
    ),
    presentAppointment,
  );

  // Kept for the FHIR section at the end: both come from the same rows.
  const own = await ownCheckins(db, me, ids);
  yield* jsonArray('checkins', [own], ({ checkin, appointment }) => ({
    ...presentCheckin(checkin),
    relationshipId: checkin.relationshipId,
    appointmentStartsAt: appointment.startsAt.toISOString(),
  }));

  // The client's own writing. A therapist has none of these: their repair steps follow.
  const clientIds = isClient ? ids : [];
  const partNames = new Map<string, { id: string; name: string }>();
  const partRows = isClient
    ? await db
        .select()
        .from(parts)
        .where(eq(parts.clientId, me.id))
        .orderBy(asc(parts.createdAt), asc(parts.id))
    : [];
  for (const p of partRows) partNames.set(p.id, { id: p.id, name: p.name });
  const partCounts = new Map<string, number>();
  yield* jsonArray(
    'ruptures',
    byRelationship(clientIds, async (relationshipId) => {
      const rows = await db
        .select()
        .from(ruptures)
        .where(eq(ruptures.relationshipId, relationshipId))
        .orderBy(asc(ruptures.occurredAt), asc(ruptures.id));
      if (rows.length === 0) return [];
      const ruptureIds = rows.map((r) => r.id);
      const [steps, links] = await Promise.all([
        db
          .select()
          .from(repairs)
          .where(inArray(repairs.ruptureId, ruptureIds))
          .orderBy(asc(repairs.at), asc(repairs.id)),
        db.select().from(ruptureParts).where(inArray(ruptureParts.ruptureId, ruptureIds)),
      ]);
      return rows.map((r) => {
        const named = links
          .filter((l) => l.ruptureId === r.id)
          .map((l) => partNames.get(l.partId))
          .filter((p) => p !== undefined);
        for (const p of named) partCounts.set(p.id, (partCounts.get(p.id) ?? 0) + 1);
        return presentRupture(
          r,
          { repairs: steps.filter((s) => s.ruptureId === r.id), parts: named },
          'client',
        );
      });
    }),
    (r) => r,
  );
  // Repair steps a therapist wrote on ruptures their clients shared: the step, not the
  // client's record, and not the client's own ratings of it.
  const written: RepairRow[] = isClient
    ? []
    : await db
        .select()
        .from(repairs)
        .where(eq(repairs.authorId, me.id))
        .orderBy(asc(repairs.at), asc(repairs.id));
  yield* jsonArray('repairsWritten', [written], (r) => {
    const { feltHeard: _f, defensiveness: _d, ...step } = presentRepair(r);
    return step;
  });
  yield* jsonArray('parts', [partRows], (p) => presentPart(p, partCounts.get(p.id) ?? 0));
  yield* jsonArray(
    'letters',
    byRelationship(clientIds, (relationshipId) =>
      db
        .select()
        .from(letters)
        .where(eq(letters.relationshipId, relationshipId))
        .orderBy(asc(letters.createdAt), asc(letters.id)),
    ),
    presentLetter,
  );
  yield* jsonArray(
    'goodMoments',
    byBatch(clientIds, (batch) =>
      db
        .select()
        .from(goodMoments)
        .where(inArray(goodMoments.relationshipId, batch))
        .orderBy(asc(goodMoments.at), asc(goodMoments.id)),
    ),
    presentGoodMoment,
  );
  yield* jsonArray(
    'agendaItems',
    byBatch(clientIds, (batch) =>
      db
        .select()
        .from(agendaItems)
        .where(inArray(agendaItems.relationshipId, batch))
        .orderBy(asc(agendaItems.createdAt), asc(agendaItems.id)),
    ),
    presentAgendaItem,
  );

  const authored = await db
    .select()
    .from(agreements)
    .where(eq(agreements.authorId, me.id))
    .orderBy(asc(agreements.relationshipId), asc(agreements.version));
  yield* jsonArray('agreements', [authored], (a) => ({
    id: a.id,
    relationshipId: a.relationshipId,
    version: a.version,
    replyTimeHours: a.replyTimeHours,
    sessionFrequencyDays: a.sessionFrequencyDays,
    contact: a.contact,
    availability: a.availability,
    scheduling: a.scheduling,
    roomRules: a.roomRules,
    rules: a.rules.map((r) => ({ text: r.text, appliesTo: r.appliesTo })),
    emergency: a.emergency,
    createdAt: a.createdAt.toISOString(),
  }));
  const acknowledged = await db
    .select({
      agreementId: agreementAcknowledgements.agreementId,
      relationshipId: agreements.relationshipId,
      version: agreements.version,
      acknowledgedAt: agreementAcknowledgements.acknowledgedAt,
    })
    .from(agreementAcknowledgements)
    .innerJoin(agreements, eq(agreements.id, agreementAcknowledgements.agreementId))
    .where(eq(agreementAcknowledgements.userId, me.id))
    .orderBy(asc(agreementAcknowledgements.acknowledgedAt));
  yield* jsonArray('agreementAcknowledgements', [acknowledged], (a) => ({
    ...a,
    acknowledgedAt: a.acknowledgedAt.toISOString(),
  }));

  // Messages they sent and those they were given, in every relationship they belong to.
  yield* jsonArray(
    'messages',
    byRelationship(ids, (relationshipId) => messagePages(db, relationshipId)),
    (m) => ({ ...presentMessage(m), direction: m.senderRole === me.role ? 'sent' : 'received' }),
  );
  // Requests for appointments: the client made them; the therapist was given and answered them.
  yield* jsonArray(
    'appointmentRequests',
    byBatch(ids, (batch) =>
      db
        .select()
        .from(appointmentRequests)
        .where(inArray(appointmentRequests.relationshipId, batch))
        .orderBy(asc(appointmentRequests.createdAt), asc(appointmentRequests.id)),
    ),
    presentRequest,
  );
  const madeSlots = await db
    .select()
    .from(slots)
    .where(eq(slots.createdById, me.id))
    .orderBy(asc(slots.createdAt), asc(slots.id));
  yield* jsonArray('slots', [madeSlots], (s) => ({
    ...presentScheduleSlot(s),
    removedAt: iso(s.removedAt),
  }));
  const away = isClient
    ? []
    : await db
        .select()
        .from(timeOff)
        .where(eq(timeOff.therapistId, me.id))
        .orderBy(asc(timeOff.startsAt), asc(timeOff.id));
  yield* jsonArray('timeOff', [away], presentScheduleTimeOff);
  const open = isClient
    ? []
    : await db
        .select()
        .from(openTimes)
        .where(eq(openTimes.therapistId, me.id))
        .orderBy(asc(openTimes.startsAt), asc(openTimes.id));
  yield* jsonArray('openTimes', [open], presentOpenTime);

  // Couples appointments: the therapist's couples; a partner's consent on their own side only.
  const coupleRows =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(couples)
          .where(
            isClient
              ? (or(
                  inArray(couples.firstRelationshipId, ids),
                  inArray(couples.secondRelationshipId, ids),
                ) as SQL)
              : eq(couples.therapistId, me.id),
          )
          .orderBy(asc(couples.createdAt), asc(couples.id));
  yield* jsonArray('couples', [coupleRows], (c) => {
    if (!isClient) return presentCoupleForTherapist(c);
    const first = byId.has(c.firstRelationshipId);
    return {
      id: c.id,
      relationshipId: first ? c.firstRelationshipId : c.secondRelationshipId,
      consentedAt: iso(first ? c.firstConsentedAt : c.secondConsentedAt),
      active: c.endedAt === null,
    };
  });

  yield `,"notificationSettings":${JSON.stringify(await loadSettings(db, me.id))}`;

  const responses = own.map(({ checkin, appointment }) =>
    questionnaireResponse(checkin, appointment, account),
  );
  yield `,"fhir":{"questionnaire":${JSON.stringify(questionnaire())},"responses":[`;
  for (const [i, page] of chunks(responses, 100).entries()) {
    yield (i === 0 ? '' : ',') + page.map((r) => JSON.stringify(r)).join(',');
  }
  yield ']}}\n';
}

export const CSV_HEADER = [
  'appointment_date',
  'appointment_starts_at',
  'relationship_id',
  'therapist_name',
  'respondent',
  'bond',
  'goals',
  'method',
  'overall',
  'score',
  'tension',
  'resolved',
  'note',
  'shared',
  'created_at',
] as const;

export const exportRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { db } = services;
  const tags = ['privacy'];

  app.get(
    '/api/me/export',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'The caller’s own data as one JSON document (`format: "attune-export/1"`), sent as a download (`attune-export-YYYY-MM-DD.json`) and streamed as it is read, so its length is not known in advance. It holds what the caller provided — their account (never a password or session), relationships, appointments, their own check-ins (as respondent), for a client their ruptures with repair steps, parts, letters, good moments and agenda, for a therapist the repair steps they wrote, slots and time off — the agreements they wrote and acknowledged, the messages they sent and received, appointment requests, couples, notification settings, and `fhir`: the check-ins as FHIR R4 QuestionnaireResponse resources with the Questionnaire of Attune’s items. Not recorded in the audit trail.',
      },
    },
    async (request, reply) => {
      const me = requireUser(request);
      const now = new Date();
      const stream = Readable.from(exportDocument(db, me, now), { objectMode: false });
      stream.on('error', (error) => request.log.warn({ err: error }, 'export stopped'));
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="attune-export-${now.toISOString().slice(0, 10)}.json"`,
        )
        .send(stream);
    },
  );

  app.get(
    '/api/me/export/checkins.csv',
    {
      onRequest: signedIn,
      schema: {
        tags,
        description:
          'The caller’s own check-ins (as respondent) as CSV (RFC 4180: CRLF, a header row, quotes doubled), oldest appointment first, sent as a download. `appointment_date` is in the caller’s time zone (notification settings). A text cell that starts with = + - @ is prefixed with a single quote, so spreadsheets never run it as a formula.',
      },
    },
    async (request, reply) => {
      const me = requireUser(request);
      const now = new Date();
      const rels = await ownRelationships(db, me);
      const names = new Map(rels.map((r) => [r.id, r.therapistName]));
      const { timezone } = await loadSettings(db, me.id);
      const own = await ownCheckins(
        db,
        me,
        rels.map((r) => r.id),
      );
      const rows = own.map(({ checkin: c, appointment: a }) => [
        localDate(a.startsAt, timezone),
        a.startsAt.toISOString(),
        c.relationshipId,
        names.get(c.relationshipId) ?? '',
        c.respondent,
        c.bond,
        c.goals,
        c.method,
        c.overall,
        c.bond + c.goals + c.method + c.overall,
        c.tension,
        c.resolved,
        c.note,
        c.shared,
        c.createdAt.toISOString(),
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header(
          'content-disposition',
          `attachment; filename="attune-checkins-${now.toISOString().slice(0, 10)}.csv"`,
        )
        .send(csv(CSV_HEADER, rows));
    },
  );
};
