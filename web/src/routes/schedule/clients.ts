import { useCaseload } from '../../api/relationships';

export type Client = { relationshipId: string; name: string };

/** The therapist's current, connected clients, by name: whom a slot or a couple can be for. */
export function useClients(): { clients: Client[]; loading: boolean; failed: boolean } {
  const caseload = useCaseload();
  const clients = (caseload.data ?? [])
    .filter(
      (item) => item.relationship.mode === 'connected' && item.relationship.status === 'active',
    )
    .map((item) => ({ relationshipId: item.relationship.id, name: item.clientName }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { clients, loading: caseload.isPending, failed: caseload.isError };
}

/** A client's name from their relationship, or a calm stand-in when it is no longer listed. */
export function nameOf(clients: Client[], relationshipId: string): string {
  return clients.find((c) => c.relationshipId === relationshipId)?.name ?? 'a past client';
}
