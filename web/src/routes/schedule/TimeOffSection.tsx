import { useQueryClient } from '@tanstack/react-query';
import { refreshSchedule, removeTimeOff, type TimeOff, useTimeOff } from '../../api/schedule';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { clock, dateRange, day } from '../../time';
import { useClients } from './clients';
import { REMOVE_DIALOG } from './scheduleWords';
import { TimeOffForm } from './TimeOffForm';

/** "14–28 Dec · from Mon 14 Dec, 00:00 to Mon 28 Dec, 09:00" */
function periodInWords(timeOff: TimeOff): { days: string; exact: string } {
  return {
    days: dateRange(timeOff.from, timeOff.to),
    exact: `From ${day(timeOff.from)}, ${clock(timeOff.from)}; back ${day(timeOff.to)}, ${clock(timeOff.to)}`,
  };
}

export function TimeOffSection() {
  const { clients } = useClients();
  const timeOff = useTimeOff();
  const items = timeOff.data ?? [];

  return (
    <section aria-labelledby="time-off-heading" className="schedule-section">
      <h2 id="time-off-heading">Time off</h2>
      {timeOff.isPending ? <p className="quiet">Loading…</p> : null}
      {timeOff.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your time off just now.</p>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void timeOff.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {timeOff.isSuccess && items.length === 0 ? (
        <p className="quiet">No time off planned. When you will be away, add it here.</p>
      ) : null}
      {items.length > 0 ? (
        <ul className="schedule-list">
          {items.map((item) => (
            <TimeOffRow key={item.id} timeOff={item} />
          ))}
        </ul>
      ) : null}
      <TimeOffForm clients={clients} />
    </section>
  );
}

function TimeOffRow({ timeOff }: { timeOff: TimeOff }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const { days, exact } = periodInWords(timeOff);

  async function remove() {
    await removeTimeOff(timeOff.id);
    await refreshSchedule(queryClient);
    announce(
      `Time off ${days} removed. Appointments it cancelled are planned again, and their clients were told.`,
    );
  }

  return (
    <li className="schedule-row">
      <div className="schedule-row-text">
        <strong>Away {days}</strong>
        <span className="small">{exact}</span>
        {timeOff.note ? <span className="quiet small">{timeOff.note}</span> : null}
      </div>
      <ConfirmDialog
        {...REMOVE_DIALOG}
        what={`time off ${days}`}
        title={`Remove your time off ${days}?`}
        confirm="Remove the time off"
        onConfirm={remove}
      >
        <p>
          Appointments it cancelled that are still to come will be planned again, and their clients
          will be told.
        </p>
      </ConfirmDialog>
    </li>
  );
}
