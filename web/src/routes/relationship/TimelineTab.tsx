import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  type Appointment,
  type Checkin,
  type Marker,
  type RelationshipPage,
  refresh,
  updateCheckin,
} from '../../api/relationships';
import { type Rupture, useRuptures } from '../../api/ruptures';
import { useAnnounce } from '../../components/Announcer';
import { MarkerNote } from '../../components/MarkerNote';
import {
  KIND_WORDS,
  longDate,
  minutes,
  STATUS_WORDS,
  tensionInWords,
  timeOfDay,
} from '../../words';
import { SCORE_MAX } from '../check-in/items';
import { writeAboutIt } from '../ruptures/links';
import { STATUS_WORDS as RUPTURE_STATUS_WORDS } from '../ruptures/ruptureWords';

type Viewer = 'client' | 'therapist';

const KIND_ORDER: Marker['kind'][] = ['drop', 'tension', 'unnoticed', 'overdue-reply', 'gap'];

/** Markers with the most telling first: a lower score, then tension, then tension unseen. */
export function byKind(markers: Marker[]): Marker[] {
  return [...markers].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

export function checkInLink(appointment: Appointment): string {
  return `/appointments/${appointment.id}/check-in?relationship=${appointment.relationshipId}`;
}

/**
 * A past appointment, held (or planned and not marked otherwise since), that the viewer has not
 * checked in about yet.
 */
export function awaitsCheckIn(page: RelationshipPage, appointment: Appointment, viewer: Viewer) {
  return (
    (appointment.status === 'held' || appointment.status === 'scheduled') &&
    new Date(appointment.startsAt).getTime() <= Date.now() &&
    !page.checkins.some((c) => c.appointmentId === appointment.id && c.respondent === viewer)
  );
}

export function TimelineTab({
  page,
  viewer,
  onOpenSchedule,
}: {
  page: RelationshipPage;
  viewer: Viewer;
  onOpenSchedule: () => void;
}) {
  const appointments = [...page.appointments].sort(
    (a, b) => new Date(b.startsAt).getTime() - new Date(a.startsAt).getTime(),
  );
  const ruptures = useRuptures(page.relationship.id).data ?? [];
  // Sessions and rupture records in one line of time, newest first.
  const entries: ({ at: number; appointment: Appointment } | { at: number; rupture: Rupture })[] = [
    ...appointments.map((appointment) => ({
      at: new Date(appointment.startsAt).getTime(),
      appointment,
    })),
    ...ruptures.map((rupture) => ({ at: new Date(rupture.occurredAt).getTime(), rupture })),
  ].sort((a, b) => b.at - a.at);
  const unplaced = page.markers.filter(
    (m) => !m.appointmentId || !page.appointments.some((a) => a.id === m.appointmentId),
  );

  return (
    <div className="tab-body">
      <h2 className="visually-hidden">Timeline</h2>
      {entries.length === 0 ? (
        <div className="card empty-invite">
          <p>
            Nothing here yet. When you add your sessions, they will line up here, newest first, with
            each check-in beside its session.
          </p>
          <button type="button" className="button button-quiet" onClick={onOpenSchedule}>
            Add a session
          </button>
        </div>
      ) : (
        <ol className="timeline">
          {entries.map((entry) =>
            'rupture' in entry ? (
              <RuptureEntry key={entry.rupture.id} rupture={entry.rupture} viewer={viewer} />
            ) : (
              <TimelineEntry
                key={entry.appointment.id}
                page={page}
                appointment={entry.appointment}
                viewer={viewer}
              />
            ),
          )}
        </ol>
      )}
      {unplaced.length > 0 ? (
        <section aria-labelledby="other-notes" className="timeline-extra">
          <h3 id="other-notes">Also noticed</h3>
          {unplaced.map((marker) => (
            <MarkerNote key={`${marker.kind}-${marker.at}`} markers={[marker]} />
          ))}
        </section>
      ) : null}
    </div>
  );
}

function RuptureEntry({ rupture, viewer }: { rupture: Rupture; viewer: Viewer }) {
  return (
    <li className="timeline-entry timeline-rupture">
      <h3>
        <Link to={`/ruptures/${rupture.id}`}>{rupture.title}</Link>
      </h3>
      <p className="quiet timeline-meta">
        {longDate(rupture.occurredAt)} · a rupture record · {RUPTURE_STATUS_WORDS[rupture.status]}
        {viewer === 'client' ? (rupture.visibility === 'shared' ? ' · shared' : ' · private') : ''}
      </p>
    </li>
  );
}

function TimelineEntry({
  page,
  appointment,
  viewer,
}: {
  page: RelationshipPage;
  appointment: Appointment;
  viewer: Viewer;
}) {
  const future = new Date(appointment.startsAt).getTime() > Date.now();
  const checkins = page.checkins.filter((c) => c.appointmentId === appointment.id);
  const clientCheckin = checkins.find((c) => c.respondent === 'client');
  const therapistCheckin = checkins.find((c) => c.respondent === 'therapist');
  const markers = byKind(page.markers.filter((m) => m.appointmentId === appointment.id));
  const ordered =
    viewer === 'client' ? [clientCheckin, therapistCheckin] : [therapistCheckin, clientCheckin];

  return (
    <li className={`timeline-entry${future ? ' timeline-future' : ''}`}>
      <h3>
        {longDate(appointment.startsAt)}, {timeOfDay(appointment.startsAt)}
      </h3>
      <p className="quiet timeline-meta">
        {KIND_WORDS[appointment.kind]} · {minutes(appointment.durationMinutes)} ·{' '}
        {future && appointment.status === 'scheduled'
          ? 'Coming up'
          : STATUS_WORDS[appointment.status]}
      </p>
      {ordered.map((checkin) =>
        checkin ? (
          <CheckinSummary key={checkin.id} page={page} checkin={checkin} viewer={viewer} />
        ) : null,
      )}
      {markers.length > 0 ? (
        <MarkerNote markers={markers}>
          {viewer === 'client' && markers[0] ? (
            <Link
              to={writeAboutIt(page.relationship.id, markers[0])}
              className="button button-quiet button-small"
            >
              Write about it
            </Link>
          ) : null}
        </MarkerNote>
      ) : null}
      {awaitsCheckIn(page, appointment, viewer) ? (
        <p>
          <Link to={checkInLink(appointment)} className="button button-quiet">
            Fill in your check-in<span className="visually-hidden"> for this session</span>
          </Link>
        </p>
      ) : null}
    </li>
  );
}

function CheckinSummary({
  page,
  checkin,
  viewer,
}: {
  page: RelationshipPage;
  checkin: Checkin;
  viewer: Viewer;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const mine = checkin.respondent === viewer;
  const therapistName = page.relationship.therapistName;
  const whose = mine
    ? 'Your check-in'
    : checkin.respondent === 'client'
      ? `${page.clientName}'s check-in`
      : `${therapistName}'s check-in`;
  const canShare = mine && viewer === 'client' && page.relationship.mode === 'connected';

  async function toggleSharing() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await updateCheckin(checkin.id, { shared: !checkin.shared });
      await refresh(queryClient, page.relationship.id);
      announce(
        checkin.shared
          ? 'This check-in is now private. Only you can see it.'
          : `This check-in is now shared with ${therapistName}.`,
      );
    } catch {
      setProblem("We couldn't change that just now. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="checkin-summary">
      <p>
        <strong>{whose}:</strong> {checkin.score} of {SCORE_MAX} · tension:{' '}
        {tensionInWords(checkin.tension, checkin.resolved).toLowerCase()}
      </p>
      {checkin.note ? <p className="checkin-note">{checkin.note}</p> : null}
      {mine && viewer === 'client' && page.relationship.mode === 'connected' ? (
        <p className="quiet sharing">
          {checkin.shared ? `Shared with ${therapistName}.` : 'Private: only you can see it.'}{' '}
          {canShare ? (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => void toggleSharing()}
              aria-disabled={pending || undefined}
            >
              {checkin.shared ? 'Make it private' : `Share with ${therapistName}`}
            </button>
          ) : null}
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
