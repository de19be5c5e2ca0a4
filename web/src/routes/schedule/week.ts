/** The week shown on the schedule, in the viewer's own time zone; weeks start on Monday. */

const DAY = 86_400_000;

/** "2026-11-23" for a local date. */
export function dateKey(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** A local date from "2026-11-23", or null when it is not a real date. */
export function parseDateKey(key: string | null): Date | null {
  const match = key ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(key) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  return date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}

/** Adds whole calendar days, keeping local midnight across daylight-saving changes. */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** Local midnight of the Monday on or before `date`. */
export function mondayOf(date: Date): Date {
  const weekday = (date.getDay() + 6) % 7;
  return addDays(date, -weekday);
}

/** The seven local days of the week that starts on `monday`. */
export function daysOf(monday: Date): Date[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The week's range for the server: from Monday 00:00 to the next Monday 00:00, in UTC. */
export function weekRange(monday: Date): { from: string; to: string } {
  return { from: monday.toISOString(), to: addDays(monday, 7).toISOString() };
}

/** Whether `iso` falls on the local day `day`. */
export function isOnDay(iso: string, day: Date): boolean {
  return dateKey(new Date(iso)) === dateKey(day);
}

/** Whether the period [from, to) touches the local day `day`. */
export function overlapsDay(from: string, to: string, day: Date): boolean {
  const start = day.getTime();
  const end = addDays(day, 1).getTime();
  return Date.parse(from) < end && Date.parse(to) > start;
}

/** Whole weeks between two Mondays (rounded, so an hour of daylight saving does not count). */
export function weeksBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / (7 * DAY));
}
