import { useEffect, useId, useRef, useState } from 'react';
import { useAgreement } from '../../api/agreement';
import type { RelationshipPage } from '../../api/relationships';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { awaitsAcknowledgement, useAcknowledge } from './agreement/acknowledge';
import { showAgreementChanges } from './agreement/agreementFocus';
import { fieldName, type People, peopleOf } from './agreement/agreementWords';
import './agreement.css';

/**
 * A calm note while the latest version of the agreement, written by the other member, waits to be
 * read and acknowledged: what changed, a way to the changes, and the acknowledgement itself.
 * Self-contained (it fetches the agreement), so it can stand on any screen of the relationship.
 */
export function AgreementBanner({
  page,
  viewer,
  onOpen,
  headingLevel = 2,
}: {
  page: RelationshipPage;
  viewer: 'client' | 'therapist';
  /** Shows the Agreement tab (or goes to it); the banner then asks it to focus the changes. */
  onOpen: () => void;
  /** The level of the banner's heading, to fit the page it is placed in. */
  headingLevel?: 2 | 3;
}) {
  const relationshipId = page.relationship.id;
  const agreement = useAgreement(relationshipId);
  const people = peopleOf(page, viewer);
  const announce = useAnnounce();
  const ack = useAcknowledge(relationshipId);
  const headingId = useId();
  const doneRef = useRef<HTMLParagraphElement>(null);
  const [acknowledged, setAcknowledged] = useState<number | null>(null);
  const latest = agreement.data ?? null;
  const waiting =
    latest !== null &&
    page.relationship.status === 'active' &&
    awaitsAcknowledgement(latest, viewer);
  const waitingVersion = waiting ? latest.version : null;

  // A version arriving while the page is open (a live update) is announced, calmly, once.
  const seen = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (!agreement.isSuccess) return;
    const before = seen.current;
    seen.current = waitingVersion;
    if (before !== undefined && waitingVersion !== null && waitingVersion !== before) {
      announce(`${people.other} updated your agreement. You can read what changed.`);
    }
  }, [agreement.isSuccess, waitingVersion, announce, people.other]);

  useEffect(() => {
    if (acknowledged !== null) doneRef.current?.focus();
  }, [acknowledged]);

  const Heading = headingLevel === 3 ? 'h3' : 'h2';

  if (acknowledged !== null && !waiting && latest?.version === acknowledged) {
    return (
      <section aria-labelledby={headingId} className="agreement-banner agreement-banner-done">
        <Heading id={headingId} className="visually-hidden">
          Your agreement
        </Heading>
        <p ref={doneRef} tabIndex={-1}>
          Thank you. {people.other} can see that you've read version {acknowledged}.
        </p>
      </section>
    );
  }
  if (!waiting) return null;

  const { version, changes } = latest;
  const first = version === 1 || changes.length === 0;
  const open = () => {
    showAgreementChanges(relationshipId, version);
    onOpen();
  };
  const acknowledge = async () => {
    if (ack.pending) return;
    const done = await ack.acknowledge(version);
    if (!done) return;
    setAcknowledged(done.version);
    announce(`Acknowledged. ${people.other} can see that you've read version ${done.version}.`);
  };

  return (
    <section aria-labelledby={headingId} className="agreement-banner">
      <Heading id={headingId} className="agreement-banner-heading">
        {title(people, latest.author.role, version, first)}
      </Heading>
      {first ? (
        <p>
          It sets out how you reach each other, how soon replies come, how often you meet and the
          rules of the room.
        </p>
      ) : (
        <>
          <p id={`${headingId}-changed`} className="agreement-banner-lead">
            What changed:
          </p>
          <ul aria-labelledby={`${headingId}-changed`} className="agreement-banner-changes">
            {changes.map((change) => (
              <li key={change.field}>{fieldName(change.field, people)}</li>
            ))}
          </ul>
        </>
      )}
      <p className="small">
        Acknowledging tells {people.other} you've read it. It doesn't mean you agree with every
        word; anything in it can be talked about together.
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={open}>
          {first ? 'Read it' : 'See what changed'}
        </button>
        <button
          type="button"
          className="button button-quiet"
          aria-disabled={ack.pending || undefined}
          onClick={() => void acknowledge()}
        >
          Acknowledge<span className="visually-hidden"> version {version}</span>
        </button>
      </div>
      <FormMessage message={ack.message} />
    </section>
  );
}

function title(people: People, author: 'client' | 'therapist', version: number, first: boolean) {
  const who = author === 'client' ? people.clientName : people.therapistName;
  if (author === 'client') {
    return first
      ? `${who} wrote down what they understood was agreed (version ${version})`
      : `${who} updated what they understood was agreed (version ${version})`;
  }
  return first
    ? `${who} wrote down your agreement (version ${version})`
    : `${who} updated your agreement (version ${version})`;
}
