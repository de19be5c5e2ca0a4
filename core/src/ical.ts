/**
 * iCalendar (RFC 5545) writer for calendar subscriptions and single-event downloads.
 * Times are written in UTC, so no VTIMEZONE is needed; the reader's calendar shows them in its
 * own zone. Text is escaped and stripped of control characters, and lines are folded at 75
 * octets of UTF-8 without splitting a character, so any reader can unfold them exactly.
 */

export type CalendarEvent = {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  status: 'CONFIRMED' | 'CANCELLED';
  /** When this version of the event was made (DTSTAMP). */
  stamp: Date;
  /** Revision number; readers replace an event when it grows. Defaults to 0. */
  sequence?: number;
  description?: string;
  url?: string;
};

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** Control characters other than LF and TAB (C0, DEL, C1); CR is dealt with before. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text with line breaks made LF, control characters and lone surrogates removed. */
function clean(text: string): string {
  return text.toWellFormed().replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped. */
function escapeText(text: string): string {
  return clean(text)
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/** A URI value: not escaped, but one line with nothing invisible in it. */
function cleanUri(uri: string): string {
  return clean(uri).replace(/\s/g, '');
}

/** `20261116T160000Z`. */
function formatUtc(instant: Date): string {
  const time = instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError('Invalid date in a calendar event');
  const iso = instant.toISOString();
  if (iso.length !== 24) throw new RangeError(`Date out of the iCalendar range: ${iso}`);
  return `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
}

/**
 * A content line folded into physical lines of at most 75 octets: a break before any character
 * that would cross the limit, each continuation starting with one space (which counts).
 */
function fold(line: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (octets + size > MAX_LINE_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join(CRLF);
}

function sequenceOf(event: CalendarEvent): number {
  const sequence = event.sequence ?? 0;
  if (!Number.isInteger(sequence) || sequence < 0) {
    throw new RangeError(`SEQUENCE must be a whole number ≥ 0: ${sequence}`);
  }
  return sequence;
}

/** The content lines of one VEVENT, unfolded. */
function eventLines(event: CalendarEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    `DTSTART:${formatUtc(event.start)}`,
    `DTEND:${formatUtc(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `STATUS:${event.status}`,
    `SEQUENCE:${sequenceOf(event)}`,
  ];
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.url) lines.push(`URL:${cleanUri(event.url)}`);
  lines.push('END:VEVENT');
  return lines;
}

/** An RFC 5545 calendar (METHOD:PUBLISH) of the events, named `options.name`, CRLF-terminated. */
export function toICalendar(events: CalendarEvent[], options: { name: string }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Attune//Attune//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
    ...events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return lines.map(fold).join(CRLF) + CRLF;
}
