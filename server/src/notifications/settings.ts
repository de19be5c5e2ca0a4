import { isTimeZone } from '@attune/core/schedule';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { notificationSettings } from '../db/schema.ts';
import type { NoticeKind } from './notifier.ts';

/**
 * Which notifications a person wants, by channel (email, in the app) and by category, and when
 * reminders come. A person without a stored row has the defaults; a stored row is read over the
 * defaults, so a category added later starts at its default for everyone.
 */

export const CATEGORIES = [
  'message',
  'urgent',
  'acknowledged',
  'agreement',
  'reminders',
  'schedule',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The category of each kind of notice; null: never emailed (a live update only). */
export const categoryOf: Record<NoticeKind, Category | null> = {
  message: 'message',
  'urgent-message': 'urgent',
  'call-request': 'urgent',
  'message-read': null,
  'message-acknowledged': 'acknowledged',
  'call-logged': 'acknowledged',
  'agreement-changed': 'agreement',
  'agreement-acknowledged': 'agreement',
  'reply-due': 'reminders',
  'unread-message': 'reminders',
  'agreement-unacknowledged': 'reminders',
  'appointment-changed': 'schedule',
  'appointment-cancelled': 'schedule',
  'time-off': 'schedule',
  'appointment-request': 'schedule',
  'request-answered': 'schedule',
  'appointment-reminder': 'reminders',
  'couples-invite': 'schedule',
  'notifications-seen': null,
};

const Channel = z.strictObject({
  message: z.boolean(),
  urgent: z.boolean(),
  acknowledged: z.boolean(),
  agreement: z.boolean(),
  reminders: z.boolean(),
  /** Not in the first version of the shape, so optional on input; always present on output. */
  schedule: z.boolean().optional(),
});

export const DEFAULT_APPOINTMENT_REMINDER_HOURS = 24;
export const MAX_APPOINTMENT_REMINDER_HOURS = 168;
export const DEFAULT_TIMEZONE = 'UTC';

export const NotificationSettings = z
  .strictObject({
    email: Channel,
    inApp: Channel,
    unreadReminderHours: z
      .number()
      .int('Please use whole hours.')
      .min(1, 'At least 1 hour.')
      .max(336, 'At most 336 hours (two weeks).'),
    replyDueReminderHours: z
      .number()
      .int('Please use whole hours.')
      .min(1, 'At least 1 hour.')
      .max(72, 'At most 72 hours.'),
    /** Added with scheduling, so optional on input; always present on output. 0: no reminder. */
    appointmentReminderHours: z
      .number()
      .int('Please use whole hours.')
      .min(0, 'At least 0 hours (0 turns the reminder off).')
      .max(MAX_APPOINTMENT_REMINDER_HOURS, 'At most 168 hours (one week).')
      .optional(),
    /** The zone times in emails are written in (IANA); optional on input, always on output. */
    timezone: z
      .string()
      .max(100, 'Please choose a time zone, like Europe/London.')
      .refine(isTimeZone, 'We do not know this time zone. Please use a name like Europe/London.')
      .optional(),
  })
  .meta({ id: 'NotificationSettings' });

export type Settings = {
  email: Record<Category, boolean>;
  inApp: Record<Category, boolean>;
  unreadReminderHours: number;
  replyDueReminderHours: number;
  appointmentReminderHours: number;
  timezone: string;
};

export const DEFAULT_UNREAD_REMINDER_HOURS = 24;
export const DEFAULT_REPLY_DUE_REMINDER_HOURS = 4;

/** Everything on: messages, urgent contact and reminders are what Attune is for. */
export function defaultSettings(): Settings {
  const all = () =>
    Object.fromEntries(CATEGORIES.map((c) => [c, true])) as Record<Category, boolean>;
  return {
    email: all(),
    inApp: all(),
    unreadReminderHours: DEFAULT_UNREAD_REMINDER_HOURS,
    replyDueReminderHours: DEFAULT_REPLY_DUE_REMINDER_HOURS,
    appointmentReminderHours: DEFAULT_APPOINTMENT_REMINDER_HOURS,
    timezone: DEFAULT_TIMEZONE,
  };
}

/** Stored settings over the defaults; anything stored that is not understood is ignored. */
export function withDefaults(stored: unknown): Settings {
  const settings = defaultSettings();
  if (!stored || typeof stored !== 'object') return settings;
  const s = stored as Record<string, unknown>;
  for (const channel of ['email', 'inApp'] as const) {
    const given = s[channel];
    if (!given || typeof given !== 'object') continue;
    for (const category of CATEGORIES) {
      const value = (given as Record<string, unknown>)[category];
      if (typeof value === 'boolean') settings[channel][category] = value;
    }
  }
  for (const key of ['unreadReminderHours', 'replyDueReminderHours'] as const) {
    const value = s[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) settings[key] = value;
  }
  const reminder = s.appointmentReminderHours;
  if (
    typeof reminder === 'number' &&
    Number.isInteger(reminder) &&
    reminder >= 0 &&
    reminder <= MAX_APPOINTMENT_REMINDER_HOURS
  ) {
    settings.appointmentReminderHours = reminder;
  }
  // A zone the runtime no longer knows falls back to the default rather than breaking emails.
  if (typeof s.timezone === 'string' && isTimeZone(s.timezone)) settings.timezone = s.timezone;
  return settings;
}

export async function loadSettings(db: Db, userId: string): Promise<Settings> {
  const [row] = await db
    .select({ settings: notificationSettings.settings })
    .from(notificationSettings)
    .where(eq(notificationSettings.userId, userId))
    .limit(1);
  return withDefaults(row?.settings);
}

/** Stores validated settings (a field or category left out keeps what was stored, or its default). */
export async function saveSettings(
  db: Db,
  userId: string,
  given: z.infer<typeof NotificationSettings>,
): Promise<Settings> {
  const current = await loadSettings(db, userId);
  const settings = withDefaults({
    ...current,
    ...given,
    email: { ...current.email, ...given.email },
    inApp: { ...current.inApp, ...given.inApp },
  });
  await db
    .insert(notificationSettings)
    .values({ userId, settings, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: notificationSettings.userId,
      set: { settings, updatedAt: sql`now()` },
    });
  return settings;
}

/** Whether a notice of this kind should be emailed under these settings. */
export function wantsEmail(settings: Settings, kind: NoticeKind): boolean {
  const category = categoryOf[kind];
  return category !== null && settings.email[category];
}

/** The kinds a person has turned off in the app (their list and badge leave them out). */
export function hiddenInApp(settings: Settings): NoticeKind[] {
  return (Object.keys(categoryOf) as NoticeKind[]).filter((kind) => {
    const category = categoryOf[kind];
    return category !== null && !settings.inApp[category];
  });
}
