/**
 * Times for scheduling, always with the zone named: a person in Lisbon and a therapist in
 * London must never have to guess whose 16:00 is meant. Times are shown in the viewer's zone
 * (this device's) unless another is given.
 */

const DAY = 86_400_000;

/** This device's IANA zone, e.g. "Europe/London". */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every zone this browser knows, the viewer's first; a short list where the browser can't say. */
export function knownZones(): string[] {
  const here = viewerZone();
  let all: string[] = [];
  try {
    all = Intl.supportedValuesOf('timeZone');
  } catch {
    all = [];
  }
  return [here, ...['UTC', ...all].filter((zone) => zone !== here)];
}

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function thisYear(iso: string | number, zone: string): boolean {
  const year = (t: string | number) =>
    new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' }).format(new Date(t));
  return year(iso) === year(Date.now());
}

/** "16:00" in the zone (24 h). */
export function clock(iso: string | number, zone = viewerZone()): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** "Tue 8 Dec" in the zone (with the year when it is not this year). */
export function day(iso: string | number, zone = viewerZone()): string {
  return new Date(iso).toLocaleDateString(undefined, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(thisYear(iso, zone) ? {} : { year: 'numeric' }),
  });
}

/** "8 Dec" in the zone (with the year when it is not this year). */
export function dayOfMonth(iso: string | number, zone = viewerZone()): string {
  return new Date(iso).toLocaleDateString(undefined, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    ...(thisYear(iso, zone) ? {} : { year: 'numeric' }),
  });
}

/** "Tue 8 Dec, 16:00 (Europe/London)". */
export function whenWithZone(iso: string, zone = viewerZone()): string {
  return `${day(iso, zone)}, ${clock(iso, zone)} (${zone})`;
}

/**
 * The days of a range whose end is exclusive: "14–28 Dec", "30 Dec – 3 Jan", "14 Dec".
 * `to` at midnight means the day before is the last one.
 */
export function dateRange(from: string, to: string, zone = viewerZone()): string {
  const first = new Date(from);
  const last = new Date(Math.max(Date.parse(to) - 1, first.getTime()));
  const format = new Intl.DateTimeFormat(undefined, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    ...(thisYear(from, zone) && thisYear(last.getTime(), zone) ? {} : { year: 'numeric' }),
  });
  return format.formatRange(first, last);
}

/** "3 weeks", "10 days", "1 day": a stretch of whole days, in weeks when it divides evenly. */
export function lengthInDays(days: number): string {
  if (days >= 14 && days % 7 === 0) return `${days / 7} weeks`;
  if (days === 7) return '1 week';
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** "today", "tomorrow", "in 5 days", "in 3 weeks", "in 2 months": how far off, roughly. */
export function fromNow(iso: string, now = Date.now()): string {
  const days = Math.round((Date.parse(iso) - now) / DAY);
  if (days <= 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days < 14) return `in ${days} days`;
  if (days < 60) return `in ${Math.round(days / 7)} weeks`;
  return `in ${Math.round(days / 30)} months`;
}

/** How far the zone's clock is ahead of UTC at the instant, in ms. */
function zoneOffset(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return asUtc - Math.floor(instant / 60_000) * 60_000;
}

/** The instant of a wall-clock date ("2026-12-08") and time ("16:00") in a zone. */
export function wallToInstant(date: string, time: string, zone: string): number {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, min = 0] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, h, min);
  const first = guess - zoneOffset(zone, guess);
  return guess - zoneOffset(zone, first);
}

function pad(n: number): string {
  return String(Math.abs(n)).padStart(2, '0');
}

/**
 * A date and time typed on this device ("2026-12-08", "16:00"), as ISO 8601 with this
 * device's offset: "2026-12-08T16:00:00+01:00".
 */
export function localToIso(date: string, time: string): string {
  const at = new Date(`${date}T${time}`);
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return `${date}T${time}:00${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** Whether a date and time typed on this device is still to come. */
export function isFutureLocal(date: string, time: string, now = Date.now()): boolean {
  const at = new Date(`${date}T${time}`).getTime();
  return Number.isFinite(at) && at > now;
}

/** Today on this device as "YYYY-MM-DD", for a date input's default and minimum. */
export function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
