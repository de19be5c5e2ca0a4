import { localTimeInWords } from '../scheduling/words.ts';
import type { NoticeKind } from './notifier.ts';

/**
 * What Attune's emails say. They never hold what anyone wrote, nor anything clinical: only that
 * there is something to read, from whom (the name the person already knows them by), a link to
 * it, and how to choose which emails come. Words follow UX.md: plain, warm, no pressure.
 */

export type EmailContext = {
  kind: NoticeKind;
  recipientName: string;
  recipientRole: 'client' | 'therapist';
  /** The other member of the relationship, as the recipient knows them. */
  otherName: string;
  relationshipId: string;
  publicUrl: string;
  /** For reply-due: when the reply is due. */
  dueAt?: Date | null;
  /**
   * For appointment-reminder: when the appointment starts; for time-off: when the first
   * appointment after the time off starts (null: none is scheduled yet).
   */
  appointmentAt?: Date | null;
  /** The recipient's zone (IANA), in which times are written; UTC when not given. */
  timezone?: string;
};

export type ComposedEmail = { subject: string; text: string };

type Tab = 'messages' | 'agreement' | 'schedule';

/** A name fit for a subject line: no line breaks or control characters, not too long. */
export function safeName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
  const flat = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ');
  const trimmed = flat.trim();
  return trimmed.length > 60 ? `${trimmed.slice(0, 59)}…` : trimmed || 'someone';
}

const dueFormat = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

const zoneOf = (c: EmailContext) => c.timezone ?? 'UTC';

function what(c: EmailContext, other: string): { subject: string; line: string; tab: Tab } | null {
  const therapist = c.recipientRole === 'therapist';
  switch (c.kind) {
    case 'message':
      return {
        subject: `New message from ${other} on Attune`,
        line: `You have a new message from ${other} on Attune.`,
        tab: 'messages',
      };
    case 'urgent-message':
      return therapist
        ? {
            subject: `${other} sent a message marked urgent on Attune`,
            line: `${other} sent you a message on Attune and marked it urgent.`,
            tab: 'messages',
          }
        : {
            subject: `New message from ${other} on Attune`,
            line: `${other} sent you a message on Attune and asked you to read it soon.`,
            tab: 'messages',
          };
    case 'call-request':
      return {
        subject: `${other} asked you to call`,
        line: `${other} asked you, through Attune, to call them.`,
        tab: 'messages',
      };
    case 'message-acknowledged':
      return {
        subject: `${other} read your message on Attune`,
        line: `${other} has read and acknowledged your message on Attune.`,
        tab: 'messages',
      };
    case 'call-logged':
      return {
        subject: `${other} noted a call on Attune`,
        line: `${other} noted a call back on Attune.`,
        tab: 'messages',
      };
    case 'agreement-changed':
      return {
        subject: `Your agreement with ${other} has a new version`,
        line: `${other} saved a new version of your agreement on Attune. You can see what changed, and acknowledge it when you have read it.`,
        tab: 'agreement',
      };
    case 'agreement-acknowledged':
      return {
        subject: `${other} acknowledged your agreement`,
        line: `${other} has read and acknowledged the latest version of your agreement on Attune.`,
        tab: 'agreement',
      };
    case 'reply-due': {
      const due = c.dueAt
        ? ` The agreement puts the reply time at ${dueFormat.format(c.dueAt)} UTC.`
        : '';
      return {
        subject: `A reply to ${other} is coming due`,
        line: `A message from ${other} on Attune is waiting for your reply.${due}`,
        tab: 'messages',
      };
    }
    case 'unread-message':
      return {
        subject: `A message from ${other} is waiting on Attune`,
        line: `There is a message from ${other} waiting for you on Attune, whenever you are ready to read it.`,
        tab: 'messages',
      };
    case 'agreement-unacknowledged':
      return {
        subject: `A new version of your agreement with ${other} is waiting`,
        line: `There is a new version of your agreement with ${other} on Attune that you have not acknowledged yet.`,
        tab: 'agreement',
      };
    case 'appointment-changed':
      return {
        subject: `Your schedule with ${other} changed`,
        line: `Something changed in your schedule with ${other} on Attune.`,
        tab: 'schedule',
      };
    case 'appointment-cancelled':
      return {
        subject: `An appointment with ${other} was cancelled`,
        line: `An appointment with ${other} was cancelled. You can see your schedule on Attune.`,
        tab: 'schedule',
      };
    case 'time-off': {
      const next = c.appointmentAt
        ? ` Your next appointment is on ${localTimeInWords(c.appointmentAt, zoneOf(c))}.`
        : ' There is no appointment scheduled after it yet; your schedule on Attune will show when you meet again.';
      return {
        subject: `${other} will be away`,
        line: `${other} will be away for a while, and some of your appointments were cancelled.${next}`,
        tab: 'schedule',
      };
    }
    case 'appointment-request':
      return {
        subject: `${other} asked for an extra appointment`,
        line: `${other} asked for an extra appointment on Attune.`,
        tab: 'schedule',
      };
    case 'request-answered':
      return {
        subject: `${other} answered your request for an appointment`,
        line: `${other} answered your request for an extra appointment on Attune.`,
        tab: 'schedule',
      };
    case 'appointment-reminder': {
      const when = c.appointmentAt ? ` on ${localTimeInWords(c.appointmentAt, zoneOf(c))}` : '';
      return {
        subject: `Your appointment with ${other} is coming up`,
        line: `A reminder: you have an appointment with ${other} coming up${when}.`,
        tab: 'schedule',
      };
    }
    case 'couples-invite':
      return {
        subject: `${other} suggested couples appointments`,
        line: `${other} suggested couples appointments on Attune. Nothing changes until you say yes.`,
        tab: 'schedule',
      };
    case 'message-read':
    case 'notifications-seen':
      return null;
  }
}

/** The email for a notice, or null for kinds that are never emailed. */
export function composeEmail(c: EmailContext): ComposedEmail | null {
  const other = safeName(c.otherName);
  const about = what(c, other);
  if (!about) return null;
  const link = `${c.publicUrl}/relationships/${encodeURIComponent(c.relationshipId)}?tab=${about.tab}`;
  const text = [
    `Hello ${safeName(c.recipientName)},`,
    '',
    about.line,
    '',
    `Open it on Attune: ${link}`,
    '',
    '--',
    'For your privacy, emails from Attune never include what was written. Sign in to read it.',
    `To choose which emails you get, go to ${c.publicUrl}/settings/notifications`,
    '',
  ].join('\n');
  return { subject: about.subject, text };
}
