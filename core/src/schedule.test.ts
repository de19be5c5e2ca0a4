import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  firstOverlap,
  type GapAppointment,
  isLocalDate,
  isTimeZone,
  parseTime,
  type SlotRule,
  slotOccurrences,
  upcomingGaps,
  utcToZoned,
  weekdayOf,
  zonedToUtc,
} from './schedule.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const iso = (instant: Date) => instant.toISOString();
const utc = (text: string) => new Date(text);
const hasLordHowe = Intl.supportedValuesOf('timeZone').includes('Australia/Lord_Howe');

/** A weekly slot rule; override what the test is about. */
function rule(more: Partial<SlotRule>): SlotRule {
  return {
    weekday: 1,
    time: '16:00',
    timezone: 'Europe/London',
    everyWeeks: 1,
    durationMinutes: 50,
    startsOn: '2026-01-01',
    endsOn: null,
    ...more,
  };
}

/** Occurrence starts as ISO strings. */
const occurrences = (slot: SlotRule, from: string, to: string) =>
  slotOccurrences(slot, utc(from), utc(to)).map(iso);

/** Occurrences shown as the wall clock in `zone`: `date time`. */
const localTimes = (slot: SlotRule, from: string, to: string, zone = slot.timezone) =>
  slotOccurrences(slot, utc(from), utc(to)).map((start) => {
    const local = utcToZoned(start, zone);
    return `${local.date} ${local.time}`;
  });

describe('isTimeZone', () => {
  it.each([
    'UTC',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'Asia/Calcutta',
    'America/Argentina/Buenos_Aires',
    'Etc/GMT+5',
  ])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Base', 'Europe/Londn', 'europe/london', 'EUROPE/LONDON', '+01:00', ' UTC'])(
    'refuses %j',
    (zone) => {
      expect(isTimeZone(zone)).toBe(false);
    },
  );
});

describe('parseTime', () => {
  it.each([
    ['00:00', { hour: 0, minute: 0 }],
    ['09:05', { hour: 9, minute: 5 }],
    ['23:59', { hour: 23, minute: 59 }],
  ])('reads %s', (text, expected) => {
    expect(parseTime(text)).toEqual(expected);
  });

  it.each(['24:00', '25:00', '12:60', '9:00', '09:0', '0900', '09:00:00', ' 09:00', '09:00\n', ''])(
    'refuses %j',
    (text) => {
      expect(parseTime(text)).toBeNull();
    },
  );
});

describe('local dates', () => {
  it.each([
    ['2026-02-28', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2026-12-31', true],
    ['2026-02-29', false],
    ['1900-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-05', false],
    ['26-01-05', false],
    ['2026-01-05T00:00', false],
    [' 2026-01-05', false],
    ['', false],
  ])('isLocalDate(%j) is %s', (text, expected) => {
    expect(isLocalDate(text)).toBe(expected);
  });

  it('accepts exactly the dates a calendar has', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const reference = new Date(0);
          reference.setUTCFullYear(year, month - 1, day);
          const real =
            month >= 1 &&
            day >= 1 &&
            reference.getUTCFullYear() === year &&
            reference.getUTCMonth() === month - 1 &&
            reference.getUTCDate() === day;
          expect(isLocalDate(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`)).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('accepts nothing that is not YYYY-MM-DD', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        if (isLocalDate(text)) expect(text).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
    );
  });

  it('adds calendar days across months, leap days and years', () => {
    expect(addLocalDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addLocalDays('2026-03-29', 0)).toBe('2026-03-29');
    expect(() => addLocalDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('names ISO weekdays', () => {
    expect(weekdayOf('2026-03-09')).toBe(1);
    expect(weekdayOf('2026-03-08')).toBe(7);
    expect(weekdayOf('1970-01-01')).toBe(4);
    expect(weekdayOf('2028-02-29')).toBe(2);
  });

  it('agrees with Date on day arithmetic and weekdays', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -200_000, max: 2_000_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        (day, days) => {
          const date = new Date(day * DAY).toISOString().slice(0, 10);
          const later = new Date((day + days) * DAY).toISOString().slice(0, 10);
          expect(addLocalDays(date, days)).toBe(later);
          expect(weekdayOf(date)).toBe(((new Date(day * DAY).getUTCDay() + 6) % 7) + 1);
        },
      ),
    );
  });
});

describe('zonedToUtc and utcToZoned', () => {
  it.each([
    // Plain times, both sides of each change.
    ['2026-01-15', '16:00', 'Europe/London', '2026-01-15T16:00:00.000Z'],
    ['2026-07-15', '16:00', 'Europe/London', '2026-07-15T15:00:00.000Z'],
    ['2026-01-15', '11:00', 'America/New_York', '2026-01-15T16:00:00.000Z'],
    ['2026-07-15', '11:00', 'America/New_York', '2026-07-15T15:00:00.000Z'],
    ['2026-01-15', '09:00', 'Australia/Sydney', '2026-01-14T22:00:00.000Z'],
    ['2026-07-15', '09:00', 'Australia/Sydney', '2026-07-14T23:00:00.000Z'],
    ['2026-07-15', '10:00', 'Asia/Kolkata', '2026-07-15T04:30:00.000Z'],
    ['2026-07-15', '10:00', 'UTC', '2026-07-15T10:00:00.000Z'],
    // Spring forward: the skipped time moves on by the length of the jump.
    ['2026-03-29', '01:30', 'Europe/London', '2026-03-29T01:30:00.000Z'],
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-03-08', '02:00', 'America/New_York', '2026-03-08T07:00:00.000Z'],
    ['2026-03-08', '03:00', 'America/New_York', '2026-03-08T07:00:00.000Z'],
    ['2026-10-04', '02:30', 'Australia/Sydney', '2026-10-03T16:30:00.000Z'],
    // Fall back: the repeated time is the earlier, daylight, instant.
    ['2026-10-25', '01:30', 'Europe/London', '2026-10-25T00:30:00.000Z'],
    ['2026-11-01', '01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    ['2026-11-01', '01:00', 'America/New_York', '2026-11-01T05:00:00.000Z'],
    ['2026-11-01', '02:00', 'America/New_York', '2026-11-01T07:00:00.000Z'],
    ['2026-04-05', '02:30', 'Australia/Sydney', '2026-04-04T15:30:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(iso(zonedToUtc(date, time, zone))).toBe(expected);
  });

  it('shows a skipped time as the time after the jump', () => {
    expect(
      utcToZoned(zonedToUtc('2026-03-08', '02:30', 'America/New_York'), 'America/New_York'),
    ).toEqual({ date: '2026-03-08', time: '03:30', weekday: 7 });
    expect(utcToZoned(zonedToUtc('2026-03-29', '01:30', 'Europe/London'), 'Europe/London')).toEqual(
      {
        date: '2026-03-29',
        time: '02:30',
        weekday: 7,
      },
    );
  });

  it('gives each person their own wall clock for one instant', () => {
    const instant = utc('2026-11-16T16:00:00Z');
    expect(utcToZoned(instant, 'Europe/London')).toEqual({
      date: '2026-11-16',
      time: '16:00',
      weekday: 1,
    });
    expect(utcToZoned(instant, 'America/New_York')).toEqual({
      date: '2026-11-16',
      time: '11:00',
      weekday: 1,
    });
    expect(utcToZoned(instant, 'Australia/Sydney')).toEqual({
      date: '2026-11-17',
      time: '03:00',
      weekday: 2,
    });
    expect(utcToZoned(instant, 'Asia/Kolkata')).toEqual({
      date: '2026-11-16',
      time: '21:30',
      weekday: 1,
    });
  });

  it('drops seconds rather than rounding them', () => {
    expect(utcToZoned(utc('2026-11-16T15:59:59.999Z'), 'UTC').time).toBe('15:59');
  });

  it('refuses malformed input', () => {
    expect(() => zonedToUtc('2026-02-30', '10:00', 'UTC')).toThrow(RangeError);
    expect(() => zonedToUtc('2026-02-01', '24:00', 'UTC')).toThrow(RangeError);
    expect(() => zonedToUtc('2026-02-01', '10:00', 'Mars/Base')).toThrow(RangeError);
  });

  describe.runIf(hasLordHowe)('Australia/Lord_Howe (half-hour daylight saving)', () => {
    it.each([
      ['2026-01-15', '10:00', '2026-01-14T23:00:00.000Z'],
      ['2026-07-15', '10:00', '2026-07-14T23:30:00.000Z'],
      // 02:00 → 02:30 on 2026-10-04: 02:15 does not exist and becomes 02:45 (+11:00).
      ['2026-10-04', '02:15', '2026-10-03T15:45:00.000Z'],
      // 02:00 → 01:30 on 2026-04-05: 01:45 happens twice; the first is at +11:00.
      ['2026-04-05', '01:45', '2026-04-04T14:45:00.000Z'],
    ])('%s %s is %s', (date, time, expected) => {
      expect(iso(zonedToUtc(date, time, 'Australia/Lord_Howe'))).toBe(expected);
    });
  });
});

/** Zones with every kind of offset: none, whole hours, half and quarter hours, both hemispheres. */
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  ...(hasLordHowe ? ['Australia/Lord_Howe'] : []),
];

const zone = fc.constantFrom(...ZONES);
/** Local dates from 1990 to 2060. */
const localDate = fc
  .integer({ min: 7305, max: 32_872 })
  .map((day) => addLocalDays('1970-01-01', day));
const localTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

/** A wall-clock reading as milliseconds of a UTC clock, to subtract two of them. */
const wallMs = (date: string, time: string) => Date.parse(`${date}T${time}:00Z`);

/** True when some instant within three hours of `around` shows `date time` in `zone`. */
function shownNear(around: Date, date: string, time: string, zone: string): boolean {
  for (let t = around.getTime() - 3 * HOUR; t <= around.getTime() + 3 * HOUR; t += 15 * MINUTE) {
    const local = utcToZoned(new Date(t), zone);
    if (local.date === date && local.time === time) return true;
  }
  return false;
}

describe('zone conversion properties', () => {
  it('round-trips every wall-clock time except those skipped, which move forward', () => {
    fc.assert(
      fc.property(localDate, localTime, zone, (date, time, z) => {
        const instant = zonedToUtc(date, time, z);
        const back = utcToZoned(instant, z);
        if (back.date === date && back.time === time) {
          expect(back.weekday).toBe(weekdayOf(date));
          return;
        }
        // A skipped time: nothing near shows it, and it was moved forward, by at most 2 hours.
        expect(shownNear(instant, date, time, z)).toBe(false);
        const moved = wallMs(back.date, back.time) - wallMs(date, time);
        expect(moved).toBeGreaterThan(0);
        expect(moved).toBeLessThanOrEqual(2 * HOUR);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the earlier instant when a time happens twice', () => {
    fc.assert(
      fc.property(localDate, localTime, zone, (date, time, z) => {
        const instant = zonedToUtc(date, time, z).getTime();
        for (let earlier = 15; earlier <= 120; earlier += 15) {
          const local = utcToZoned(new Date(instant - earlier * MINUTE), z);
          expect(`${local.date} ${local.time}`).not.toBe(`${date} ${time}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('takes the earlier instant at every 2026 fall-back hour', () => {
    const cases: [string, string, string][] = [
      ['2026-10-25', '01:00', 'Europe/London'],
      ['2026-11-01', '01:00', 'America/New_York'],
      ['2026-04-05', '02:00', 'Australia/Sydney'],
    ];
    for (const [date, time, z] of cases) {
      const instant = zonedToUtc(date, time, z).getTime();
      // The same wall clock comes round again one hour later.
      expect(utcToZoned(new Date(instant + HOUR), z)).toMatchObject({ date, time });
    }
  });
});

describe('slotOccurrences', () => {
  it('keeps 16:00 London across both 2026 changes', () => {
    const slot = rule({ weekday: 4, startsOn: '2026-03-01' });
    expect(occurrences(slot, '2026-03-19T00:00Z', '2026-04-06T00:00Z')).toEqual([
      '2026-03-19T16:00:00.000Z',
      '2026-03-26T16:00:00.000Z',
      '2026-04-02T15:00:00.000Z',
    ]);
    expect(occurrences(slot, '2026-10-15T00:00Z', '2026-11-01T00:00Z')).toEqual([
      '2026-10-15T15:00:00.000Z',
      '2026-10-22T15:00:00.000Z',
      '2026-10-29T16:00:00.000Z',
    ]);
  });

  it('keeps a Sunday slot on the London change days themselves', () => {
    const slot = rule({ weekday: 7, time: '10:00', startsOn: '2026-03-01' });
    expect(localTimes(slot, '2026-03-22T00:00Z', '2026-04-06T00:00Z')).toEqual([
      '2026-03-22 10:00',
      '2026-03-29 10:00',
      '2026-04-05 10:00',
    ]);
    expect(localTimes(slot, '2026-10-18T00:00Z', '2026-11-02T00:00Z')).toEqual([
      '2026-10-18 10:00',
      '2026-10-25 10:00',
      '2026-11-01 10:00',
    ]);
  });

  it('moves only the skipped 02:30 New York occurrence to 03:30', () => {
    const slot = rule({
      weekday: 7,
      time: '02:30',
      timezone: 'America/New_York',
      startsOn: '2026-02-01',
    });
    expect(occurrences(slot, '2026-03-01T00:00Z', '2026-03-16T00:00Z')).toEqual([
      '2026-03-01T07:30:00.000Z',
      '2026-03-08T07:30:00.000Z',
      '2026-03-15T06:30:00.000Z',
    ]);
    expect(localTimes(slot, '2026-03-01T00:00Z', '2026-03-16T00:00Z')).toEqual([
      '2026-03-01 02:30',
      '2026-03-08 03:30',
      '2026-03-15 02:30',
    ]);
  });

  it('puts the twice-happening 01:30 New York occurrence at its first, daylight instant', () => {
    const slot = rule({
      weekday: 7,
      time: '01:30',
      timezone: 'America/New_York',
      startsOn: '2026-10-01',
    });
    expect(occurrences(slot, '2026-10-25T00:00Z', '2026-11-09T00:00Z')).toEqual([
      '2026-10-25T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-08T06:30:00.000Z',
    ]);
  });

  it('keeps Sydney local time through the southern-hemisphere changes', () => {
    const slot = rule({
      weekday: 1,
      time: '09:00',
      timezone: 'Australia/Sydney',
      startsOn: '2026-03-01',
    });
    expect(occurrences(slot, '2026-03-29T00:00Z', '2026-04-07T00:00Z')).toEqual([
      '2026-03-29T22:00:00.000Z',
      '2026-04-05T23:00:00.000Z',
    ]);
    expect(occurrences(slot, '2026-09-27T00:00Z', '2026-10-06T00:00Z')).toEqual([
      '2026-09-27T23:00:00.000Z',
      '2026-10-04T22:00:00.000Z',
    ]);
    const sunday = rule({
      weekday: 7,
      time: '02:30',
      timezone: 'Australia/Sydney',
      startsOn: '2026-03-01',
    });
    expect(localTimes(sunday, '2026-03-28T00:00Z', '2026-04-12T00:00Z')).toEqual([
      '2026-03-29 02:30',
      '2026-04-05 02:30',
      '2026-04-12 02:30',
    ]);
    expect(occurrences(sunday, '2026-04-04T00:00Z', '2026-04-05T00:00Z')).toEqual([
      '2026-04-04T15:30:00.000Z',
    ]);
    expect(localTimes(sunday, '2026-09-26T00:00Z', '2026-10-12T00:00Z')).toEqual([
      '2026-09-27 02:30',
      '2026-10-04 03:30',
      '2026-10-11 02:30',
    ]);
  });

  it('keeps the same UTC time all year in Kolkata', () => {
    const slot = rule({
      weekday: 3,
      time: '18:30',
      timezone: 'Asia/Kolkata',
      startsOn: '2026-01-01',
    });
    const starts = slotOccurrences(slot, utc('2026-01-01T00:00Z'), utc('2027-01-01T00:00Z'));
    expect(starts).toHaveLength(52);
    expect(new Set(starts.map((start) => start.toISOString().slice(11)))).toEqual(
      new Set(['13:00:00.000Z']),
    );
  });

  it.runIf(hasLordHowe)('keeps Lord Howe local time across its half-hour changes', () => {
    const slot = rule({
      weekday: 1,
      time: '10:00',
      timezone: 'Australia/Lord_Howe',
      startsOn: '2026-03-01',
    });
    expect(occurrences(slot, '2026-03-29T00:00Z', '2026-04-07T00:00Z')).toEqual([
      '2026-03-29T23:00:00.000Z',
      '2026-04-05T23:30:00.000Z',
    ]);
    expect(occurrences(slot, '2026-09-27T00:00Z', '2026-10-06T00:00Z')).toEqual([
      '2026-09-27T23:30:00.000Z',
      '2026-10-04T23:00:00.000Z',
    ]);
  });

  it('skips every other week from the first occurrence', () => {
    const slot = rule({ weekday: 2, everyWeeks: 2, startsOn: '2026-03-03' });
    expect(localTimes(slot, '2026-03-01T00:00Z', '2026-04-15T00:00Z')).toEqual([
      '2026-03-03 16:00',
      '2026-03-17 16:00',
      '2026-03-31 16:00',
      '2026-04-14 16:00',
    ]);
    // Starting the window mid-way keeps the same rhythm.
    expect(localTimes(slot, '2026-03-20T00:00Z', '2026-04-15T00:00Z')).toEqual([
      '2026-03-31 16:00',
      '2026-04-14 16:00',
    ]);
  });

  it('starts on the first matching weekday on or after startsOn', () => {
    // startsOn is a Wednesday; the slot is on Mondays.
    const monday = rule({ weekday: 1, startsOn: '2026-03-04' });
    expect(localTimes(monday, '2026-03-01T00:00Z', '2026-03-17T00:00Z')).toEqual([
      '2026-03-09 16:00',
      '2026-03-16 16:00',
    ]);
    // startsOn is itself the weekday.
    const wednesday = rule({ weekday: 3, startsOn: '2026-03-04' });
    expect(localTimes(wednesday, '2026-03-01T00:00Z', '2026-03-12T00:00Z')).toEqual([
      '2026-03-04 16:00',
      '2026-03-11 16:00',
    ]);
  });

  it('ends on endsOn, inclusive, as a local date', () => {
    const slot = rule({ weekday: 2, startsOn: '2026-03-03', endsOn: '2026-03-17' });
    expect(localTimes(slot, '2026-01-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-03-03 16:00',
      '2026-03-10 16:00',
      '2026-03-17 16:00',
    ]);
    expect(
      occurrences({ ...slot, endsOn: '2026-03-16' }, '2026-03-01T00:00Z', '2027-01-01T00:00Z'),
    ).toHaveLength(2);
    // In Sydney, Tuesday 08:00 local is still Monday in UTC; endsOn is Sydney's date.
    const sydney = rule({
      weekday: 2,
      time: '08:00',
      timezone: 'Australia/Sydney',
      startsOn: '2026-03-03',
      endsOn: '2026-03-10',
    });
    expect(occurrences(sydney, '2026-01-01T00:00Z', '2027-01-01T00:00Z')).toEqual([
      '2026-03-02T21:00:00.000Z',
      '2026-03-09T21:00:00.000Z',
    ]);
  });

  it('returns starts in [from, to)', () => {
    const slot = rule({ weekday: 2, startsOn: '2026-03-03' });
    expect(occurrences(slot, '2026-03-10T16:00Z', '2026-03-17T16:00Z')).toEqual([
      '2026-03-10T16:00:00.000Z',
    ]);
    expect(occurrences(slot, '2026-03-10T16:00:00.001Z', '2026-03-17T16:00:00.001Z')).toEqual([
      '2026-03-17T16:00:00.000Z',
    ]);
    expect(occurrences(slot, '2026-03-17T00:00Z', '2026-03-10T00:00Z')).toEqual([]);
    expect(occurrences(slot, '2025-01-01T00:00Z', '2026-03-01T00:00Z')).toEqual([]);
  });

  it('finds far-future windows of a long-running slot', () => {
    const slot = rule({ weekday: 5, startsOn: '2000-01-01' });
    expect(localTimes(slot, '2040-01-01T00:00Z', '2040-01-15T00:00Z')).toEqual([
      '2040-01-06 16:00',
      '2040-01-13 16:00',
    ]);
  });

  it('refuses a malformed rule', () => {
    const window = [utc('2026-01-01'), utc('2026-02-01')] as const;
    for (const bad of [
      rule({ weekday: 0 }),
      rule({ weekday: 8 }),
      rule({ everyWeeks: 0 }),
      rule({ time: '24:00' }),
      rule({ startsOn: '2026-02-30' }),
      rule({ endsOn: '2026-13-01' }),
    ]) {
      expect(() => slotOccurrences(bad, ...window)).toThrow(RangeError);
    }
  });

  it('shows a London 16:00 session at 11:00 in New York, but 12:00 between the two switches', () => {
    const slot = rule({ weekday: 2, startsOn: '2026-03-01' });
    const between = ['2026-03-01T00:00Z', '2026-04-08T00:00Z'] as const;
    expect(localTimes(slot, ...between, 'Europe/London')).toEqual([
      '2026-03-03 16:00',
      '2026-03-10 16:00',
      '2026-03-17 16:00',
      '2026-03-24 16:00',
      '2026-03-31 16:00',
      '2026-04-07 16:00',
    ]);
    expect(localTimes(slot, ...between, 'America/New_York')).toEqual([
      '2026-03-03 11:00',
      '2026-03-10 12:00',
      '2026-03-17 12:00',
      '2026-03-24 12:00',
      '2026-03-31 11:00',
      '2026-04-07 11:00',
    ]);
    // The same happens in autumn, the other way round, for the week between 25 October and 1 November.
    expect(localTimes(slot, '2026-10-20T00:00Z', '2026-11-04T00:00Z', 'America/New_York')).toEqual([
      '2026-10-20 11:00',
      '2026-10-27 12:00',
      '2026-11-03 11:00',
    ]);
  });

  const slotRule = fc.record({
    weekday: fc.integer({ min: 1, max: 7 }),
    time: localTime,
    timezone: zone,
    everyWeeks: fc.constantFrom(1, 2),
    durationMinutes: fc.integer({ min: 10, max: 180 }),
    startsOn: fc
      .integer({ min: 18_262, max: 21_915 })
      .map((day) => addLocalDays('1970-01-01', day)),
    endsOn: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: null }),
  });
  const window = fc
    .tuple(fc.integer({ min: 18_262, max: 22_280 }), fc.integer({ min: 0, max: 200 }))
    .map(([day, length]) => [new Date(day * DAY), new Date((day + length) * DAY)] as const);

  it('is ascending, on the weekday at the local time, spaced by whole local weeks', () => {
    fc.assert(
      fc.property(slotRule, window, (drawn, [from, to]) => {
        const slot = {
          ...drawn,
          endsOn: drawn.endsOn === null ? null : addLocalDays(drawn.startsOn, drawn.endsOn),
        };
        const starts = slotOccurrences(slot, from, to);
        let previous: { date: string; at: number } | null = null;
        for (const start of starts) {
          expect(start.getTime()).toBeGreaterThanOrEqual(from.getTime());
          expect(start.getTime()).toBeLessThan(to.getTime());
          const local = utcToZoned(start, slot.timezone);
          expect(local.weekday).toBe(slot.weekday);
          expect(local.date >= slot.startsOn).toBe(true);
          if (slot.endsOn !== null) expect(local.date <= slot.endsOn).toBe(true);
          // The local time is the slot's, unless the clocks skipped it that day.
          if (local.time !== slot.time) {
            expect(local.time > slot.time).toBe(true);
            expect(shownNear(start, local.date, slot.time, slot.timezone)).toBe(false);
          }
          if (previous) {
            expect(start.getTime()).toBeGreaterThan(previous.at);
            expect(local.date).toBe(addLocalDays(previous.date, 7 * slot.everyWeeks));
          }
          previous = { date: local.date, at: start.getTime() };
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the same occurrences as walking every day from startsOn', () => {
    fc.assert(
      fc.property(slotRule, window, (drawn, [from, to]) => {
        const slot = {
          ...drawn,
          endsOn: drawn.endsOn === null ? null : addLocalDays(drawn.startsOn, drawn.endsOn),
        };
        const expected: string[] = [];
        let matched = 0;
        for (let date = slot.startsOn; ; date = addLocalDays(date, 1)) {
          if (slot.endsOn !== null && date > slot.endsOn) break;
          if (weekdayOf(date) !== slot.weekday) continue;
          const start = zonedToUtc(date, slot.time, slot.timezone);
          if (start >= to) break;
          if (matched++ % slot.everyWeeks === 0 && start >= from) expected.push(iso(start));
        }
        expect(slotOccurrences(slot, from, to).map(iso)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('firstOverlap', () => {
  const window = [utc('2026-03-01T00:00Z'), utc('2026-06-01T00:00Z')] as const;
  const at = (a: SlotRule, b: SlotRule, from = window[0], to = window[1]) =>
    firstOverlap(a, b, from, to)?.toISOString() ?? null;

  it('finds the first clash of two slots at the same time', () => {
    const a = rule({ weekday: 2, startsOn: '2026-03-10' });
    const b = rule({ weekday: 2, time: '16:30', startsOn: '2026-03-01' });
    expect(at(a, b)).toBe('2026-03-10T16:00:00.000Z');
  });

  it('sees no clash between back-to-back slots', () => {
    const a = rule({ weekday: 2, time: '16:00', durationMinutes: 50 });
    const b = rule({ weekday: 2, time: '16:50', durationMinutes: 50 });
    expect(at(a, b)).toBeNull();
    expect(at(b, a)).toBeNull();
    expect(at(a, { ...b, time: '16:49' })).toBe('2026-03-03T16:00:00.000Z');
  });

  it('sees no clash on different weekdays or alternating weeks', () => {
    expect(at(rule({ weekday: 2 }), rule({ weekday: 3 }))).toBeNull();
    const even = rule({ weekday: 2, everyWeeks: 2, startsOn: '2026-03-03' });
    const odd = rule({ weekday: 2, everyWeeks: 2, startsOn: '2026-03-10' });
    expect(at(even, odd)).toBeNull();
    const weekly = rule({ weekday: 2, startsOn: '2026-03-01' });
    expect(at(weekly, odd)).toBe('2026-03-10T16:00:00.000Z');
  });

  it('compares instants across zones, clashing only outside the weeks between the switches', () => {
    const london = rule({
      weekday: 2,
      time: '16:00',
      timezone: 'Europe/London',
      startsOn: '2026-03-01',
    });
    const newYork = rule({
      weekday: 2,
      time: '11:00',
      timezone: 'America/New_York',
      startsOn: '2026-03-01',
    });
    expect(at(london, newYork)).toBe('2026-03-03T16:00:00.000Z');
    expect(at(london, newYork, utc('2026-03-09T00:00Z'), utc('2026-03-29T00:00Z'))).toBeNull();
    expect(at(london, newYork, utc('2026-03-09T00:00Z'), utc('2026-04-05T00:00Z'))).toBe(
      '2026-03-31T15:00:00.000Z',
    );
  });

  it("counts b's occurrence that began before the window but runs into a's", () => {
    const a = rule({ weekday: 2, time: '16:00', startsOn: '2026-03-01' });
    const b = rule({ weekday: 2, time: '15:30', durationMinutes: 60, startsOn: '2026-03-01' });
    expect(at(a, b, utc('2026-03-03T15:45Z'), utc('2026-03-04T00:00Z'))).toBe(
      '2026-03-03T16:00:00.000Z',
    );
  });

  it('is null when a has no occurrences in the window or b has ended', () => {
    const a = rule({ weekday: 2, startsOn: '2026-03-01' });
    expect(at(a, a, utc('2026-03-04T00:00Z'), utc('2026-03-09T00:00Z'))).toBeNull();
    expect(at(a, { ...a, endsOn: '2026-02-28' })).toBeNull();
    expect(at(a, { ...a, startsOn: '2026-04-01' })).toBe('2026-04-07T15:00:00.000Z');
  });
});

describe('upcomingGaps', () => {
  const now = utc('2026-03-02T12:00:00Z');
  const horizon = new Date(now.getTime() + 84 * DAY);
  const day = (days: number, hours = 0) => new Date(now.getTime() + days * DAY + hours * HOUR);

  const appointment = (
    days: number,
    status: GapAppointment['status'] = 'scheduled',
    cancelReason: string | null = null,
  ): GapAppointment => ({ startsAt: day(days), durationMinutes: 50, status, cancelReason });

  const gaps = (appointments: GapAppointment[], frequencyDays = 7) =>
    upcomingGaps({ appointments, now, horizon, frequencyDays }).map((gap) => ({
      ...gap,
      from: iso(gap.from),
      to: gap.to && iso(gap.to),
    }));

  const end = (days: number) => iso(new Date(day(days).getTime() + 50 * MINUTE));

  /** Weekly appointments from `first` days until the horizon. */
  const weekly = (first: number) =>
    Array.from({ length: Math.ceil((84 - first) / 7) }, (_, i) => appointment(first + 7 * i));

  it('finds nothing when sessions keep the frequency to the horizon', () => {
    expect(gaps([appointment(-2, 'held'), ...weekly(5)])).toEqual([]);
  });

  it.each([
    ['no-slot', [] as GapAppointment[]],
    ['time-off', [appointment(5, 'cancelled', 'time-off')]],
    ['cancelled', [appointment(5, 'cancelled', 'client')]],
    ['cancelled', [appointment(5, 'cancelled', 'slot-removed')]],
    [
      'time-off',
      [appointment(4, 'cancelled', 'therapist'), appointment(5, 'cancelled', 'time-off')],
    ],
    ['no-slot', [appointment(5, 'missed')]],
    // Cancellations outside the gap, or at its very edges, do not explain it.
    [
      'no-slot',
      [appointment(-9, 'cancelled', 'time-off'), appointment(-2, 'cancelled', 'time-off')],
    ],
    ['no-slot', [appointment(12, 'cancelled', 'time-off')]],
  ])('explains a two-week gap as %s', (reason, cancellations) => {
    const booked = [appointment(-2, 'held'), ...weekly(12)];
    expect(gaps([...booked, ...cancellations])).toEqual([
      { from: end(-2), to: iso(day(12)), days: 14, reason },
    ]);
  });

  it('counts from now when nothing came before, and says to: null when nothing is scheduled', () => {
    expect(gaps([])).toEqual([{ from: iso(now), to: null, days: 84, reason: 'no-slot' }]);
    expect(gaps([appointment(10), ...weekly(17)])).toEqual([
      { from: iso(now), to: iso(day(10)), days: 10, reason: 'no-slot' },
    ]);
  });

  it('counts from the end of the last appointment before now, however long ago', () => {
    expect(gaps([appointment(-30, 'held'), appointment(-40, 'held')])).toEqual([
      { from: end(-30), to: null, days: 114, reason: 'no-slot' },
    ]);
    expect(gaps([appointment(-30, 'held'), appointment(-40, 'held'), ...weekly(3)])).toEqual([
      { from: end(-30), to: iso(day(3)), days: 33, reason: 'no-slot' },
    ]);
  });

  it('says why nothing is scheduled after the last appointment', () => {
    const booked = [appointment(-2, 'held'), appointment(5), appointment(12)];
    expect(
      gaps([
        ...booked,
        appointment(19, 'cancelled', 'time-off'),
        appointment(26, 'cancelled', 'client'),
      ]),
    ).toEqual([{ from: end(12), to: null, days: 72, reason: 'time-off' }]);
  });

  it('needs strictly more than the frequency between two starts', () => {
    expect(gaps([appointment(-2), appointment(5), ...weekly(12)])).toEqual([]);
    expect(gaps([appointment(-2), appointment(6), ...weekly(13)])).toEqual([
      { from: end(-2), to: iso(day(6)), days: 8, reason: 'no-slot' },
    ]);
    const oneMinuteLate = { ...appointment(5), startsAt: new Date(day(5).getTime() + MINUTE) };
    expect(gaps([appointment(-2), oneMinuteLate, ...weekly(12)])).toEqual([
      { from: end(-2), to: iso(oneMinuteLate.startsAt), days: 7, reason: 'no-slot' },
    ]);
  });

  it('needs strictly more than the frequency before the horizon', () => {
    expect(
      gaps([appointment(-2), ...weekly(5).filter((a) => a.startsAt < day(78)), appointment(77)]),
    ).toEqual([]);
    expect(
      gaps([appointment(-2), ...weekly(5).filter((a) => a.startsAt < day(76)), appointment(76)]),
    ).toEqual([{ from: end(76), to: null, days: 8, reason: 'no-slot' }]);
  });

  it('lists several gaps in order, whatever the order given', () => {
    const given = [appointment(40), appointment(5), appointment(-1, 'held'), appointment(50)];
    expect(gaps(given, 10)).toEqual([
      { from: end(5), to: iso(day(40)), days: 35, reason: 'no-slot' },
      { from: end(50), to: null, days: 34, reason: 'no-slot' },
    ]);
  });

  it('leaves out a gap that ends right now', () => {
    const startingNow = { ...appointment(0), startsAt: now };
    expect(gaps([appointment(-10, 'held'), startingNow, ...weekly(7)])).toEqual([]);
  });

  it('ignores cancelled and missed appointments as sessions', () => {
    expect(
      gaps([
        appointment(-2, 'held'),
        appointment(5, 'missed'),
        appointment(6, 'cancelled', 'client'),
        ...weekly(12),
      ]),
    ).toEqual([{ from: end(-2), to: iso(day(12)), days: 14, reason: 'cancelled' }]);
  });

  it('rounds days between starts that are not whole days apart', () => {
    const late = { ...appointment(12), startsAt: day(12, 13) };
    expect(gaps([appointment(-2), late, ...weekly(19)])[0]?.days).toBe(15);
  });

  it('finds nothing without a positive frequency', () => {
    expect(gaps([], 0)).toEqual([]);
    expect(gaps([], -7)).toEqual([]);
    expect(gaps([], Number.NaN)).toEqual([]);
  });
});
