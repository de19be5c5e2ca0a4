import { minutes } from '../words';

/** The choices the schedule's forms offer, for the therapist's screens and the relationship's. */

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** The weekdays as a select's options, valued 1 (Monday) … 7 (Sunday). */
export const WEEKDAY_OPTIONS = WEEKDAYS.map((name, index) => ({
  value: String(index + 1),
  label: name,
}));

/** A session's lengths, in minutes. */
export const SESSION_LENGTHS = [30, 45, 50, 60, 75, 90, 120];

/** Lengths as a select's options: "30 minutes" … "2 hours". */
export function lengthOptions(lengths: readonly number[] = SESSION_LENGTHS) {
  return lengths.map((n) => ({ value: String(n), label: minutes(n) }));
}

export const EVERY_WEEKS_OPTIONS = [
  { value: '1', label: 'Every week' },
  { value: '2', label: 'Every other week' },
];
