import type { appointmentRequests, openTimes } from '../db/schema.ts';

/** What leaves the server of requests and open times, field by field. */

export function presentRequest(r: typeof appointmentRequests.$inferSelect) {
  return {
    id: r.id,
    relationshipId: r.relationshipId,
    options: r.options.map((o) => ({
      startsAt: new Date(o.startsAt).toISOString(),
      durationMinutes: o.durationMinutes,
    })),
    note: r.note,
    openTimeId: r.openTimeId,
    status: r.status,
    responseNote: r.responseNote,
    appointmentId: r.appointmentId,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

export function presentOpenTime(o: typeof openTimes.$inferSelect) {
  return {
    id: o.id,
    startsAt: o.startsAt.toISOString(),
    durationMinutes: o.durationMinutes,
    taken: o.takenAt !== null,
  };
}
