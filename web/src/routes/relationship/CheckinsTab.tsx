import { lazy, Suspense } from 'react';
import type { RelationshipPage } from '../../api/relationships';
import { markerLabel, shortDate, TENSION_WORDS } from '../../words';
import { NOT_A_TEST, SCORE_MAX } from '../check-in/items';
import { type CheckinRow, checkinRows, distinctKinds } from './rows';

// The chart library is downloaded only when someone opens this tab.
const AllianceChart = lazy(() => import('./AllianceChart'));

type Viewer = 'client' | 'therapist';

function labels(page: RelationshipPage, viewer: Viewer) {
  const connected = page.relationship.mode === 'connected';
  return viewer === 'client'
    ? { client: 'You', therapist: connected ? page.relationship.therapistName : null }
    : { client: page.clientName, therapist: 'You' };
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The chart in one sentence, for screen readers (the table holds every value). */
function summarize(rows: CheckinRow[], page: RelationshipPage, viewer: Viewer): string {
  const names = labels(page, viewer);
  const whose = viewer === 'client' ? 'your' : `${page.clientName}'s`;
  const scores = rows.flatMap((r) => (r.client ? [r.client.score] : []));
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return 'Chart of check-in scores: none yet.';
  const parts = [
    `Chart of ${whose} check-in scores (0 to ${SCORE_MAX}) from ${shortDate(first.at)} to ${shortDate(last.at)}: ${scores.length} check-in${scores.length === 1 ? '' : 's'}`,
  ];
  const lastClient = [...rows].reverse().find((r) => r.client)?.client;
  if (lastClient && scores.length > 1) {
    parts.push(
      `the latest is ${lastClient.score}, and the average is about ${Math.round(mean(scores))}`,
    );
  }
  const theirs = rows.flatMap((r) => (r.therapist ? [r.therapist.score] : []));
  if (names.therapist !== null && theirs.length > 0) {
    parts.push(
      `${viewer === 'client' ? `${names.therapist}'s` : 'your'} ${theirs.length} check-in${theirs.length === 1 ? '' : 's'} average about ${Math.round(mean(theirs))}`,
    );
  }
  const noticed = rows.filter((r) => r.markers.length > 0).length;
  if (noticed > 0) {
    parts.push(`Attune noticed something after ${noticed} session${noticed === 1 ? '' : 's'}`);
  }
  return `${parts.join('; ')}. The table below lists every value.`;
}

export function CheckinsTab({ page, viewer }: { page: RelationshipPage; viewer: Viewer }) {
  const rows = checkinRows(page);
  const names = labels(page, viewer);
  const newestFirst = [...rows].reverse();

  if (rows.length === 0) {
    return (
      <div className="tab-body">
        <h2 className="visually-hidden">Check-ins</h2>
        <div className="card empty-invite">
          <p>
            No check-ins yet.{' '}
            {viewer === 'client'
              ? 'After a session, a two-minute check-in lets you notice how things are between you. They will gather here, as a line over time.'
              : `Check-ins ${page.clientName} shares with you, and your own, will gather here.`}
          </p>
        </div>
        <p className="quiet small">{NOT_A_TEST}</p>
      </div>
    );
  }

  return (
    <div className="tab-body">
      <h2 className="visually-hidden">Check-ins</h2>
      <p>
        Each score is the four check-in answers added up, from 0 to {SCORE_MAX}.
        {viewer === 'therapist'
          ? ` You see the check-ins ${page.clientName} chose to share, and your own.`
          : ''}
      </p>
      <Suspense fallback={<div className="chart-placeholder quiet">Loading the chart…</div>}>
        <AllianceChart
          rows={rows}
          viewer={viewer}
          clientLabel={names.client}
          therapistLabel={names.therapist}
          summary={summarize(rows, page, viewer)}
        />
      </Suspense>
      <div className="table-wrap">
        <table className="data-table">
          <caption>Check-in scores (0 to {SCORE_MAX}), newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">{names.client}</th>
              <th scope="col">{viewer === 'client' ? page.relationship.therapistName : 'You'}</th>
              <th scope="col">
                {viewer === 'client' ? null : (
                  <span className="visually-hidden">{page.clientName}'s </span>
                )}
                Tension
              </th>
            </tr>
          </thead>
          <tbody>
            {newestFirst.map((row) => (
              <tr key={row.appointmentId}>
                <th scope="row">
                  <span className="row-date">{shortDate(row.at)}</span>
                  {row.markers.length > 0 ? (
                    <span className="row-noticed">
                      Attune noticed:{' '}
                      {distinctKinds(row.markers)
                        .map((k) => markerLabel(k, viewer).toLowerCase())
                        .join('; ')}
                    </span>
                  ) : null}
                </th>
                <td>{row.client ? row.client.score : <NoValue />}</td>
                <td>{row.therapist ? row.therapist.score : <NoValue />}</td>
                <td>{row.client ? TENSION_WORDS[row.client.tension] : <NoValue />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="quiet small">
        {NOT_A_TEST} A marker is a question, not a verdict: Attune compares a check-in with the few
        before it and points out a clear dip or tension that was not eased.
      </p>
    </div>
  );
}

function NoValue({ words = 'No check-in' }: { words?: string }) {
  return (
    <>
      <span aria-hidden="true">–</span>
      <span className="visually-hidden">{words}</span>
    </>
  );
}
