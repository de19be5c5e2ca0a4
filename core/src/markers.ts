/**
 * Markers: signals, computed from the data, that the alliance may be strained (PRODUCT.md).
 * Pure functions; linear in the number of check-ins, messages and appointments.
 * A marker is offered to the client as a question and to the therapist as information, so
 * every marker carries an explanation a person can read, in the viewer's words.
 */

export type Severity = 'info' | 'warn' | 'alert';
export type MarkerKind = 'drop' | 'tension' | 'unnoticed' | 'overdue-reply' | 'gap';

export type Marker = {
  kind: MarkerKind;
  /** Milliseconds since the epoch. */
  at: number;
  severity: Severity;
  appointmentId?: string;
  messageId?: string;
  explanation: string;
};

export type MarkerCheckin = {
  appointmentId: string;
  /** The appointment's start, ms since the epoch. */
  startsAt: number;
  /** When the check-in was made, ms since the epoch. */
  createdAt: number;
  respondent: 'client' | 'therapist';
  score: number;
  tension: number;
  resolved: number | null;
};

export type MarkerMessage = {
  id: string;
  senderRole: 'client' | 'therapist';
  sentAt: number;
  replyDueAt: number | null;
  acknowledgedAt: number | null;
  repliedAt: number | null;
};

export type MarkerAppointment = {
  id: string;
  startsAt: number;
  status: 'scheduled' | 'held' | 'cancelled' | 'missed';
};

export type Viewer = { role: 'client' | 'therapist'; clientName: string };

export type MarkerInput = {
  asOf: number;
  sensitivity: 'standard' | 'sensitive';
  viewer: Viewer;
  checkins: readonly MarkerCheckin[];
  messages?: readonly MarkerMessage[];
  appointments?: readonly MarkerAppointment[];
  /** The agreement's session frequency in days, when it sets one. */
  sessionFrequencyDays?: number | null;
};

const DAY = 86_400_000;
/** Fewest earlier scores needed for a baseline, and the most it uses. */
export const DROP_MIN_HISTORY = 3;
export const DROP_WINDOW = 5;
export const DROP_MIN_SPREAD = 2;

/** k in `baseline − k × spread`: 2 by default, 1 for a relationship that chose "sensitive". */
export function dropK(sensitivity: 'standard' | 'sensitive'): number {
  return sensitivity === 'sensitive' ? 1 : 2;
}

/** Mean and spread (sample SD, at least 2) of `values[from..to)`. */
export function baselineOf(
  values: ArrayLike<number>,
  from: number,
  to: number,
): { mean: number; spread: number } {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = from; i < to; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  return { mean, spread: Math.max(sd, DROP_MIN_SPREAD) };
}

function byStart(a: { startsAt: number }, b: { startsAt: number }): number {
  return a.startsAt - b.startsAt;
}

/** Sorts only when needed: the database already orders by start, which keeps this linear. */
function ordered<T extends { startsAt: number }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if ((items[i] as T).startsAt < (items[i - 1] as T).startsAt) return [...items].sort(byStart);
  }
  return items;
}

/** Drop, tension and unnoticed markers from check-ins (known at asOf). */
export function checkinMarkers(input: MarkerInput, out: Marker[] = []): Marker[] {
  const { asOf, viewer } = input;
  const k = dropK(input.sensitivity);
  const checkins = ordered(input.checkins);
  const scores: number[] = [];
  const therapistTension = new Map<string, number>();
  for (const c of checkins) {
    if (c.respondent === 'therapist' && c.startsAt <= asOf && c.createdAt <= asOf) {
      therapistTension.set(c.appointmentId, c.tension);
    }
  }
  for (const c of checkins) {
    if (c.respondent !== 'client' || c.startsAt > asOf || c.createdAt > asOf) continue;
    const n = scores.length;
    if (n >= DROP_MIN_HISTORY) {
      const from = Math.max(0, n - DROP_WINDOW);
      const { mean, spread } = baselineOf(scores, from, n);
      if (c.score <= mean - k * spread) {
        out.push({
          kind: 'drop',
          at: c.startsAt,
          severity: c.tension >= 3 ? 'alert' : 'warn',
          appointmentId: c.appointmentId,
          explanation:
            viewer.role === 'client'
              ? `Your check-in score (${c.score}) was lower than usual for you (usually about ${Math.round(mean)}). Was something off?`
              : `${viewer.clientName}'s check-in score: ${c.score}, usually about ${Math.round(mean)}.`,
        });
      }
    }
    scores.push(c.score);
    if (c.tension >= 2 && (c.resolved === null || c.resolved < c.tension)) {
      const resolved = c.resolved ?? 0;
      out.push({
        kind: 'tension',
        at: c.startsAt,
        severity: c.tension >= 3 && resolved <= 1 ? 'alert' : 'warn',
        appointmentId: c.appointmentId,
        explanation:
          viewer.role === 'client'
            ? `You noted ${TENSION_WORDS[c.tension]} tension in this session, ${EASED_WORDS[resolved]} by the end. Would you like to write about it?`
            : `${viewer.clientName} noted ${TENSION_WORDS[c.tension]} tension, ${EASED_WORDS[resolved]} by the end.`,
      });
    }
    if (c.tension >= 2 && therapistTension.get(c.appointmentId) === 0) {
      out.push({
        kind: 'unnoticed',
        at: c.startsAt,
        severity: 'warn',
        appointmentId: c.appointmentId,
        explanation:
          viewer.role === 'client'
            ? `You noted ${TENSION_WORDS[c.tension]} tension in this session; your therapist's check-in noted none. It may not have been seen.`
            : `${viewer.clientName} noted ${TENSION_WORDS[c.tension]} tension in this session; your check-in noted none.`,
      });
    }
  }
  return out;
}

const TENSION_WORDS = ['no', 'a little', 'some', 'quite a bit of', 'a lot of'];
const EASED_WORDS = ['not eased', 'eased a little', 'partly eased', 'mostly eased', 'fully eased'];

/** Client messages that got neither an acknowledgment nor a reply by their reply-due time. */
export function overdueReplyMarkers(input: MarkerInput, out: Marker[] = []): Marker[] {
  const { asOf, viewer } = input;
  for (const m of input.messages ?? []) {
    if (
      m.senderRole !== 'client' ||
      m.replyDueAt === null ||
      m.sentAt > asOf ||
      m.replyDueAt > asOf
    )
      continue;
    const answered = (t: number | null) => t !== null && t <= m.replyDueAt! && t <= asOf;
    if (answered(m.acknowledgedAt) || answered(m.repliedAt)) continue;
    out.push({
      kind: 'overdue-reply',
      at: m.replyDueAt,
      severity: 'warn',
      messageId: m.id,
      explanation:
        viewer.role === 'client'
          ? 'Your message has not been answered or acknowledged in the time your agreement promises.'
          : `${viewer.clientName}'s message is past the reply time in your agreement, with no acknowledgment or reply.`,
    });
  }
  return out;
}

/** Gaps longer than twice the agreed session frequency, between appointments or until asOf. */
export function gapMarkers(input: MarkerInput, out: Marker[] = []): Marker[] {
  const f = input.sessionFrequencyDays;
  if (!f || f <= 0) return out;
  const limit = 2 * f * DAY;
  const { asOf, viewer } = input;
  let last: MarkerAppointment | undefined;
  const push = (from: MarkerAppointment) =>
    out.push({
      kind: 'gap',
      at: from.startsAt + limit,
      severity: 'info',
      appointmentId: from.id,
      explanation: `More than ${2 * f} days without a session; ${viewer.role === 'client' ? 'your' : 'the'} agreement says about every ${f} days.`,
    });
  for (const a of ordered(input.appointments ?? [])) {
    if (a.startsAt > asOf) break;
    if (a.status !== 'held' && a.status !== 'scheduled') continue;
    if (last && a.startsAt - last.startsAt > limit) push(last);
    last = a;
  }
  if (last && asOf - last.startsAt > limit) push(last);
  return out;
}

/** All markers of a relationship as of `asOf`, ordered by `at`. */
export function computeMarkers(input: MarkerInput): Marker[] {
  const out: Marker[] = [];
  checkinMarkers(input, out);
  overdueReplyMarkers(input, out);
  gapMarkers(input, out);
  return out.sort((a, b) => a.at - b.at);
}
