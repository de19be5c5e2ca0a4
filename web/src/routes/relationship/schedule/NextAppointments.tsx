import { Link } from 'react-router';
import type { Appointment, RelationshipPage } from '../../../api/relationships';
import { appointmentCalendarUrl } from '../../../api/schedule';
import { whenWithZone } from '../../../time';
import { KIND_WORDS, minutes } from '../../../words';
import { awaitsCheckIn, checkInLink } from '../TimelineTab';
import { cancelledWords, type People } from './words';

const HORIZON_DAYS = 84;
const DAY = 86_400_000;

/** Appointments from the one under way now to 12 weeks ahead, soonest first. */
export function comingAppointments(appointments: Appointment[], now = Date.now()): Appointment[] {
  return appointments
    .filter((a) => {
      const start = Date.parse(a.startsAt);
      return start + a.durationMinutes * 60_000 > now && start < now + HORIZON_DAYS * DAY;
    })
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

/** The coming 12 weeks, each time in the viewer's zone with the zone named. */
export function NextAppointments({ page, people }: { page: RelationshipPage; people: People }) {
  const coming = comingAppointments(page.appointments);
  return (
    <section aria-labelledby="next-heading" className="schedule-section">
      <h3 id="next-heading">Next appointments</h3>
      {coming.length === 0 ? (
        <p className="quiet">Nothing is planned in the coming 12 weeks.</p>
      ) : (
        <ul className="appointment-list">
          {coming.map((appointment) => (
            <AppointmentItem
              key={appointment.id}
              appointment={appointment}
              page={page}
              people={people}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function AppointmentItem({
  appointment,
  page,
  people,
}: {
  appointment: Appointment;
  page: RelationshipPage;
  people: People;
}) {
  const when = whenWithZone(appointment.startsAt);
  const cancelled = appointment.status === 'cancelled';
  const checkIn = awaitsCheckIn(page, appointment, people.viewer);
  return (
    <li className={cancelled ? 'appointment appointment-cancelled' : 'appointment'}>
      <p className="appointment-when">
        <strong>{when}</strong>
        <span className="quiet">
          {' '}
          · {KIND_WORDS[appointment.kind]} · {minutes(appointment.durationMinutes)}
        </span>
      </p>
      {cancelled ? (
        <p className="appointment-state">{cancelledWords(appointment, people)}</p>
      ) : null}
      {cancelled && !checkIn ? null : (
        <p className="appointment-actions">
          {cancelled ? null : (
            <a
              href={appointmentCalendarUrl(appointment.id)}
              download
              className="button button-quiet button-small"
            >
              Add to calendar<span className="visually-hidden">: {when}</span>
            </a>
          )}
          {checkIn ? (
            <Link to={checkInLink(appointment)} className="button button-quiet button-small">
              Fill in your check-in
              <span className="visually-hidden"> for the session on {when}</span>
            </Link>
          ) : null}
        </p>
      )}
    </li>
  );
}
