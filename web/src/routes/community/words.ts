import type { ApiError } from '../../api/client';
import type { QuestionStatus, ReportReason } from '../../api/community';

/** The community's words, in one place. */

/** "starting-therapy" → "starting therapy". */
export function tagWords(tag: string): string {
  return tag.replace(/-/g, ' ');
}

export const REPORT_REASONS: { value: ReportReason; title: string; detail: string }[] = [
  {
    value: 'at-risk',
    title: "I'm worried about them",
    detail:
      'They get a private, caring message with places to find support, right away. It never says who sent it, and a moderator reads what they wrote.',
  },
  {
    value: 'harassment',
    title: "It's unkind or harassing",
    detail: 'Hurtful, pressuring, or aimed at someone.',
  },
  { value: 'spam', title: "It's spam", detail: 'Selling, advertising or nonsense.' },
  {
    value: 'other',
    title: 'Something else',
    detail: 'For example a real name, a therapist named, or medical advice.',
  },
];

export const REASON_WORDS: Record<ReportReason, string> = {
  'at-risk': 'Worried about them',
  harassment: 'Unkind or harassing',
  spam: 'Spam',
  other: 'Something else',
};

/** How a question stands, for the person looking at it. */
export function statusWords(status: QuestionStatus, mine: boolean): string | null {
  switch (status) {
    case 'held':
      return mine
        ? 'Waiting for a moderator to read it before it appears on the board'
        : 'Waiting for a moderator';
    case 'removed':
      return 'Taken down by a moderator';
    case 'open':
      return 'Waiting for an answer';
    case 'answered':
      return 'Answered';
    default:
      return null;
  }
}

/** A short date: "Mon 16 Nov" (with the year when it is not this year). */
export function postDate(iso: string): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleDateString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** The first words of a text, for a heading when a question has no title. */
export function excerpt(text: string, length = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

/** Our words for the refusals a post can meet; null keeps the server's own. */
export function describePostError(error: ApiError): string | null {
  switch (error.code) {
    case 'profile_required':
      return 'Please set up your community profile first.';
    case 'suspended':
      return "A moderator has paused your posting for now, so this can't be posted. Your words are kept on this device.";
    case 'ask_box_closed':
      return 'Their ask box is closed right now. Your words are kept on this device.';
    case 'anonymous_not_allowed':
      return "This person doesn't take anonymous asks. You can ask with your name, or not at all.";
    case 'not_recipient':
      return 'Only the person this was asked of can answer it.';
    case 'too_many_requests': {
      const minutes = error.retryAfterSeconds ? Math.ceil(error.retryAfterSeconds / 60) : null;
      return `That's a lot of posts in a short time, so Attune is pausing for a moment. Your words are kept on this device${minutes ? `; please try again in about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}` : ''}.`;
    }
    case 'not_found':
      return "We couldn't find this any more. It may have been taken down. Your words are kept on this device.";
    default:
      return null;
  }
}

export const PRIVACY_NOTE =
  "Nothing here is linked to your Attune account for anyone to see: people in the community never see your name, email or therapy records, and nothing in your records shows your pseudonym. Your therapist can't find you here. Please don't use your real name or anything that could identify you.";
