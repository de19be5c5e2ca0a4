import { useSearchParams } from 'react-router';
import { useTherapistWeek } from '../../api/schedule';
import { viewerZone } from '../../time';
import { WeekDays } from './WeekDays';
import { dateKey, mondayOf, parseDateKey, weekRange, weeksBetween } from './week';

/** "23 Nov – 29 Nov" (with the year when it is not this year). */
function weekLabel(monday: Date): string {
  const sunday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 6);
  const thisYear = monday.getFullYear() === new Date().getFullYear();
  const format = (date: Date) =>
    date.toLocaleDateString(undefined, {
      day: 'numeric',
      month: 'short',
      ...(thisYear ? {} : { year: 'numeric' }),
    });
  return `${format(monday)} – ${format(sunday)}`;
}

function relativeWeek(monday: Date): string | null {
  const weeks = weeksBetween(mondayOf(new Date()), monday);
  if (weeks === 0) return 'This week';
  if (weeks === 1) return 'Next week';
  if (weeks === -1) return 'Last week';
  return null;
}

/** The chosen week (in the address, so it survives a reload and the back button). */
function useChosenWeek(): [Date, (monday: Date | null) => void] {
  const [params, setParams] = useSearchParams();
  const chosen = parseDateKey(params.get('week'));
  const monday = mondayOf(chosen ?? new Date());
  const choose = (next: Date | null) =>
    setParams(
      (current) => {
        const copy = new URLSearchParams(current);
        if (next === null) copy.delete('week');
        else copy.set('week', dateKey(next));
        return copy;
      },
      { preventScrollReset: true },
    );
  return [monday, choose];
}

/** The week: an agenda by day on a phone, seven columns where there is room. */
export function WeekView() {
  const [monday, choose] = useChosenWeek();
  const { from, to } = weekRange(monday);
  const week = useTherapistWeek(from, to);
  const label = weekLabel(monday);
  const relative = relativeWeek(monday);
  const shift = (weeks: number) =>
    choose(new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + weeks * 7));

  return (
    <section aria-labelledby="week-heading" className="schedule-week">
      <h2 id="week-heading">
        {relative ? `${relative}: ` : 'Week of '}
        {label}
      </h2>
      <p className="quiet small">Times in {viewerZone()}</p>
      <div className="week-nav">
        <button
          type="button"
          className="button button-quiet button-small"
          onClick={() => shift(-1)}
        >
          Previous week
        </button>
        <button
          type="button"
          className="button button-quiet button-small"
          onClick={() => choose(null)}
          aria-disabled={relative === 'This week' || undefined}
        >
          This week
        </button>
        <button type="button" className="button button-quiet button-small" onClick={() => shift(1)}>
          Next week
        </button>
      </div>
      {week.isPending ? <p className="quiet">Loading the week…</p> : null}
      {week.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load this week just now.</p>
          <button type="button" className="button button-quiet" onClick={() => void week.refetch()}>
            Try again
          </button>
        </div>
      ) : null}
      {week.data ? <WeekDays monday={monday} week={week.data} /> : null}
    </section>
  );
}
