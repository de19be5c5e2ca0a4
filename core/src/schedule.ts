/**
 * Scheduling arithmetic: local dates and times in IANA zones, weekly slots and the gaps between
 * appointments (docs/api/scheduling.md). Pure functions; the only clock is the one passed in and
 * the only zone data is the runtime's (Intl).
 *
 * Daylight saving. A slot is a promise about the wall clock ("Tuesdays 16:00 in London"), so
 * occurrences step by local calendar days and each is converted to an instant on its own: the
 * local time stays put and the UTC time moves when the zone changes its offset (16:00 London is
 * 16:00Z in winter and 15:00Z in summer). Converting a wall-clock time follows RFC 5545 (and
 * Temporal's "compatible" choice):
 * - a time that does not exist, because the clocks jump forward over it, moves forward by the
 *   length of the jump (02:30 on 2026-03-08 in New York becomes 03:30 EDT);
 * - a time that happens twice, because the clocks fall back over it, is the earlier instant
 *   (01:30 on 2026-11-01 in New York is 01:30 EDT, not EST).
 * Offsets come from Intl.DateTimeFormat, one cached formatter per zone, and the conversion asks
 * for the offsets a day either side of the wall-clock time, which finds a transition between
 * them (zones change offset at most once within two days).
 */

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // 1 Monday … 7 Sunday

export type SlotRule = {
  /** ISO weekday, 1 Monday … 7 Sunday. */
  weekday: number;
  /** Local time, `HH:MM`. */
  time: string;
  /** IANA zone name. */
  timezone: string;
  /** 1 weekly, 2 every other week. */
  everyWeeks: number;
  durationMinutes: number;
  /** First local date the slot may fall on, `YYYY-MM-DD`. */
  startsOn: string;
  /** Last local date the slot may fall on (inclusive), or null for no end. */
  endsOn: string | null;
};

const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Local dates, as day numbers (days since 1970-01-01) so arithmetic never meets a zone.

type CivilDate = { year: number; month: number; day: number };

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseLocalDate(text: string): CivilDate | null {
  const match = LOCAL_DATE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function requireLocalDate(text: string): CivilDate {
  const date = parseLocalDate(text);
  if (!date) throw new RangeError(`Not a local date (YYYY-MM-DD): ${text}`);
  return date;
}

function requireTime(text: string): { hour: number; minute: number } {
  const time = parseTime(text);
  if (!time) throw new RangeError(`Not a local time (HH:MM): ${text}`);
  return time;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function dayNumberOf({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100);
  return era * 146_097 + dayOfEra + dayOfYear - 719_468;
}

/** The date of a day number (Hinnant's civil_from_days). */
function civilOf(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function formatDayNumber(dayNumber: number): string {
  const { year, month, day } = civilOf(dayNumber);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** ISO weekday (1 Monday … 7 Sunday) of a day number; day 0 was a Thursday. */
function weekdayOfDayNumber(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** The local date with the given day number, as milliseconds of a UTC clock showing it. */
function wallClockMs(dayNumber: number, hour: number, minute: number): number {
  return dayNumber * DAY + hour * 3_600_000 + minute * MINUTE;
}

/** True when `text` is strictly `YYYY-MM-DD` and names a real date. */
export function isLocalDate(text: string): boolean {
  return parseLocalDate(text) !== null;
}

/** `HH:MM` (24 h, 00:00–23:59) as numbers, or null. */
export function parseTime(text: string): { hour: number; minute: number } | null {
  const match = LOCAL_TIME.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/** The local date `days` calendar days after `date` (before, when negative). */
export function addLocalDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  return formatDayNumber(dayNumberOf(requireLocalDate(date)) + days);
}

/** ISO weekday of a local date: 1 Monday … 7 Sunday. */
export function weekdayOf(date: string): number {
  return weekdayOfDayNumber(dayNumberOf(requireLocalDate(date)));
}

// ---------------------------------------------------------------------------------------------
// Zones.

const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter showing every wall-clock field in `zone`, made once per zone. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * True for an IANA zone name the runtime knows (`Europe/London`, `UTC`, links such as
 * `Asia/Calcutta`). Offsets (`+01:00`) and miscased names (`europe/london`) are refused, so a
 * stored zone is always spelt the way IANA spells it.
 */
export function isTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || !ZONE_NAME.test(zone)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase();
}

/** The wall clock in `zone` at `instantMs` (whole seconds), as milliseconds of a UTC clock. */
function wallClockAt(instantMs: number, zone: string): number {
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of formatterFor(zone).formatToParts(instantMs)) {
    if (part.type === 'era') bc = part.value === 'BC' || part.value === 'B';
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - (fields.year ?? 0) : (fields.year ?? 0);
  const date = dayNumberOf({ year, month: fields.month ?? 1, day: fields.day ?? 1 });
  // Some engines still say 24 for midnight.
  return (
    wallClockMs(date, (fields.hour ?? 0) % 24, fields.minute ?? 0) + (fields.second ?? 0) * 1000
  );
}

/** How far the wall clock in `zone` is ahead of UTC at `instantMs`, in milliseconds. */
function offsetAt(instantMs: number, zone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallClockAt(wholeSecond, zone) - wholeSecond;
}

/** The instant a wall clock in `zone` shows `wallMs`, choosing as RFC 5545 does. */
function instantOfWallClock(wallMs: number, zone: string): number {
  const offsetBefore = offsetAt(wallMs - DAY, zone);
  const offsetAfter = offsetAt(wallMs + DAY, zone);
  if (offsetBefore === offsetAfter) return wallMs - offsetBefore;
  // A transition lies in between. Earlier offsets give later instants only when the clocks
  // fell back, so try the offset before the change first: it is the earlier reading.
  for (const offset of [offsetBefore, offsetAfter]) {
    const candidate = wallMs - offset;
    if (offsetAt(candidate, zone) === offset) return candidate;
  }
  // Neither reading exists: the time was skipped, so read it with the offset from before the
  // jump, which lands as far past the jump as the time was past its start.
  return wallMs - offsetBefore;
}

/** The instant at which the wall clock in `zone` shows `time` on `date` (see the header). */
export function zonedToUtc(date: string, time: string, zone: string): Date {
  const { hour, minute } = requireTime(time);
  const dayNumber = dayNumberOf(requireLocalDate(date));
  return new Date(instantOfWallClock(wallClockMs(dayNumber, hour, minute), zone));
}

/** The local date, `HH:MM` and ISO weekday in `zone` at `instant` (seconds dropped). */
export function utcToZoned(
  instant: Date,
  zone: string,
): { date: string; time: string; weekday: number } {
  const wallMs = wallClockAt(Math.floor(instant.getTime() / 1000) * 1000, zone);
  const dayNumber = Math.floor(wallMs / DAY);
  const minutes = Math.floor((wallMs - dayNumber * DAY) / MINUTE);
  return {
    date: formatDayNumber(dayNumber),
    time: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
    weekday: weekdayOfDayNumber(dayNumber),
  };
}

// ---------------------------------------------------------------------------------------------
// Slots.

/** The local day numbers a slot may fall on, checked; throws RangeError on a malformed rule. */
function slotCalendar(rule: SlotRule) {
  if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) {
    throw new RangeError(`Not an ISO weekday: ${rule.weekday}`);
  }
  if (!Number.isInteger(rule.everyWeeks) || rule.everyWeeks < 1) {
    throw new RangeError(`Not a whole number of weeks: ${rule.everyWeeks}`);
  }
  const startsOn = dayNumberOf(requireLocalDate(rule.startsOn));
  const first = startsOn + ((rule.weekday - weekdayOfDayNumber(startsOn) + 7) % 7);
  const last =
    rule.endsOn === null ? Number.POSITIVE_INFINITY : dayNumberOf(requireLocalDate(rule.endsOn));
  return { first, last, step: rule.everyWeeks * 7, ...requireTime(rule.time) };
}

/** Start instants (ms) of a slot's occurrences starting in [fromMs, toMs), ascending. */
function occurrenceStarts(rule: SlotRule, fromMs: number, toMs: number): number[] {
  const { first, last, step, hour, minute } = slotCalendar(rule);
  if (!(fromMs < toMs)) return [];
  // Skip whole periods that end well before `from`: no offset moves a start by two days.
  const fromDay = Math.floor((fromMs + offsetAt(fromMs, rule.timezone)) / DAY);
  const skipped = Math.max(0, Math.floor((fromDay - 2 - first) / step));
  const starts: number[] = [];
  for (let day = first + skipped * step; day <= last; day += step) {
    const start = instantOfWallClock(wallClockMs(day, hour, minute), rule.timezone);
    if (start >= toMs) break;
    if (start >= fromMs) starts.push(start);
  }
  return starts;
}

/**
 * The starts of a slot's occurrences in [from, to), ascending: the first on or after `startsOn`
 * on its weekday, then every `everyWeeks` weeks of local days, at its local time, to `endsOn`.
 */
export function slotOccurrences(rule: SlotRule, from: Date, to: Date): Date[] {
  return occurrenceStarts(rule, from.getTime(), to.getTime()).map((start) => new Date(start));
}

/**
 * The start of `a`'s first occurrence in [from, to) that overlaps an occurrence of `b`, or null.
 * Occurrences are half-open, [start, start + duration); `b`'s may start before `from` or after
 * `to`, as long as they reach into one of `a`'s.
 */
export function firstOverlap(a: SlotRule, b: SlotRule, from: Date, to: Date): Date | null {
  const aLength = a.durationMinutes * MINUTE;
  const bLength = b.durationMinutes * MINUTE;
  const aStarts = occurrenceStarts(a, from.getTime(), to.getTime());
  const last = aStarts.at(-1);
  if (last === undefined) return null;
  const bStarts = occurrenceStarts(b, from.getTime() - bLength + 1, last + aLength);
  let j = 0;
  for (const aStart of aStarts) {
    // b's occurrences that end by this start end by every later one too.
    while (j < bStarts.length && (bStarts[j] ?? 0) + bLength <= aStart) j++;
    const bStart = bStarts[j];
    if (bStart !== undefined && bStart < aStart + aLength && aStart < bStart + bLength) {
      return new Date(aStart);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Gaps.

export type GapAppointment = {
  startsAt: Date;
  durationMinutes: number;
  status: 'scheduled' | 'held' | 'cancelled' | 'missed';
  cancelReason: string | null;
};

export type Gap = {
  /** End of the appointment before the gap, or now. */
  from: Date;
  /** Start of the appointment after it, or null when none is scheduled before the horizon. */
  to: Date | null;
  /** Whole days between the two starts (to the horizon when `to` is null). */
  days: number;
  reason: 'time-off' | 'cancelled' | 'no-slot';
};

type GapPoint = { start: number; end: number };

const isActive = (appointment: GapAppointment) =>
  appointment.status === 'scheduled' || appointment.status === 'held';

const pointOf = (appointment: GapAppointment): GapPoint => ({
  start: appointment.startsAt.getTime(),
  end: appointment.startsAt.getTime() + appointment.durationMinutes * MINUTE,
});

/** The last appointment that started before now, or now itself as a point of no length. */
function anchorOf(active: GapAppointment[], now: number): GapPoint {
  let anchor: GapPoint = { start: now, end: now };
  let found = false;
  for (const appointment of active) {
    const point = pointOf(appointment);
    if (point.start < now && (!found || point.start > anchor.start)) {
      anchor = point;
      found = true;
    }
  }
  return anchor;
}

/** Why nothing is booked strictly between two instants, judged by the cancellations there. */
function gapReason(appointments: GapAppointment[], after: number, before: number): Gap['reason'] {
  let reason: Gap['reason'] = 'no-slot';
  for (const appointment of appointments) {
    const start = appointment.startsAt.getTime();
    if (appointment.status !== 'cancelled' || start <= after || start >= before) continue;
    if (appointment.cancelReason === 'time-off') return 'time-off';
    reason = 'cancelled';
  }
  return reason;
}

/**
 * The stretches between now and `horizon` in which appointments are further apart than the
 * agreed frequency: between consecutive scheduled or held appointments (counting from the last
 * one before now, or from now), and after the last one up to the horizon (`to` null).
 */
export function upcomingGaps(input: {
  appointments: GapAppointment[];
  now: Date;
  horizon: Date;
  frequencyDays: number;
}): Gap[] {
  const { appointments, frequencyDays } = input;
  if (!(frequencyDays > 0)) return [];
  const now = input.now.getTime();
  const horizon = input.horizon.getTime();
  const limit = frequencyDays * DAY;
  const active = appointments.filter(isActive);
  const upcoming = active
    .map(pointOf)
    .filter((point) => point.start >= now && point.start < horizon)
    .sort((x, y) => x.start - y.start);
  const points = [anchorOf(active, now), ...upcoming];

  const gaps: Gap[] = [];
  points.forEach((point, index) => {
    const next = points[index + 1];
    const until = next ? next.start : horizon;
    if (until - point.start <= limit || until <= now) return;
    gaps.push({
      from: new Date(point.end),
      to: next ? new Date(next.start) : null,
      days: Math.round((until - point.start) / DAY),
      reason: gapReason(appointments, point.start, until),
    });
  });
  return gaps;
}
