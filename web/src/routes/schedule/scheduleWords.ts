import type { CancelReason } from '../../api/relationships';
import { WEEKDAYS } from '../../components/scheduleChoices';
import { clock, day, dayOfMonth } from '../../time';

/** How the schedule's things read on screen, in one place. */

/** "Tuesday" for 2 (1 Monday … 7 Sunday). */
export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday - 1] ?? 'Unknown day';
}

/** "1 Dec" (with the year when it is not this year) for a "YYYY-MM-DD" date. */
export function dayMonth(date: string): string {
  // A date alone is read as midnight UTC, so it is shown in UTC to stay the same day.
  return dayOfMonth(date, 'UTC');
}

export const CANCEL_REASON_WORDS: Record<CancelReason, string> = {
  'time-off': 'you are away',
  'slot-removed': 'the regular slot was removed',
  client: 'the client cancelled',
  therapist: 'you cancelled',
};

/** "Cancelled: you are away." */
export function cancelledInWords(reason: CancelReason | null): string {
  return reason ? `Cancelled: ${CANCEL_REASON_WORDS[reason]}` : 'Cancelled';
}

/** "Robin", "Robin and Sam", "Robin, Sam and Alex". */
export function namesInWords(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "1 appointment", "3 appointments". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Tue 8 Dec, 16:00–16:50" in the viewer's zone. */
export function spanInWords(startsAt: string, durationMinutes: number): string {
  const end = Date.parse(startsAt) + durationMinutes * 60_000;
  return `${day(startsAt)}, ${clock(startsAt)}–${clock(end)}`;
}

/** The words every "Remove" confirmation in the schedule shares; spread into a ConfirmDialog. */
export const REMOVE_DIALOG = {
  trigger: 'Remove',
  pendingLabel: 'Removing…',
  failure: "We couldn't remove it just now. Please try again in a moment.",
} as const;
