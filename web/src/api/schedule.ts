import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { request } from './client';
import { type LiveEvent, useLiveEvent } from './live';
import type { Appointment } from './relationships';

/**
 * Scheduling (docs/api/scheduling.md): regular times (slots), time off, gaps, requests for an
 * extra appointment, open times, couples appointments, the calendar feed and the therapist's
 * week. Every query key starts with `schedule`, so one invalidation refreshes them all.
 */

// --- Shapes ---------------------------------------------------------------------------------------

/** 1 Monday … 7 Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type Slot = {
  id: string;
  relationshipId: string;
  weekday: Weekday;
  /** Local time in `timezone`, "HH:MM". */
  time: string;
  /** IANA zone, e.g. "Europe/London". */
  timezone: string;
  everyWeeks: 1 | 2;
  durationMinutes: number;
  kind: 'individual' | 'phone';
  /** "YYYY-MM-DD". */
  startsOn: string;
  /** "YYYY-MM-DD"; null: no end. */
  endsOn: string | null;
  createdAt: string;
};

export type SlotInput = {
  weekday: Weekday;
  time: string;
  timezone: string;
  everyWeeks: 1 | 2;
  durationMinutes: number;
  startsOn: string;
  endsOn?: string | null;
  kind?: Slot['kind'];
};

export type TimeOff = {
  id: string;
  from: string;
  /** Exclusive. */
  to: string;
  note: string | null;
  createdAt: string;
};

export type TimeOffInput = { from: string; to: string; note?: string | null };

export type RequestOption = { startsAt: string; durationMinutes: number };

export type RequestStatus = 'open' | 'accepted' | 'declined' | 'withdrawn';

export type AppointmentRequest = {
  id: string;
  relationshipId: string;
  options: RequestOption[];
  note: string | null;
  openTimeId: string | null;
  status: RequestStatus;
  responseNote: string | null;
  appointmentId: string | null;
  createdAt: string;
  decidedAt: string | null;
};

export type RequestInput = {
  /** 1–5 future times; may be left out with `openTimeId`. */
  options?: RequestOption[];
  note?: string | null;
  openTimeId?: string;
};

export type AcceptInput = { startsAt: string; durationMinutes?: number; note?: string | null };

export type OpenTime = {
  id: string;
  startsAt: string;
  durationMinutes: number;
  taken: boolean;
};

export type GapReason = 'time-off' | 'cancelled' | 'no-slot';

export type Gap = {
  /** The end of the last appointment before the gap, or now. */
  from: string;
  /** The start of the next appointment; null when none in the coming 12 weeks. */
  to: string | null;
  days: number;
  reason: GapReason;
};

export type Gaps = { items: Gap[]; frequencyDays: number | null };

/** A couple as the therapist sees it. */
export type TherapistCouple = {
  id: string;
  relationshipIds: [string, string];
  consented: Record<string, boolean>;
  active: boolean;
};

/** A couple as a partner sees it: nothing of the other partner but their name. */
export type PartnerCouple = {
  id: string;
  /** The partner's own relationship. */
  relationshipId: string;
  partnerName: string;
  consentedByMe: boolean;
  active: boolean;
};

export type Couple = TherapistCouple | PartnerCouple;

export function isPartnerCouple(couple: Couple): couple is PartnerCouple {
  return 'partnerName' in couple;
}

export type CalendarToken = { token: string; url: string };

type Named = { clientName: string };

export type TherapistWeek = {
  appointments: (Appointment & Named)[];
  slots: (Slot & Named)[];
  timeOff: TimeOff[];
  /** The open ones. */
  requests: (AppointmentRequest & Named)[];
  openTimes: OpenTime[];
};

// --- Query keys -----------------------------------------------------------------------------------

export const scheduleKeys = {
  all: ['schedule'] as const,
  slots: (relationshipId: string) => ['schedule', 'slots', relationshipId] as const,
  timeOff: ['schedule', 'time-off'] as const,
  relationshipTimeOff: (relationshipId: string) =>
    ['schedule', 'relationship-time-off', relationshipId] as const,
  gaps: (relationshipId: string) => ['schedule', 'gaps', relationshipId] as const,
  requests: (relationshipId: string) => ['schedule', 'requests', relationshipId] as const,
  openTimes: ['schedule', 'open-times'] as const,
  relationshipOpenTimes: (relationshipId: string) =>
    ['schedule', 'relationship-open-times', relationshipId] as const,
  couples: ['schedule', 'couples'] as const,
  week: (from?: string, to?: string) => ['schedule', 'week', from ?? '', to ?? ''] as const,
  /** Not under `schedule`: no notice changes it. */
  calendarToken: ['calendar-token'] as const,
};

/** The notice kinds that change something on a schedule. */
export const SCHEDULE_NOTICE_KINDS: readonly string[] = [
  'appointment-changed',
  'appointment-cancelled',
  'time-off',
  'appointment-request',
  'request-answered',
  'appointment-reminder',
  'couples-invite',
];

/** After a change, every schedule query and the relationship pages (their appointments) refetch. */
export function refreshSchedule(queryClient: QueryClient, relationshipId?: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
    queryClient.invalidateQueries({
      queryKey: relationshipId ? ['relationship-page', relationshipId] : ['relationship-page'],
    }),
    queryClient.invalidateQueries({ queryKey: ['caseload'] }),
  ]).then(() => undefined);
}

/**
 * While a screen showing a schedule is open, a schedule notice (live.ts) refetches the
 * schedule queries; live.ts itself already refetches the relationship page.
 */
export function useScheduleLive(queryClient: QueryClient): void {
  const listener = useCallback(
    (event: LiveEvent) => {
      if (SCHEDULE_NOTICE_KINDS.includes(event.kind)) {
        void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
      }
    },
    [queryClient],
  );
  useLiveEvent(listener);
}

// --- Requests to the server -----------------------------------------------------------------------

const enc = encodeURIComponent;
const rel = (relationshipId: string) => `/api/relationships/${enc(relationshipId)}`;

async function items<T>(path: string): Promise<T[]> {
  return (await request<{ items: T[] }>('GET', path)).items;
}

// Slots

export function createSlot(
  relationshipId: string,
  input: SlotInput,
): Promise<{ slot: Slot; appointments: Appointment[] }> {
  return request('POST', `${rel(relationshipId)}/slots`, input);
}

export function listSlots(relationshipId: string): Promise<Slot[]> {
  return items<Slot>(`${rel(relationshipId)}/slots`);
}

export function removeSlot(id: string): Promise<void> {
  return request<void>('DELETE', `/api/slots/${enc(id)}`, {});
}

// Time off and gaps

export function createTimeOff(
  input: TimeOffInput,
): Promise<{ timeOff: TimeOff; affected: Appointment[] }> {
  return request('POST', '/api/time-off', input);
}

export function listTimeOff(): Promise<TimeOff[]> {
  return items<TimeOff>('/api/time-off');
}

export function removeTimeOff(id: string): Promise<void> {
  return request<void>('DELETE', `/api/time-off/${enc(id)}`, {});
}

export function listRelationshipTimeOff(relationshipId: string): Promise<TimeOff[]> {
  return items<TimeOff>(`${rel(relationshipId)}/time-off`);
}

export function upcomingGaps(relationshipId: string): Promise<Gaps> {
  return request<Gaps>('GET', `${rel(relationshipId)}/upcoming-gaps`);
}

// Requests for an extra appointment

export async function createRequest(
  relationshipId: string,
  input: RequestInput,
): Promise<AppointmentRequest> {
  const { request: created } = await request<{ request: AppointmentRequest }>(
    'POST',
    `${rel(relationshipId)}/appointment-requests`,
    input,
  );
  return created;
}

export function listRequests(relationshipId: string): Promise<AppointmentRequest[]> {
  return items<AppointmentRequest>(`${rel(relationshipId)}/appointment-requests`);
}

export function acceptRequest(
  id: string,
  input: AcceptInput,
): Promise<{ request: AppointmentRequest; appointment: Appointment }> {
  return request('POST', `/api/appointment-requests/${enc(id)}/accept`, input);
}

export async function declineRequest(
  id: string,
  input: { note?: string | null } = {},
): Promise<AppointmentRequest> {
  const answer = await request<{ request: AppointmentRequest }>(
    'POST',
    `/api/appointment-requests/${enc(id)}/decline`,
    input,
  );
  return answer.request;
}

export async function withdrawRequest(id: string): Promise<AppointmentRequest> {
  const answer = await request<{ request: AppointmentRequest }>(
    'POST',
    `/api/appointment-requests/${enc(id)}/withdraw`,
    {},
  );
  return answer.request;
}

// Open times

export async function createOpenTime(input: RequestOption): Promise<OpenTime> {
  const { openTime } = await request<{ openTime: OpenTime }>('POST', '/api/open-times', input);
  return openTime;
}

export function listOpenTimes(): Promise<OpenTime[]> {
  return items<OpenTime>('/api/open-times');
}

export function removeOpenTime(id: string): Promise<void> {
  return request<void>('DELETE', `/api/open-times/${enc(id)}`, {});
}

export function listRelationshipOpenTimes(relationshipId: string): Promise<OpenTime[]> {
  return items<OpenTime>(`${rel(relationshipId)}/open-times`);
}

// Couples

export function listCouples(): Promise<Couple[]> {
  return items<Couple>('/api/couples');
}

export async function createCouple(relationshipIds: [string, string]): Promise<TherapistCouple> {
  const { couple } = await request<{ couple: TherapistCouple }>('POST', '/api/couples', {
    relationshipIds,
  });
  return couple;
}

export async function consentCouple(id: string): Promise<PartnerCouple> {
  const { couple } = await request<{ couple: PartnerCouple }>(
    'POST',
    `/api/couples/${enc(id)}/consent`,
    {},
  );
  return couple;
}

export function leaveCouple(id: string): Promise<void> {
  return request<void>('DELETE', `/api/couples/${enc(id)}`, {});
}

export async function createCoupleAppointment(
  id: string,
  input: RequestOption,
): Promise<Appointment[]> {
  const { appointments } = await request<{ appointments: Appointment[] }>(
    'POST',
    `/api/couples/${enc(id)}/appointments`,
    input,
  );
  return appointments;
}

// Calendar

export function calendarToken(): Promise<CalendarToken> {
  return request<CalendarToken>('GET', '/api/me/calendar-token');
}

export function newCalendarToken(): Promise<CalendarToken> {
  return request<CalendarToken>('POST', '/api/me/calendar-token', {});
}

/** One appointment as a calendar file, for a plain download link. */
export function appointmentCalendarUrl(appointmentId: string): string {
  return `/api/appointments/${enc(appointmentId)}/calendar.ics`;
}

// The therapist's week

/** `from`/`to` ISO times (range ≤ 62 days); left out, this week. */
export function therapistWeek(from?: string, to?: string): Promise<TherapistWeek> {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const query = params.toString();
  return request<TherapistWeek>('GET', `/api/me/schedule${query ? `?${query}` : ''}`);
}

// --- Hooks ----------------------------------------------------------------------------------------

export function useSlots(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.slots(relationshipId),
    queryFn: () => listSlots(relationshipId),
    enabled,
  });
}

export function useTimeOff(enabled = true) {
  return useQuery({ queryKey: scheduleKeys.timeOff, queryFn: listTimeOff, enabled });
}

export function useRelationshipTimeOff(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.relationshipTimeOff(relationshipId),
    queryFn: () => listRelationshipTimeOff(relationshipId),
    enabled,
  });
}

export function useUpcomingGaps(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.gaps(relationshipId),
    queryFn: () => upcomingGaps(relationshipId),
    enabled,
  });
}

export function useRequests(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.requests(relationshipId),
    queryFn: () => listRequests(relationshipId),
    enabled,
  });
}

export function useOpenTimes(enabled = true) {
  return useQuery({ queryKey: scheduleKeys.openTimes, queryFn: listOpenTimes, enabled });
}

export function useRelationshipOpenTimes(relationshipId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.relationshipOpenTimes(relationshipId),
    queryFn: () => listRelationshipOpenTimes(relationshipId),
    enabled,
  });
}

export function useCouples(enabled = true) {
  return useQuery({ queryKey: scheduleKeys.couples, queryFn: listCouples, enabled });
}

export function useCalendarToken(enabled = true) {
  return useQuery({ queryKey: scheduleKeys.calendarToken, queryFn: calendarToken, enabled });
}

export function useTherapistWeek(from?: string, to?: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.week(from, to),
    queryFn: () => therapistWeek(from, to),
    enabled,
  });
}
