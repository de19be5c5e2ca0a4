import type { CalendarEvent } from '@attune/core/ical';
import type { appointments } from '../db/schema.ts';

/**
 * An appointment as a calendar event: its time and whether it still stands. Calendars are
 * synced to other companies' servers and shown on lock screens, so the title is "Therapy" for
 * every kind and nothing else leaves: no names, no notes.
 */
export function calendarEvent(a: typeof appointments.$inferSelect, stamp: Date): CalendarEvent {
  return {
    uid: `${a.id}@attune`,
    start: a.startsAt,
    end: new Date(a.startsAt.getTime() + a.durationMinutes * 60_000),
    summary: 'Therapy',
    status: a.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    stamp,
  };
}
