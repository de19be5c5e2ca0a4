import { Link } from 'react-router';
import type { User } from '../../api/auth';
import type { RelationshipPage } from '../../api/relationships';
import {
  type PatternRules,
  type Patterns,
  RUPTURE_KINDS,
  RUPTURE_STATUSES,
  type Rupture,
  usePatterns,
  useRuptures,
} from '../../api/ruptures';
import { shortDate } from '../../words';
import {
  KIND_NAMES,
  observationWords,
  REPAIR_WORDS,
  RUPTURE_MEANING,
  STATUS_WORDS,
} from '../ruptures/ruptureWords';
import { GoodMoments } from './GoodMoments';
import '../ruptures/ruptures.css';

/** The Ruptures tab: the records, the patterns they show, and (for the client) good moments. */
export function RupturesTab({ page, viewer }: { page: RelationshipPage; viewer: User['role'] }) {
  const { relationship } = page;
  const ruptures = useRuptures(relationship.id);
  const therapist = relationship.therapistName;
  return (
    <div className="ruptures-tab">
      {viewer === 'client' ? (
        <>
          <p>{RUPTURE_MEANING}</p>
          <p>
            <Link
              className="button button-primary"
              to={`/relationships/${relationship.id}/ruptures/write`}
            >
              Write about something that happened
            </Link>
          </p>
        </>
      ) : (
        <p>
          Records {page.clientName} chose to share with you. Anything kept private is not shown, and
          is not counted below.
        </p>
      )}
      <h3>Records</h3>
      {ruptures.isPending ? (
        <p className="quiet">Loading…</p>
      ) : ruptures.isError ? (
        <p>{ruptures.error.message}</p>
      ) : ruptures.data.length === 0 ? (
        <p className="empty">
          {viewer === 'client'
            ? 'Nothing here yet. When something feels off, you can write about it here, just for you.'
            : `${page.clientName} hasn't shared a record with you.`}
        </p>
      ) : (
        <ul className="plain-list rupture-list">
          {ruptures.data.map((r) => (
            <RuptureItem key={r.id} rupture={r} viewer={viewer} therapist={therapist} />
          ))}
        </ul>
      )}
      <PatternsPanel page={page} viewer={viewer} />
      {viewer === 'client' ? (
        <div id="good-moments">
          <GoodMoments
            relationshipId={relationship.id}
            therapistName={therapist}
            headingLevel={3}
          />
        </div>
      ) : null}
      {viewer === 'client' ? (
        <p className="quiet">
          <Link to="/parts">Your parts</Link> (optional): name parts of yourself and tag them on
          records.
        </p>
      ) : null}
    </div>
  );
}

function RuptureItem({
  rupture,
  viewer,
  therapist,
}: {
  rupture: Rupture;
  viewer: User['role'];
  therapist: string;
}) {
  return (
    <li className="card rupture-item">
      <Link to={`/ruptures/${rupture.id}`} className="rupture-link">
        {rupture.title}
      </Link>
      <span className="quiet">
        {' '}
        · {shortDate(rupture.occurredAt)} · {STATUS_WORDS[rupture.status]}
        {viewer === 'client'
          ? rupture.visibility === 'shared'
            ? ` · shared with ${therapist}`
            : ' · private'
          : ''}
      </span>
    </li>
  );
}

function PatternsPanel({ page, viewer }: { page: RelationshipPage; viewer: User['role'] }) {
  const patterns = usePatterns(page.relationship.id);
  if (patterns.isPending) return null;
  if (patterns.isError) return <p>{patterns.error.message}</p>;
  const { patterns: p, rules } = patterns.data;
  if (p.total === 0) return null;
  return (
    <section aria-labelledby="patterns-heading" className="patterns">
      <h3 id="patterns-heading">Patterns</h3>
      <p className="quiet small">
        Counted from {viewer === 'client' ? 'your records' : 'the records shared with you'} by the
        rules shown with each line. This is information, not a judgement of anyone.
      </p>
      <PatternCounts patterns={p} />
      <Observations
        title="Strengths"
        items={p.strengths}
        page={page}
        viewer={viewer}
        empty="Nothing here yet."
        rules={rules.strengths}
      />
      <Observations
        title={viewer === 'client' ? 'Worth bringing up (red flags)' : 'Red flags'}
        items={p.redFlags}
        page={page}
        viewer={viewer}
        empty="None of the red-flag rules applies right now."
        rules={rules.redFlags}
      />
    </section>
  );
}

function PatternCounts({ patterns: p }: { patterns: Patterns }) {
  return (
    <div className="pattern-counts">
      <table className="data-table">
        <caption>By shape</caption>
        <tbody>
          {[...RUPTURE_KINDS, 'unspecified' as const].map((kind) => (
            <tr key={kind}>
              <th scope="row">{KIND_NAMES[kind]}</th>
              <td>{p.byKind[kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="data-table">
        <caption>Where they are</caption>
        <tbody>
          {RUPTURE_STATUSES.map((status) => (
            <tr key={status}>
              <th scope="row">{STATUS_WORDS[status]}</th>
              <td>{p.byStatus[status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {p.medianDaysToRepair === null
          ? 'No record is marked repaired yet.'
          : `From rupture to repaired took ${p.medianDaysToRepair} days (the median of ${p.repairedCount}).`}
      </p>
      {p.repairKindsBeforeRepair.length > 0 ? (
        <>
          <p>Steps taken before a repair:</p>
          <ul>
            {p.repairKindsBeforeRepair.map((r) => (
              <li key={r.kind}>
                {REPAIR_WORDS[r.kind]}: in {r.ruptures} {r.ruptures === 1 ? 'record' : 'records'}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function Observations({
  title,
  items,
  page,
  viewer,
  empty,
  rules,
}: {
  title: string;
  items: Patterns['strengths'];
  page: RelationshipPage;
  viewer: User['role'];
  empty: string;
  /** Every rule of the panel in words, shown when none applies (each shown line says its own). */
  rules: PatternRules['strengths'];
}) {
  const names = { therapist: page.relationship.therapistName, client: page.clientName, viewer };
  return (
    <div className="observations card">
      <h4>{title}</h4>
      {items.length === 0 ? (
        <>
          <p className="quiet">{empty}</p>
          <ul className="quiet small">
            {rules.map((r) => (
              <li key={r.id}>{r.rule}</li>
            ))}
          </ul>
        </>
      ) : (
        <ul className="plain-list">
          {items.map((o) => (
            <li key={o.id}>
              <p>{observationWords(o, names)}</p>
              <p className="quiet small">{o.rule}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
