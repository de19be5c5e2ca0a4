import type { Change } from '@attune/core/agreement';
import type { agreementAcknowledgements, agreements } from '../db/schema.ts';

export type AgreementRow = typeof agreements.$inferSelect;
export type AcknowledgementRow = typeof agreementAcknowledgements.$inferSelect;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * A version of the agreement on the wire, field by field: a new column never leaks by accident.
 * `acknowledgedAt` is per member role; the author acknowledged their own version when writing it.
 */
export function presentAgreement(
  row: AgreementRow,
  acknowledgements: readonly AcknowledgementRow[],
  changes: Change[],
) {
  const mine = acknowledgements.filter((a) => a.agreementId === row.id);
  const at = (role: 'client' | 'therapist') =>
    iso(
      mine
        .filter((a) => a.role === role)
        .map((a) => a.acknowledgedAt)
        .sort((x, y) => x.getTime() - y.getTime())[0],
    );
  return {
    id: row.id,
    relationshipId: row.relationshipId,
    version: row.version,
    replyTimeHours: row.replyTimeHours,
    sessionFrequencyDays: row.sessionFrequencyDays,
    contact: row.contact,
    availability: row.availability,
    scheduling: row.scheduling,
    roomRules: row.roomRules,
    rules: row.rules.map((r) => ({ text: r.text, appliesTo: r.appliesTo })),
    emergency: row.emergency,
    createdAt: row.createdAt.toISOString(),
    author: { role: row.authorRole },
    acknowledgedAt: { client: at('client'), therapist: at('therapist') },
    changes,
  };
}
