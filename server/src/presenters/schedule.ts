import type { slots, timeOff } from '../db/schema.ts';

/** What leaves the server of slots and time off, field by field. */

export function presentScheduleSlot(s: typeof slots.$inferSelect) {
  return {
    id: s.id,
    relationshipId: s.relationshipId,
    weekday: s.weekday,
    time: s.time,
    timezone: s.timezone,
    everyWeeks: s.everyWeeks,
    durationMinutes: s.durationMinutes,
    kind: s.kind,
    startsOn: s.startsOn,
    endsOn: s.endsOn,
    createdAt: s.createdAt.toISOString(),
  };
}

export function presentScheduleTimeOff(t: typeof timeOff.$inferSelect) {
  return {
    id: t.id,
    from: t.startsAt.toISOString(),
    to: t.endsAt.toISOString(),
    note: t.note,
    createdAt: t.createdAt.toISOString(),
  };
}
