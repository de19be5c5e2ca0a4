import type { appointments, checkins, relationships } from '../db/schema.ts';

/** What leaves the server, field by field; a new column never leaks by accident. */

export function presentRelationship(r: typeof relationships.$inferSelect) {
  return {
    id: r.id,
    clientId: r.clientId,
    therapistId: r.mode === 'connected' ? r.therapistId : null,
    therapistName: r.therapistName,
    mode: r.mode,
    status: r.status,
    sensitivity: r.sensitivity,
    createdAt: r.createdAt.toISOString(),
  };
}

export function presentAppointment(a: typeof appointments.$inferSelect) {
  return {
    id: a.id,
    relationshipId: a.relationshipId,
    startsAt: a.startsAt.toISOString(),
    durationMinutes: a.durationMinutes,
    kind: a.kind,
    status: a.status,
    slotId: a.slotId,
    cancelReason: a.status === 'cancelled' ? a.cancelReason : null,
    coupleAppointmentId: a.coupleAppointmentId,
  };
}

export function presentCheckin(c: typeof checkins.$inferSelect) {
  return {
    id: c.id,
    appointmentId: c.appointmentId,
    respondent: c.respondent,
    bond: c.bond,
    goals: c.goals,
    method: c.method,
    overall: c.overall,
    tension: c.tension,
    resolved: c.resolved,
    note: c.note,
    shared: c.shared,
    score: c.bond + c.goals + c.method + c.overall,
    createdAt: c.createdAt.toISOString(),
  };
}
