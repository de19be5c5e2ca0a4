import { type InfiniteData, type QueryClient, useInfiniteQuery } from '@tanstack/react-query';
import { timeOfDay } from '../words';
import { request } from './client';

/** Messages in a connected relationship (API.md: Agreement and messages). */

export type MessageKind = 'message' | 'call-request';

export type Message = {
  id: string;
  relationshipId: string;
  senderRole: 'client' | 'therapist';
  kind: MessageKind;
  body: string;
  urgent: boolean;
  letterId: string | null;
  sentAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
  acknowledgementNote: string | null;
  replyBy: string | null;
  replyDueAt: string | null;
  repliedAt: string | null;
  calledBackAt: string | null;
  callOutcome: string | null;
};

export type MessagePage = { items: Message[]; nextCursor: string | null };

export type SendInput = {
  body: string;
  urgent?: boolean;
  kind?: MessageKind;
  letterId?: string;
};

/** The client's message the caseload speaks of (an urgent one first, else the oldest waiting). */
export type WaitingMessage = {
  id: string;
  sentAt: string;
  urgent: boolean;
  kind: MessageKind;
};

/** A message body's limit on the server (server/src/routes/messages/schema.ts). */
export const BODY_MAX = 100_000;
export const NOTE_MAX = 2_000;
const PAGE_SIZE = 50;

const enc = encodeURIComponent;

/** The thread's key; live.ts invalidates exactly this one when something changes. */
export const messageKeys = {
  thread: (relationshipId: string) => ['messages', relationshipId] as const,
};

export function fetchMessages(relationshipId: string, cursor: string | null): Promise<MessagePage> {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  return request<MessagePage>(
    'GET',
    `/api/relationships/${enc(relationshipId)}/messages?${params.toString()}`,
  );
}

/**
 * The thread: the first page is the latest messages; each further page goes back in time. A
 * refetch (after a live event) fetches the latest page afresh and the older ones from there.
 */
export function useMessages(relationshipId: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: messageKeys.thread(relationshipId),
    queryFn: ({ pageParam }) => fetchMessages(relationshipId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

/** Every loaded message, oldest first. */
export function inOrder(data: InfiniteData<MessagePage> | undefined): Message[] {
  if (!data) return [];
  return [...data.pages].reverse().flatMap((page) => page.items);
}

/** After a change, the thread and everything that speaks of waiting messages is fetched again. */
export function refreshMessages(queryClient: QueryClient, relationshipId: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: messageKeys.thread(relationshipId) }),
    queryClient.invalidateQueries({ queryKey: ['caseload'] }),
    queryClient.invalidateQueries({ queryKey: ['relationship-page', relationshipId] }),
  ]).then(() => undefined);
}

export async function sendMessage(relationshipId: string, input: SendInput): Promise<Message> {
  const { message } = await request<{ message: Message }>(
    'POST',
    `/api/relationships/${enc(relationshipId)}/messages`,
    input,
  );
  return message;
}

export async function markRead(id: string): Promise<Message> {
  const { message } = await request<{ message: Message }>(
    'POST',
    `/api/messages/${enc(id)}/read`,
    {},
  );
  return message;
}

export async function acknowledgeMessage(
  id: string,
  input: { replyBy?: string; note?: string | null },
): Promise<Message> {
  const { message } = await request<{ message: Message }>(
    'POST',
    `/api/messages/${enc(id)}/acknowledge`,
    input,
  );
  return message;
}

export async function logCallBack(
  id: string,
  input: { at: string; outcome: string },
): Promise<Message> {
  const { message } = await request<{ message: Message }>(
    'POST',
    `/api/messages/${enc(id)}/call-back`,
    input,
  );
  return message;
}

/** Whether a message asks the therapist to call: an urgent message or a request to call. */
export function asksForCall(message: Pick<Message, 'urgent' | 'kind'>): boolean {
  return message.urgent || message.kind === 'call-request';
}

/**
 * Still waiting for the therapist's call: a request to call until a call is logged; an urgent
 * message until a call is logged or it is answered in writing.
 */
export function awaitsCall(message: Message): boolean {
  if (message.senderRole !== 'client' || message.calledBackAt) return false;
  if (message.kind === 'call-request') return true;
  return message.urgent && !message.repliedAt;
}

// --- In words -----------------------------------------------------------------------------------
// How a message's time and state read on screen, shared by the thread and Today.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Calendar days from now to `iso`: 0 today, 1 tomorrow, -1 yesterday. */
function daysFromToday(iso: string, now = new Date()): number {
  return Math.round((startOfDay(new Date(iso)) - startOfDay(now)) / DAY);
}

/** "today", "yesterday", "tomorrow", "Tue" / "Tuesday" within a week, else "Mon 16 Nov". */
export function dayName(iso: string, style: 'short' | 'long' = 'short'): string {
  const days = daysFromToday(iso);
  if (days === 0) return 'today';
  if (days === -1) return 'yesterday';
  if (days === 1) return 'tomorrow';
  const date = new Date(iso);
  if (Math.abs(days) < 7) return date.toLocaleDateString(undefined, { weekday: style });
  return date.toLocaleDateString(undefined, {
    weekday: style,
    day: 'numeric',
    month: style,
    ...(date.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** "Tue 09:10", "today 14:02". */
export function dayAndTime(iso: string, style: 'short' | 'long' = 'short'): string {
  return `${dayName(iso, style)} ${timeOfDay(iso)}`;
}

/** "on Tuesday", "today", "yesterday": after a verb. */
export function onDayName(iso: string): string {
  const day = dayName(iso, 'long');
  return ['today', 'yesterday', 'tomorrow'].includes(day) ? day : `on ${day}`;
}

/** How long ago, roughly: "less than an hour ago", "3 hours ago", "2 days ago". */
export function ago(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - new Date(iso).getTime());
  if (ms < HOUR) return 'less than an hour ago';
  if (ms < DAY) {
    const hours = Math.floor(ms / HOUR);
    return `${hours} ${hours === 1 ? 'hour' : 'hours'} ago`;
  }
  const days = Math.floor(ms / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'} ago`;
}

/** The reply time the agreement gave a message, in whole hours (null without an agreement). */
export function replyHours(message: Message): number | null {
  if (!message.replyDueAt) return null;
  return Math.round((Date.parse(message.replyDueAt) - Date.parse(message.sentAt)) / HOUR);
}

/** Still waiting on the other member: not answered in writing, and no call logged. */
export function isWaiting(message: Message): boolean {
  return !message.repliedAt && !message.calledBackAt;
}
