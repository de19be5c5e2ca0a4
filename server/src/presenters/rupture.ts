import type { repairs, ruptures } from '../db/schema.ts';

/** What leaves the server about ruptures and repair steps, field by field. */

export type RepairRow = typeof repairs.$inferSelect;
export type RuptureRow = typeof ruptures.$inferSelect;
export type PartName = { id: string; name: string };

export function presentRepair(r: RepairRow) {
  return {
    id: r.id,
    ruptureId: r.ruptureId,
    at: r.at.toISOString(),
    kind: r.kind,
    by: r.by,
    note: r.note,
    feltHeard: r.feltHeard,
    defensiveness: r.defensiveness,
    writtenBy: r.authorRole,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * A rupture as `view` sees it. The therapist's view is exactly what sharing shows (the client
 * previews it before sharing): everything the client wrote and the repair steps, but not the
 * client's parts, which stay the client's own.
 */
export function presentRupture(
  r: RuptureRow,
  related: { repairs: readonly RepairRow[]; parts: readonly PartName[] },
  view: 'client' | 'therapist',
) {
  return {
    id: r.id,
    relationshipId: r.relationshipId,
    title: r.title,
    occurredAt: r.occurredAt.toISOString(),
    whatHappened: r.whatHappened,
    myExperience: r.myExperience,
    theirSide: r.theirSide,
    echoes: r.echoes,
    needs: r.needs,
    kind: r.kind,
    intensity: r.intensity,
    status: r.status,
    visibility: r.visibility,
    reflection: r.reflection,
    ...(view === 'client' ? { parts: related.parts.map((p) => ({ id: p.id, name: p.name })) } : {}),
    markerKind: r.markerKind as 'drop' | 'tension' | 'unnoticed' | 'overdue-reply' | 'gap' | null,
    appointmentId: r.appointmentId,
    sharedAt: r.sharedAt?.toISOString() ?? null,
    repairedAt: r.repairedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    repairs: related.repairs.map(presentRepair),
  };
}
