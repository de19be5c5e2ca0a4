import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Relationship } from '../../../api/relationships';
import { refreshSchedule, removeSlot, type Slot, useSlots } from '../../../api/schedule';
import { useAnnounce } from '../../../components/Announcer';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { SlotForm } from './SlotForm';
import { type People, slotSpan, slotWords } from './words';

/**
 * The regular time(s) in words. Who sets it: the client in a solo relationship, the therapist
 * in a connected one.
 */
export function RegularTime({
  relationship,
  people,
}: {
  relationship: Relationship;
  people: People;
}) {
  const slots = useSlots(relationship.id);
  const connected = relationship.mode === 'connected';
  const mayChange =
    relationship.status === 'active' &&
    (connected ? people.viewer === 'therapist' : people.viewer === 'client');
  const [adding, setAdding] = useState(false);
  const items = slots.data ?? [];

  return (
    <section aria-labelledby="regular-heading" className="schedule-section">
      <h3 id="regular-heading">Regular time</h3>
      {slots.isPending ? <p className="quiet">Loading…</p> : null}
      {slots.isError ? (
        <p className="quiet">
          We couldn't load the regular time just now.{' '}
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void slots.refetch()}
          >
            Try again
          </button>
        </p>
      ) : null}
      {slots.isSuccess && items.length === 0 ? (
        <p className="quiet">
          {mayChange
            ? 'No regular time yet. If you meet at the same time each week, you can set it here and the appointments are planned for you.'
            : `No regular time yet. ${people.other} sets it.`}
        </p>
      ) : null}
      {items.length > 0 ? (
        <ul className="plain-list slot-list">
          {items.map((slot) => (
            <SlotItem key={slot.id} slot={slot} mayRemove={mayChange} />
          ))}
        </ul>
      ) : null}
      {connected && people.viewer === 'client' && items.length > 0 ? (
        <p className="quiet small">Only {people.other} can change the regular time.</p>
      ) : null}
      {mayChange ? (
        adding ? (
          <SlotForm relationshipId={relationship.id} onDone={() => setAdding(false)} />
        ) : (
          <button type="button" className="button button-quiet" onClick={() => setAdding(true)}>
            {items.length === 0 ? 'Set a regular time' : 'Add another regular time'}
          </button>
        )
      ) : null}
    </section>
  );
}

function SlotItem({ slot, mayRemove }: { slot: Slot; mayRemove: boolean }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const words = slotWords(slot);
  return (
    <li className="slot">
      <p>
        {words}
        <span className="quiet">, {slotSpan(slot)}</span>
      </p>
      {mayRemove ? (
        <ConfirmDialog
          trigger="Remove"
          what={`the regular time: ${words}`}
          title="Remove this regular time?"
          confirm="Remove it"
          keep="Keep it"
          onConfirm={async () => {
            await removeSlot(slot.id);
            await refreshSchedule(queryClient, slot.relationshipId);
            announce('The regular time is removed, and its future appointments are cancelled.');
          }}
        >
          <p>{words}.</p>
          <p>
            Its future appointments will be cancelled. Appointments already past stay as they are.
          </p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}
