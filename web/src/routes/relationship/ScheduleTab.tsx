import { useQueryClient } from '@tanstack/react-query';
import type { RelationshipPage } from '../../api/relationships';
import { useScheduleLive } from '../../api/schedule';
import { Agenda } from './Agenda';
import { CalendarFeed } from './schedule/CalendarFeed';
import { CoupleConsent } from './schedule/CoupleConsent';
import { GapNote } from './schedule/GapNote';
import { comingAppointments, NextAppointments } from './schedule/NextAppointments';
import { RegularTime } from './schedule/RegularTime';
import { Requests } from './schedule/Requests';
import { AddSession, SessionRow } from './schedule/Sessions';
import { TimeOffNote } from './schedule/TimeOffNote';
import type { People } from './schedule/words';
import './schedule/schedule.css';

export function ScheduleTab({
  page,
  viewer,
}: {
  page: RelationshipPage;
  viewer: 'client' | 'therapist';
}) {
  const queryClient = useQueryClient();
  useScheduleLive(queryClient);
  const { relationship } = page;
  const ended = relationship.status === 'ended';
  const connected = relationship.mode === 'connected';
  const client = viewer === 'client';
  const people: People = {
    viewer,
    other: client ? relationship.therapistName : page.clientName,
  };
  const next = comingAppointments(page.appointments).find((a) => a.status === 'scheduled');
  const appointments = [...page.appointments].sort(
    (a, b) => new Date(b.startsAt).getTime() - new Date(a.startsAt).getTime(),
  );
  return (
    <div className="tab-body schedule-tab">
      <h2 className="visually-hidden">Schedule</h2>
      {client && !ended ? (
        <Agenda
          relationshipId={relationship.id}
          therapistName={relationship.therapistName}
          nextAppointmentAt={next?.startsAt ?? null}
          headingLevel={3}
        />
      ) : null}
      {client && !ended ? (
        <CoupleConsent
          relationshipId={relationship.id}
          therapistName={relationship.therapistName}
        />
      ) : null}
      <NextAppointments page={page} people={people} />
      {client && !ended ? (
        <GapNote relationship={relationship} appointments={page.appointments} />
      ) : null}
      {connected && !ended ? (
        <TimeOffNote
          relationshipId={relationship.id}
          therapistName={client ? relationship.therapistName : null}
        />
      ) : null}
      <RegularTime relationship={relationship} people={people} />
      {client && connected && !ended ? (
        <Requests
          relationshipId={relationship.id}
          people={people}
          appointments={page.appointments}
        />
      ) : null}
      {ended ? (
        <p className="note">This relationship has ended, so no new sessions can be added.</p>
      ) : (
        <AddSession relationshipId={relationship.id} />
      )}
      <section aria-labelledby="sessions-heading" className="sessions">
        <h3 id="sessions-heading">Sessions</h3>
        {appointments.length === 0 ? (
          <p className="quiet">No sessions yet.</p>
        ) : (
          <ul className="session-list">
            {appointments.map((appointment) => (
              <SessionRow key={appointment.id} appointment={appointment} />
            ))}
          </ul>
        )}
      </section>
      {client ? <CalendarFeed /> : null}
    </div>
  );
}
