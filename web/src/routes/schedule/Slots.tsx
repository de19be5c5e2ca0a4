import { useQueryClient } from '@tanstack/react-query';
import { refreshSchedule, removeSlot, type Slot, useTherapistWeek } from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { minutes } from '../../words';
import { type Client, useClients } from './clients';
import { SlotForm } from './SlotForm';
import { dayMonth, REMOVE_DIALOG, weekdayName } from './scheduleWords';

/** "Every Tuesday at 16:00 (Europe/London) · 50 min · from 1 Dec" */
export function slotInWords(slot: Slot): string {
  const every = slot.everyWeeks === 2 ? 'Every other' : 'Every';
  const until = slot.endsOn ? ` until ${dayMonth(slot.endsOn)}` : '';
  const phone = slot.kind === 'phone' ? ' · by phone' : '';
  return `${every} ${weekdayName(slot.weekday)} at ${slot.time} (${slot.timezone}) · ${minutes(slot.durationMinutes)}${phone} · from ${dayMonth(slot.startsOn)}${until}`;
}

/**
 * Every current client's regular slots, from the therapist's week (which carries all active
 * slots, whatever the week), so the list costs no request of its own.
 */
function useAllSlots(clients: Client[]) {
  const week = useTherapistWeek();
  const slots = (week.data?.slots ?? []).flatMap((slot) => {
    const client = clients.find((c) => c.relationshipId === slot.relationshipId);
    return client ? [{ slot, client }] : [];
  });
  return {
    slots,
    pending: week.isPending,
    failed: week.isError,
    refetch: () => week.refetch(),
  };
}

export function Slots() {
  const { clients, loading } = useClients();
  const all = useAllSlots(clients);
  const slots = [...all.slots].sort(
    (a, b) => a.slot.weekday - b.slot.weekday || a.slot.time.localeCompare(b.slot.time),
  );

  return (
    <section aria-labelledby="slots-heading" className="schedule-section">
      <h2 id="slots-heading">Regular slots</h2>
      {loading || all.pending ? <p className="quiet">Loading…</p> : null}
      {all.failed ? (
        <div className="form-message" role="alert">
          <p>We couldn't load every client's slots just now.</p>
          <button type="button" className="button button-quiet" onClick={() => void all.refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {!loading && !all.pending && slots.length === 0 ? (
        <p className="quiet">
          No regular slots yet. A slot books the same time every week or every other week, up to
          twelve weeks ahead.
        </p>
      ) : null}
      {slots.length > 0 ? (
        <ul className="schedule-list">
          {slots.map(({ slot, client }) => (
            <SlotRow key={slot.id} slot={slot} client={client} />
          ))}
        </ul>
      ) : null}
      <SlotForm clients={clients} />
    </section>
  );
}

function SlotRow({ slot, client }: { slot: Slot; client: Client }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const day = weekdayName(slot.weekday);

  async function remove() {
    await removeSlot(slot.id);
    await refreshSchedule(queryClient, slot.relationshipId);
    announce(`${client.name}'s ${day} slot is removed. ${client.name} was told.`);
  }

  return (
    <li className="schedule-row">
      <div className="schedule-row-text">
        <strong>{client.name}</strong>
        <span>{slotInWords(slot)}</span>
      </div>
      <ConfirmDialog
        {...REMOVE_DIALOG}
        what={`${client.name}'s ${day} slot`}
        title={`Remove ${client.name}'s ${day} slot?`}
        confirm="Remove the slot"
        onConfirm={remove}
      >
        <p>
          Future appointments from this slot will be cancelled and {client.name} will be told. Past
          appointments stay as they are.
        </p>
      </ConfirmDialog>
    </li>
  );
}
