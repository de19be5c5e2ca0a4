import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';

/**
 * The person's own notices (in the app) and which notifications they want. A notice carries ids
 * and a kind only, never anyone's words; the screens say what it is about.
 */

export type NoticeKind =
  | 'message'
  | 'message-read'
  | 'message-acknowledged'
  | 'urgent-message'
  | 'call-request'
  | 'call-logged'
  | 'agreement-changed'
  | 'agreement-acknowledged'
  | 'reply-due'
  | 'unread-message'
  | 'agreement-unacknowledged'
  | 'appointment-changed'
  | 'appointment-cancelled'
  | 'time-off'
  | 'appointment-request'
  | 'request-answered'
  | 'appointment-reminder'
  | 'couples-invite';

export type Notice = {
  id: string;
  relationshipId: string | null;
  kind: NoticeKind | (string & {});
  subjectId: string | null;
  createdAt: string;
  seenAt: string | null;
};

export type NoticeList = { items: Notice[]; unseen: number };

/** The kinds that are about messages: seen once the person has the thread open. */
export const MESSAGE_NOTICE_KINDS: readonly string[] = [
  'message',
  'urgent-message',
  'call-request',
  'message-read',
  'message-acknowledged',
  'call-logged',
  'reply-due',
  'unread-message',
];

export const CATEGORIES = [
  'message',
  'urgent',
  'acknowledged',
  'agreement',
  'reminders',
  'schedule',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type NotificationSettings = {
  email: Record<Category, boolean>;
  inApp: Record<Category, boolean>;
  unreadReminderHours: number;
  replyDueReminderHours: number;
};

/** The limits the server holds the reminder hours to (server/src/notifications/settings.ts). */
export const UNREAD_HOURS = { min: 1, max: 336 } as const;
export const REPLY_DUE_HOURS = { min: 1, max: 72 } as const;

export const notificationKeys = {
  list: ['notifications'] as const,
  settings: ['notification-settings'] as const,
};

export function useNotifications(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.list,
    queryFn: () => request<NoticeList>('GET', '/api/notifications'),
    enabled,
  });
}

/** Marks the given notices seen; the badge on every open page of the person follows. */
export async function markSeen(queryClient: QueryClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await request<void>('POST', '/api/notifications/seen', { ids });
  await queryClient.invalidateQueries({ queryKey: notificationKeys.list });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: notificationKeys.settings,
    queryFn: async () =>
      (await request<{ settings: NotificationSettings }>('GET', '/api/me/notification-settings'))
        .settings,
  });
}

export async function saveNotificationSettings(
  settings: NotificationSettings,
): Promise<NotificationSettings> {
  const saved = await request<{ settings: NotificationSettings }>(
    'PUT',
    '/api/me/notification-settings',
    { settings },
  );
  return saved.settings;
}
