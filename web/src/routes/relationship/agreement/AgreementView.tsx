import type { Agreement, Role } from '../../../api/agreement';
import { useAnnounce } from '../../../components/Announcer';
import { FormMessage } from '../../../components/FormMessage';
import { longDate } from '../../../words';
import { AgreementSections } from './AgreementSections';
import { awaitsAcknowledgement, useAcknowledge } from './acknowledge';
import { useFocusLater } from './agreementFocus';
import { NameOf, nameOf, type People } from './agreementWords';

/** In place of the latest version while there is none: what will be here, for whom. */
export function EmptyAgreement({ people }: { people: People }) {
  if (people.viewer === 'therapist') {
    return (
      <p className="empty agreement-empty">
        You haven't written an agreement with {people.other} yet. Writing it down — how to reach
        you, how soon you reply, the rules of the room — keeps the frame clear and the same for both
        of you.
      </p>
    );
  }
  if (!people.solo) {
    return (
      <p className="empty agreement-empty">
        {people.other} hasn't written an agreement yet. When they do, it will be here for you to
        read, and you'll be asked to acknowledge it.
      </p>
    );
  }
  return (
    <p className="empty agreement-empty">
      Nothing here yet. Whenever you like, you can write down what you understood was agreed with{' '}
      {people.other}. You can change it at any time.
    </p>
  );
}

/** The latest version, who has acknowledged it, and the acknowledgement when it is asked for. */
export function CurrentAgreement({
  agreement,
  people,
  relationshipId,
  headingId,
}: {
  agreement: Agreement;
  people: People;
  relationshipId: string;
  headingId: string;
}) {
  const announce = useAnnounce();
  const focusLater = useFocusLater();
  const ack = useAcknowledge(relationshipId);
  const ackId = `agreement-${relationshipId}-acknowledged`;
  const { viewer } = people;
  const otherRole: Role = viewer === 'client' ? 'therapist' : 'client';
  const asked = awaitsAcknowledgement(agreement, viewer) && !people.ended;
  const solosOwn = people.solo && agreement.author.role === 'client';

  async function acknowledge() {
    const done = await ack.acknowledge(agreement.version);
    if (!done) return;
    announce(`Acknowledged. ${people.other} can see that you've read version ${done.version}.`);
    focusLater(ackId);
  }

  return (
    <section aria-labelledby={headingId} className="card agreement-current">
      <h3 id={headingId} tabIndex={-1}>
        {solosOwn && viewer === 'client' ? 'What you understood was agreed' : 'Your agreement'}
      </h3>
      <p className="quiet small agreement-meta">
        Version {agreement.version} · written by {nameOf(people, agreement.author.role)} on{' '}
        <time dateTime={agreement.createdAt}>{longDate(agreement.createdAt)}</time>
      </p>
      {people.solo ? (
        <p className="small">Only you can see this. {people.therapistName} isn't told of it.</p>
      ) : (
        <ul className="plain-list agreement-acks">
          {agreement.author.role !== viewer ? (
            <li id={ackId} tabIndex={-1}>
              <AckWords people={people} role={viewer} at={agreement.acknowledgedAt[viewer]} />
            </li>
          ) : null}
          {agreement.author.role !== otherRole ? (
            <li>
              <AckWords people={people} role={otherRole} at={agreement.acknowledgedAt[otherRole]} />
            </li>
          ) : null}
        </ul>
      )}
      <AgreementSections agreement={agreement} people={people} level={4} />
      {asked ? (
        <div className="agreement-ack-box">
          <p className="small">
            Acknowledging tells {people.other} you've read version {agreement.version}. It doesn't
            mean you agree with every word; anything in it can be talked about together.
          </p>
          <button
            type="button"
            className="button button-primary"
            aria-disabled={ack.pending || undefined}
            onClick={() => {
              if (!ack.pending) void acknowledge();
            }}
          >
            Acknowledge<span className="visually-hidden"> version {agreement.version}</span>
          </button>
        </div>
      ) : null}
      <FormMessage message={ack.message} />
    </section>
  );
}

function AckWords({ people, role, at }: { people: People; role: Role; at: string | null }) {
  const who = NameOf(people, role);
  if (at) {
    return (
      <>
        {who} acknowledged this on <time dateTime={at}>{longDate(at)}</time>.
      </>
    );
  }
  return role === people.viewer ? (
    <>You haven't acknowledged this version yet.</>
  ) : (
    <>{who} hasn't acknowledged this version yet.</>
  );
}
