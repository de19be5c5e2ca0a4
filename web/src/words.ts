import type { AppointmentKind, AppointmentStatus, MarkerKind } from './api/relationships';

/** The words Attune uses for dates, kinds of session and answers, in one place. */

const DAY = 86_400_000;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Whole calendar days from `iso` to now (0 today, 1 yesterday, negative in the future). */
export function daysAgo(iso: string, now = new Date()): number {
  return Math.round((startOfDay(now) - startOfDay(new Date(iso))) / DAY);
}

function sameYear(date: Date, now = new Date()): boolean {
  return date.getFullYear() === now.getFullYear();
}

/** "Monday 16 November" (with the year when it is not this year). */
export function longDate(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(sameYear(date) ? {} : { year: 'numeric' }),
  });
}

/** "Mon 16 Nov" (with the year when it is not this year). */
export function shortDate(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear(date) ? {} : { year: 'numeric' }),
  });
}

export function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
}

/** How a past session is named in a sentence: "today", "Monday", "3 November". */
export function sessionDay(iso: string): string {
  const days = daysAgo(iso);
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  const date = new Date(iso);
  if (days > 1 && days < 7) return date.toLocaleDateString(undefined, { weekday: 'long' });
  return date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'long',
    ...(sameYear(date) ? {} : { year: 'numeric' }),
  });
}

/** "How did Monday feel?", "How did today's session feel?" */
export function howDidItFeel(iso: string): string {
  const day = sessionDay(iso);
  if (day === 'today') return "How did today's session feel?";
  if (day === 'yesterday') return "How did yesterday's session feel?";
  if (daysAgo(iso) < 7) return `How did ${day} feel?`;
  return `How did your session on ${day} feel?`;
}

export const KIND_WORDS: Record<AppointmentKind, string> = {
  individual: 'Individual session',
  couples: 'Couples session',
  phone: 'Phone session',
  extra: 'Extra session',
};

export const STATUS_WORDS: Record<AppointmentStatus, string> = {
  scheduled: 'Planned',
  held: 'Held',
  cancelled: 'Cancelled',
  missed: 'Missed',
};

export const TENSION_WORDS = ['None', 'A little', 'Some', 'Quite a bit', 'A lot'] as const;
export const EASED_WORDS = ['Not at all', 'A little', 'Partly', 'Mostly', 'Completely'] as const;

export function tensionInWords(tension: number, resolved: number | null): string {
  const words = TENSION_WORDS[tension] ?? String(tension);
  if (tension === 0) return words;
  const eased = resolved === null ? null : EASED_WORDS[resolved];
  return eased ? `${words}; eased: ${eased.toLowerCase()}` : words;
}

/** A marker in a few words, for the chart and the table. */
export function markerLabel(kind: MarkerKind, viewer: 'client' | 'therapist'): string {
  switch (kind) {
    case 'drop':
      return 'Lower than usual';
    case 'tension':
      return 'Tension';
    case 'unnoticed':
      return viewer === 'client' ? 'Tension not seen' : "Tension you didn't note";
    case 'overdue-reply':
      return 'Reply overdue';
    case 'gap':
      return 'Long gap';
  }
}

export function minutes(n: number): string {
  return `${n} min`;
}

/** "today", "yesterday", "on Monday", "on 3 November": after "your session". */
export function onDay(iso: string): string {
  const day = sessionDay(iso);
  return day === 'today' || day === 'yesterday' ? day : `on ${day}`;
}
