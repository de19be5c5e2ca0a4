import { type QueryClient, useQuery } from '@tanstack/react-query';
import { request } from './client';

/** The shapes the server sends (API.md: Relationships, Appointments and check-ins, Markers). */

export type Relationship = {
  id: string;
  clientId: string;
  therapistId: string | null;
  therapistName: string;
  mode: 'solo' | 'connected';
  status: 'active' | 'ended';
  sensitivity: 'standard' | 'sensitive';
  createdAt: string;
};

export type AppointmentKind = 'individual' | 'couples' | 'phone' | 'extra';
export type AppointmentStatus = 'scheduled' | 'held' | 'cancelled' | 'missed';

export type Appointment = {
  id: string;
  relationshipId: string;
  startsAt: string;
  durationMinutes: number;
  kind: AppointmentKind;
  status: AppointmentStatus;
  /** The regular time (slot) it came from; null for one made by hand. */
  slotId: string | null;
  /** Why it was cancelled; null unless cancelled. */
  cancelReason: CancelReason | null;
  /** Shared by the two partners' rows of one couples appointment. */
  coupleAppointmentId: string | null;
};

export type CancelReason = 'time-off' | 'slot-removed' | 'client' | 'therapist';

export type Checkin = {
  id: string;
  appointmentId: string;
  respondent: 'client' | 'therapist';
  bond: number;
  goals: number;
  method: number;
  overall: number;
  tension: number;
  resolved: number | null;
  note: string | null;
  shared: boolean;
  score: number;
  createdAt: string;
};

export type MarkerKind = 'drop' | 'tension' | 'unnoticed' | 'overdue-reply' | 'gap';

export type Marker = {
  kind: MarkerKind;
  at: string;
  severity: 'info' | 'warn' | 'alert';
  appointmentId?: string;
  messageId?: string;
  explanation: string;
};

/** Everything the relationship page shows, as the signed-in member may see it. */
export type RelationshipPage = {
  relationship: Relationship;
  clientName: string;
  appointments: Appointment[];
  checkins: Checkin[];
  markers: Marker[];
};

export type CaseloadItem = {
  relationship: Relationship;
  clientName: string;
  latestClientScore: number | null;
  latestTherapistScore: number | null;
  lastAppointmentAt: string | null;
  daysSinceLastAppointment: number | null;
  openMarkers: Marker[];
  attention: number;
  reason: string;
};

export type Invite = { code: string; expiresAt: string };

export type CheckinInput = {
  bond: number;
  goals: number;
  method: number;
  overall: number;
  tension: number;
  resolved?: number | null;
  note?: string | null;
  shared?: boolean;
};

export const keys = {
  relationships: ['relationships'] as const,
  page: (id: string) => ['relationship-page', id] as const,
  caseload: ['caseload'] as const,
};

export async function fetchRelationships(): Promise<Relationship[]> {
  const { items } = await request<{ items: Relationship[] }>('GET', '/api/relationships');
  return items;
}

export function fetchPage(id: string): Promise<RelationshipPage> {
  return request<RelationshipPage>('GET', `/api/relationships/${encodeURIComponent(id)}/page`);
}

export function useRelationships() {
  return useQuery({ queryKey: keys.relationships, queryFn: fetchRelationships });
}

export function useRelationshipPage(id: string) {
  return useQuery({ queryKey: keys.page(id), queryFn: () => fetchPage(id) });
}

export function useCaseload() {
  return useQuery({
    queryKey: keys.caseload,
    queryFn: async () => (await request<{ items: CaseloadItem[] }>('GET', '/api/caseload')).items,
  });
}

/** After any change to a relationship, everything that shows it is fetched again. */
export function refresh(queryClient: QueryClient, relationshipId?: string): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.relationships }),
    queryClient.invalidateQueries({ queryKey: keys.caseload }),
    relationshipId
      ? queryClient.invalidateQueries({ queryKey: keys.page(relationshipId) })
      : queryClient.invalidateQueries({ queryKey: ['relationship-page'] }),
  ]).then(() => undefined);
}

export async function createRelationship(therapistName: string): Promise<Relationship> {
  const { relationship } = await request<{ relationship: Relationship }>(
    'POST',
    '/api/relationships',
    { therapistName },
  );
  return relationship;
}

export async function updateRelationship(
  id: string,
  changes: Partial<Pick<Relationship, 'status' | 'therapistName' | 'sensitivity'>>,
): Promise<Relationship> {
  const { relationship } = await request<{ relationship: Relationship }>(
    'PATCH',
    `/api/relationships/${encodeURIComponent(id)}`,
    changes,
  );
  return relationship;
}

export async function createInvite(id: string): Promise<Invite> {
  const { invite } = await request<{ invite: Invite }>(
    'POST',
    `/api/relationships/${encodeURIComponent(id)}/invites`,
    {},
  );
  return invite;
}

export async function acceptInvite(code: string): Promise<Relationship> {
  const { relationship } = await request<{ relationship: Relationship }>(
    'POST',
    `/api/invites/${encodeURIComponent(code)}/accept`,
    {},
  );
  return relationship;
}

export async function addAppointment(
  relationshipId: string,
  input: { startsAt: string; durationMinutes: number; kind: AppointmentKind },
): Promise<Appointment> {
  const { appointment } = await request<{ appointment: Appointment }>(
    'POST',
    `/api/relationships/${encodeURIComponent(relationshipId)}/appointments`,
    input,
  );
  return appointment;
}

export async function updateAppointment(
  id: string,
  changes: { status?: AppointmentStatus; startsAt?: string; durationMinutes?: number },
): Promise<Appointment> {
  const { appointment } = await request<{ appointment: Appointment }>(
    'PATCH',
    `/api/appointments/${encodeURIComponent(id)}`,
    changes,
  );
  return appointment;
}

export async function createCheckin(appointmentId: string, input: CheckinInput): Promise<Checkin> {
  const { checkin } = await request<{ checkin: Checkin }>(
    'POST',
    `/api/appointments/${encodeURIComponent(appointmentId)}/checkins`,
    input,
  );
  return checkin;
}

export async function updateCheckin(id: string, changes: Partial<CheckinInput>): Promise<Checkin> {
  const { checkin } = await request<{ checkin: Checkin }>(
    'PATCH',
    `/api/checkins/${encodeURIComponent(id)}`,
    changes,
  );
  return checkin;
}
