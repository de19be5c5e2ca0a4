import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { type CalendarEvent, toICalendar } from './ical.ts';

const event = (more: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'appointment-1@attune',
  start: new Date('2026-11-16T16:00:00Z'),
  end: new Date('2026-11-16T16:50:00Z'),
  summary: 'Therapy',
  status: 'CONFIRMED',
  stamp: new Date('2026-11-01T09:30:15.250Z'),
  ...more,
});

/** The calendar as ical.js reads it. */
function parse(text: string) {
  return new ICAL.Component(ICAL.parse(text));
}

/** The one event of a calendar made from `more`, as ical.js reads it. */
function parsedEvent(more: Partial<CalendarEvent>) {
  const vevent = parse(toICalendar([event(more)], { name: 'Attune' })).getFirstSubcomponent(
    'vevent',
  );
  if (!vevent) throw new Error('no VEVENT');
  return vevent;
}

const physicalLines = (text: string) => text.split('\r\n').slice(0, -1);
const octets = (line: string) => Buffer.byteLength(line, 'utf8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Every physical line is CRLF-terminated, at most 75 octets, and whole UTF-8 on its own. */
function expectWellFormed(text: string) {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of physicalLines(text)) {
    expect(octets(line)).toBeLessThanOrEqual(75);
    expect(() => strictUtf8.decode(Buffer.from(line, 'utf8'))).not.toThrow();
    // A lone surrogate would have been written as U+FFFD, i.e. the line was cut inside a pair.
    expect(line).not.toMatch(/\uFFFD/);
  }
}

describe('toICalendar', () => {
  it('writes a published Gregorian calendar with its name', () => {
    const text = toICalendar([], { name: 'Attune – Robin' });
    expect(physicalLines(text)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Attune//Attune//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Attune – Robin',
      'END:VCALENDAR',
    ]);
    const calendar = parse(text);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Attune – Robin');
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(0);
  });

  it('writes each event with UTC times, status and sequence', () => {
    const text = toICalendar(
      [
        event(),
        event({
          uid: 'appointment-2@attune',
          start: new Date('2026-11-23T16:00:00Z'),
          end: new Date('2026-11-23T16:50:00Z'),
          status: 'CANCELLED',
          sequence: 3,
          description: 'Cancelled by your therapist',
          url: 'https://attune.example/appointments/2',
        }),
      ],
      { name: 'Attune' },
    );
    expect(text).toContain('\r\nDTSTART:20261116T160000Z\r\n');
    expect(text).toContain('\r\nDTEND:20261116T165000Z\r\n');
    expect(text).toContain('\r\nDTSTAMP:20261101T093015Z\r\n');

    const [first, second] = parse(text).getAllSubcomponents('vevent');
    if (!first || !second) throw new Error('expected two events');
    const start = first.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.zone?.tzid).toBe('UTC');
    expect(start.toJSDate().toISOString()).toBe('2026-11-16T16:00:00.000Z');
    expect((first.getFirstPropertyValue('dtend') as ICAL.Time).toString()).toBe(
      '2026-11-16T16:50:00Z',
    );
    expect(first.getFirstPropertyValue('uid')).toBe('appointment-1@attune');
    expect(first.getFirstPropertyValue('summary')).toBe('Therapy');
    expect(first.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(first.getFirstPropertyValue('sequence')).toBe(0);
    expect(first.hasProperty('description')).toBe(false);
    expect(first.hasProperty('url')).toBe(false);

    expect((second.getFirstPropertyValue('dtstart') as ICAL.Time).toString()).toBe(
      '2026-11-23T16:00:00Z',
    );
    expect(second.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(second.getFirstPropertyValue('sequence')).toBe(3);
    expect(second.getFirstPropertyValue('description')).toBe('Cancelled by your therapist');
    expect(second.getFirstPropertyValue('url')).toBe('https://attune.example/appointments/2');

    const read = new ICAL.Event(second);
    expect(read.startDate.toJSDate().getTime()).toBe(Date.parse('2026-11-23T16:00:00Z'));
    expect(read.endDate.toJSDate().getTime()).toBe(Date.parse('2026-11-23T16:50:00Z'));
  });

  it('escapes backslashes, semicolons, commas and newlines', () => {
    const summary = 'Back\\slash; semi, comma\nnew line';
    const text = toICalendar([event({ summary, description: 'a\r\nb\rc' })], { name: 'x;y,z' });
    expect(text).toContain('SUMMARY:Back\\\\slash\\; semi\\, comma\\nnew line\r\n');
    expect(text).toContain('X-WR-CALNAME:x\\;y\\,z\r\n');
    expect(parsedEvent({ summary }).getFirstPropertyValue('summary')).toBe(summary);
    expect(parsedEvent({ description: 'a\r\nb\rc' }).getFirstPropertyValue('description')).toBe(
      'a\nb\nc',
    );
    // ical.js leaves X- properties as written; calendar apps read X-WR-CALNAME as TEXT.
    expect(parse(text).getFirstPropertyValue('x-wr-calname')).toBe('x\\;y\\,z');
  });

  it('strips control characters', () => {
    const vevent = parsedEvent({ summary: 'Th\u0000er\u0007apy\u001b\u007f\u0085\t!' });
    expect(vevent.getFirstPropertyValue('summary')).toBe('Therapy\t!');
    expect(parsedEvent({ url: 'https://a.example/\r\nx y' }).getFirstPropertyValue('url')).toBe(
      'https://a.example/xy',
    );
  });

  it('folds long unicode text at 75 octets without splitting a character', () => {
    const summary = `Séance with Zoë 🧘🏽‍♀️ — ${'日本語のテキスト, '.repeat(12)}${'🌱'.repeat(40)} end`;
    const description = 'x'.repeat(500);
    const text = toICalendar([event({ summary, description })], { name: 'Attune' });
    expectWellFormed(text);
    expect(physicalLines(text).filter((line) => line.startsWith(' ')).length).toBeGreaterThan(10);
    const vevent = parse(text).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('summary')).toBe(summary);
    expect(vevent?.getFirstPropertyValue('description')).toBe(description);
  });

  it('fills folded lines up to the limit', () => {
    const text = toICalendar([event({ description: 'x'.repeat(200) })], { name: 'Attune' });
    const lines = physicalLines(text);
    const start = lines.findIndex((line) => line.startsWith('DESCRIPTION:'));
    // 12 + 200 octets: 75, then a space and 74 more, then a space and the last 63.
    expect(lines.slice(start, start + 3).map(octets)).toEqual([75, 75, 64]);
    expect(lines[start + 3]).not.toMatch(/^ /);
  });

  /** What a reader should get back: line breaks as LF, no other control characters. */
  const readable = (value: string) =>
    [...value.toWellFormed().replace(/\r\n?/g, '\n')]
      .filter((char) => {
        const code = char.codePointAt(0) ?? 0;
        return code === 0x09 || code === 0x0a || (code >= 0x20 && (code < 0x7f || code > 0x9f));
      })
      .join('');

  it('round-trips any text and keeps every line within 75 octets', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        (summary, description) => {
          const text = toICalendar([event({ summary, description })], { name: summary });
          expectWellFormed(text);
          const vevent = parse(text).getFirstSubcomponent('vevent');
          expect(vevent?.getFirstPropertyValue('summary')).toBe(readable(summary));
          if (readable(description)) {
            expect(vevent?.getFirstPropertyValue('description')).toBe(readable(description));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses dates and sequences it cannot write', () => {
    expect(() => toICalendar([event({ start: new Date(Number.NaN) })], { name: 'x' })).toThrow(
      RangeError,
    );
    expect(() =>
      toICalendar([event({ end: new Date('+010000-01-01T00:00:00Z') })], { name: 'x' }),
    ).toThrow(RangeError);
    expect(() => toICalendar([event({ sequence: -1 })], { name: 'x' })).toThrow(RangeError);
    expect(() => toICalendar([event({ sequence: 1.5 })], { name: 'x' })).toThrow(RangeError);
  });
});
