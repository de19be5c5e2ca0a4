import { useQueryClient } from '@tanstack/react-query';
import {
  type Agreement,
  acknowledgeAgreement,
  agreementKeys,
  type Role,
  refreshAgreement,
} from '../../../api/agreement';
import type { ApiError } from '../../../api/client';
import { useSubmit } from '../../../api/useSubmit';

/** Whether the viewer is asked to acknowledge this version: written by the other, not yet read. */
export function awaitsAcknowledgement(agreement: Agreement | null | undefined, viewer: Role) {
  return !!agreement && agreement.author.role !== viewer && !agreement.acknowledgedAt[viewer];
}

/** Acknowledges a version, and fetches the agreement again (also when it changed meanwhile). */
export function useAcknowledge(relationshipId: string) {
  const queryClient = useQueryClient();
  const submit = useSubmit<Agreement>({
    describe: (error: ApiError) =>
      error.code === 'agreement_outdated'
        ? 'The agreement changed while you were reading it. The newest version is shown now; please have a look at it first.'
        : null,
  });
  async function acknowledge(version: number): Promise<Agreement | null> {
    const result = await submit.run(() => acknowledgeAgreement(relationshipId, version));
    if (result.ok) {
      queryClient.setQueryData(agreementKeys.latest(relationshipId), result.value);
    }
    await refreshAgreement(queryClient, relationshipId);
    return result.ok ? result.value : null;
  }
  return { acknowledge, pending: submit.pending, message: submit.message };
}
