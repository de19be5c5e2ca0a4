import { useQueryClient } from '@tanstack/react-query';
import {
  isPartnerCouple,
  leaveCouple,
  refreshSchedule,
  type TherapistCouple,
  useCouples,
} from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CoupleBookForm } from './CoupleBookForm';
import { type Client, nameOf, useClients } from './clients';
import { PairForm } from './PairForm';
import { namesInWords, REMOVE_DIALOG } from './scheduleWords';

/** Whether both partners said yes (`active` only says the pairing has not ended). */
function bothConsented(couple: TherapistCouple): boolean {
  return couple.relationshipIds.every((id) => couple.consented[id]);
}

/** "Both said yes", "Waiting for Sam's yes", "Waiting for a yes from Robin and Sam". */
export function consentInWords(couple: TherapistCouple, clients: Client[]): string {
  if (bothConsented(couple)) return 'Both said yes.';
  const waiting = couple.relationshipIds
    .filter((id) => !couple.consented[id])
    .map((id) => nameOf(clients, id));
  if (waiting.length === 1) return `Waiting for ${waiting[0]}'s yes.`;
  return `Waiting for a yes from ${namesInWords(waiting)}.`;
}

/** Two clients paired for couples appointments, once both have said yes. */
export function Couples() {
  const { clients } = useClients();
  const couples = useCouples();
  const items = (couples.data ?? []).filter(
    (couple): couple is TherapistCouple => !isPartnerCouple(couple),
  );

  return (
    <section aria-labelledby="couples-heading" className="schedule-section">
      <h2 id="couples-heading">Couples</h2>
      <p className="quiet small">
        Each partner is asked first. Neither sees anything of the other's check-ins, records or
        relationship with you.
      </p>
      {couples.isPending ? <p className="quiet">Loading…</p> : null}
      {couples.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your couples just now.</p>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void couples.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {couples.isSuccess && items.length === 0 ? <p className="quiet">No couples yet.</p> : null}
      {items.length > 0 ? (
        <ul className="request-list">
          {items.map((couple) => (
            <CoupleItem key={couple.id} couple={couple} clients={clients} />
          ))}
        </ul>
      ) : null}
      <PairForm clients={clients} />
    </section>
  );
}

function CoupleItem({ couple, clients }: { couple: TherapistCouple; clients: Client[] }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const names = namesInWords(couple.relationshipIds.map((id) => nameOf(clients, id)));

  async function unpair() {
    await leaveCouple(couple.id);
    await refreshSchedule(queryClient);
    announce(`${names} are no longer paired. Their future couples appointments are cancelled.`);
  }

  return (
    <li className="card couple">
      <h3>{names}</h3>
      <p>{consentInWords(couple, clients)}</p>
      {couple.active && bothConsented(couple) ? (
        <CoupleBookForm couple={couple} names={names} />
      ) : null}
      <ConfirmDialog
        {...REMOVE_DIALOG}
        what={`the pairing of ${names}`}
        title={`Stop seeing ${names} as a couple?`}
        confirm="Remove the pairing"
        onConfirm={unpair}
      >
        <p>
          Their future couples appointments will be cancelled. Each partner's own appointments with
          you stay as they are.
        </p>
      </ConfirmDialog>
    </li>
  );
}
