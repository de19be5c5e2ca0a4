import { useQueryClient } from '@tanstack/react-query';
import { type OpenTime, refreshSchedule, removeOpenTime, useOpenTimes } from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { minutes } from '../../words';
import { OpenTimeForm } from './OpenTimeForm';
import { REMOVE_DIALOG, spanInWords } from './scheduleWords';

/** Times the therapist offers; a client can ask for one, and the request comes to Requests. */
export function OpenTimes() {
  const openTimes = useOpenTimes();
  const items = openTimes.data ?? [];

  return (
    <section aria-labelledby="open-times-heading" className="schedule-section">
      <h2 id="open-times-heading">Open times</h2>
      <p className="quiet small">
        Your connected clients can see open times that are not taken and ask for one.
      </p>
      {openTimes.isPending ? <p className="quiet">Loading…</p> : null}
      {openTimes.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your open times just now.</p>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void openTimes.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {openTimes.isSuccess && items.length === 0 ? (
        <p className="quiet">No open times published.</p>
      ) : null}
      {items.length > 0 ? (
        <ul className="schedule-list">
          {items.map((item) => (
            <OpenTimeRow key={item.id} openTime={item} />
          ))}
        </ul>
      ) : null}
      <OpenTimeForm />
    </section>
  );
}

function OpenTimeRow({ openTime }: { openTime: OpenTime }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const when = spanInWords(openTime.startsAt, openTime.durationMinutes);

  async function remove() {
    await removeOpenTime(openTime.id);
    await refreshSchedule(queryClient);
    announce(`Open time ${when} removed.`);
  }

  return (
    <li className="schedule-row">
      <div className="schedule-row-text">
        <strong>{when}</strong>
        <span className="small">
          {minutes(openTime.durationMinutes)} · {openTime.taken ? 'Taken' : 'Not taken yet'}
        </span>
      </div>
      <ConfirmDialog
        {...REMOVE_DIALOG}
        what={`open time ${when}`}
        title={`Remove the open time ${when}?`}
        confirm="Remove the open time"
        onConfirm={remove}
      >
        <p>Clients will no longer see it or be able to ask for it.</p>
      </ConfirmDialog>
    </li>
  );
}
