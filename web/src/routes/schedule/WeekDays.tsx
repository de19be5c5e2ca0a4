import { Link } from 'react-router';
import type { TherapistWeek, TimeOff } from '../../api/schedule';
import { clock } from '../../time';
import { KIND_WORDS, STATUS_WORDS } from '../../words';
import { cancelledInWords } from './scheduleWords';
import { addDays, dateKey, daysOf, isOnDay, overlapsDay } from './week';

type WeekAppointment = TherapistWeek['appointments'][number];

type Entry =
  | { type: 'appointment'; at: string; appointment: WeekAppointment }
  | { type: 'open'; at: string; openTime: TherapistWeek['openTimes'][number] }
  | {
      type: 'request';
      at: string;
      request: TherapistWeek['requests'][number];
      durationMinutes: number;
    };

function endOf(startsAt: string, durationMinutes: number): string {
  return new Date(Date.parse(startsAt) + durationMinutes * 60_000).toISOString();
}

/** "Away all day", "Away from 14:00", "Away until 12:00", "Away 10:00–12:00". */
function awayInWords(timeOff: TimeOff, day: Date): string {
  const startsToday = Date.parse(timeOff.from) > day.getTime();
  const endsToday = Date.parse(timeOff.to) < addDays(day, 1).getTime();
  if (startsToday && endsToday) return `Away ${clock(timeOff.from)}–${clock(timeOff.to)}`;
  if (startsToday) return `Away from ${clock(timeOff.from)}`;
  if (endsToday) return `Away until ${clock(timeOff.to)}`;
  return 'Away all day';
}

function entriesOn(week: TherapistWeek, day: Date): Entry[] {
  const entries: Entry[] = [
    ...week.appointments
      .filter((a) => isOnDay(a.startsAt, day))
      .map((appointment) => ({
        type: 'appointment' as const,
        at: appointment.startsAt,
        appointment,
      })),
    ...week.openTimes
      .filter((o) => isOnDay(o.startsAt, day))
      .map((openTime) => ({ type: 'open' as const, at: openTime.startsAt, openTime })),
    ...week.requests.flatMap((request) =>
      request.options
        .filter((option) => isOnDay(option.startsAt, day))
        .map((option) => ({
          type: 'request' as const,
          at: option.startsAt,
          request,
          durationMinutes: option.durationMinutes,
        })),
    ),
  ];
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function dayHeading(day: Date): string {
  return day.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'short' });
}

/** The seven days of the week, each with its time away, appointments, open times and requests. */
export function WeekDays({ monday, week }: { monday: Date; week: TherapistWeek }) {
  const today = dateKey(new Date());
  return (
    <ol className="week-days">
      {daysOf(monday).map((day) => {
        const away = week.timeOff.filter((t) => overlapsDay(t.from, t.to, day));
        const entries = entriesOn(week, day);
        const isToday = dateKey(day) === today;
        return (
          <li key={dateKey(day)} className={isToday ? 'week-day week-today' : 'week-day'}>
            <h3 className="week-day-heading">
              {dayHeading(day)}
              {isToday ? <span className="today-tag"> · today</span> : null}
            </h3>
            {away.length === 0 && entries.length === 0 ? (
              <p className="quiet small week-empty">Nothing planned</p>
            ) : (
              <ul className="week-entries">
                {away.map((timeOff) => (
                  <li key={timeOff.id} className="entry entry-away">
                    <strong>{awayInWords(timeOff, day)}</strong>
                    {timeOff.note ? <span className="entry-detail">{timeOff.note}</span> : null}
                  </li>
                ))}
                {entries.map((entry) => (
                  <EntryItem key={`${entry.type}-${entryId(entry)}-${entry.at}`} entry={entry} />
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function entryId(entry: Entry): string {
  if (entry.type === 'appointment') return entry.appointment.id;
  if (entry.type === 'open') return entry.openTime.id;
  return entry.request.id;
}

function TimeSpan({ startsAt, durationMinutes }: { startsAt: string; durationMinutes: number }) {
  return (
    <span className="entry-time">
      <time dateTime={startsAt}>{clock(startsAt)}</time>–{clock(endOf(startsAt, durationMinutes))}
    </span>
  );
}

function EntryItem({ entry }: { entry: Entry }) {
  if (entry.type === 'open') {
    const { openTime } = entry;
    return (
      <li className="entry entry-open">
        <TimeSpan startsAt={openTime.startsAt} durationMinutes={openTime.durationMinutes} />
        <span>Open time</span>
        <span className="entry-detail">
          {openTime.taken ? 'Taken by a request' : 'Not taken yet'}
        </span>
      </li>
    );
  }
  if (entry.type === 'request') {
    const { request } = entry;
    return (
      <li className="entry entry-request">
        <TimeSpan startsAt={entry.at} durationMinutes={entry.durationMinutes} />
        <span>{request.clientName} asked for this time</span>
        <a className="entry-detail" href={`#request-${request.id}`}>
          Answer the request<span className="visually-hidden"> from {request.clientName}</span>
        </a>
      </li>
    );
  }
  const { appointment } = entry;
  const cancelled = appointment.status === 'cancelled';
  return (
    <li className={cancelled ? 'entry entry-cancelled' : 'entry'}>
      <TimeSpan startsAt={appointment.startsAt} durationMinutes={appointment.durationMinutes} />
      <Link to={`/relationships/${appointment.relationshipId}`}>{appointment.clientName}</Link>
      <span className="entry-detail">
        {KIND_WORDS[appointment.kind]} ·{' '}
        {cancelled ? cancelledInWords(appointment.cancelReason) : STATUS_WORDS[appointment.status]}
      </span>
    </li>
  );
}
