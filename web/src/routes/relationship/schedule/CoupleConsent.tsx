import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  consentCouple,
  isPartnerCouple,
  leaveCouple,
  type PartnerCouple,
  refreshSchedule,
  useCouples,
} from '../../../api/schedule';
import { useAnnounce } from '../../../components/Announcer';
import { ConfirmDialog } from '../../../components/ConfirmDialog';

/** A couples invite for this relationship, explained plainly, with the client's choice. */
export function CoupleConsent({
  relationshipId,
  therapistName,
}: {
  relationshipId: string;
  therapistName: string;
}) {
  const couples = useCouples();
  const couple = (couples.data ?? [])
    .filter(isPartnerCouple)
    .find((c) => c.relationshipId === relationshipId && c.active);
  const [notNow, setNotNow] = useState(false);
  if (!couple) return null;
  if (!couple.consentedByMe && notNow) {
    return (
      <section aria-labelledby="couple-heading" className="schedule-section">
        <h3 id="couple-heading">Couples appointments</h3>
        <p>You said not now. {therapistName} isn't told anything; you can choose later.</p>
        <button type="button" className="button button-quiet" onClick={() => setNotNow(false)}>
          Look at it again
        </button>
      </section>
    );
  }
  return (
    <section aria-labelledby="couple-heading" className="schedule-section card couple">
      <h3 id="couple-heading">Couples appointments</h3>
      {couple.consentedByMe ? (
        <Agreed couple={couple} therapistName={therapistName} />
      ) : (
        <Invite couple={couple} therapistName={therapistName} onNotNow={() => setNotNow(true)} />
      )}
    </section>
  );
}

function WhatItMeans({ partnerName }: { partnerName: string }) {
  return (
    <ul className="couple-terms">
      <li>You and {partnerName} meet together, in one appointment.</li>
      <li>Each of you keeps your own check-ins. They stay private, as they are now.</li>
      <li>
        Nothing of yours is shown to {partnerName}: not your check-ins, letters, messages or
        anything else you write here.
      </li>
    </ul>
  );
}

function Invite({
  couple,
  therapistName,
  onNotNow,
}: {
  couple: PartnerCouple;
  therapistName: string;
  onNotNow: () => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function agree() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await consentCouple(couple.id);
      await refreshSchedule(queryClient, couple.relationshipId);
      announce(`You agreed to couples appointments with ${couple.partnerName}.`);
    } catch (error) {
      setProblem(
        error instanceof Error
          ? error.message
          : "We couldn't save that just now. Please try again.",
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <p>
        {therapistName} suggests couples appointments with {couple.partnerName}. Only if you both
        agree. What it means:
      </p>
      <WhatItMeans partnerName={couple.partnerName} />
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void agree()}
          aria-disabled={pending || undefined}
        >
          {pending ? 'Saving…' : 'Yes, I agree'}
        </button>
        <button type="button" className="button button-quiet" onClick={onNotNow}>
          Not now
        </button>
      </div>
      {problem ? (
        <p role="alert" className="form-message">
          {problem}
        </p>
      ) : null}
    </>
  );
}

function Agreed({ couple, therapistName }: { couple: PartnerCouple; therapistName: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  return (
    <>
      <p>You agreed to couples appointments with {couple.partnerName}.</p>
      <WhatItMeans partnerName={couple.partnerName} />
      <ConfirmDialog
        trigger="Stop couples appointments"
        triggerClassName="button button-quiet"
        title="Stop couples appointments?"
        confirm="Stop them"
        keep="Keep them"
        onConfirm={async () => {
          await leaveCouple(couple.id);
          await refreshSchedule(queryClient, couple.relationshipId);
          announce('Couples appointments are stopped.');
        }}
      >
        <p>
          The coming couples appointments with {couple.partnerName} will be cancelled, for both of
          you. Your own appointments with {therapistName} stay as they are.
        </p>
      </ConfirmDialog>
    </>
  );
}
