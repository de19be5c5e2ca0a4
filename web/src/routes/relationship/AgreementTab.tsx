import { useState } from 'react';
import { type Agreement, useAgreement } from '../../api/agreement';
import type { RelationshipPage } from '../../api/relationships';
import { AgreementEditor } from './agreement/AgreementEditor';
import { AgreementVersions } from './agreement/AgreementVersions';
import { CurrentAgreement, EmptyAgreement } from './agreement/AgreementView';
import { useFocusLater } from './agreement/agreementFocus';
import { type People, peopleOf } from './agreement/agreementWords';
import './agreement.css';

/**
 * The Agreement tab: the frame of the work written down. The latest version (or what will be
 * there), the form that writes the next one, and every version with its changes.
 */
export function AgreementTab({
  page,
  viewer,
}: {
  page: RelationshipPage;
  viewer: 'client' | 'therapist';
}) {
  const people = peopleOf(page, viewer);
  const relationshipId = page.relationship.id;
  const agreement = useAgreement(relationshipId);
  return (
    <div className="tab-body agreement-tab">
      <h2 className="visually-hidden">Agreement</h2>
      <p>{intro(people)}</p>
      {agreement.isPending ? (
        <p className="quiet">Loading…</p>
      ) : agreement.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load the agreement just now. {agreement.error.message}</p>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void agreement.refetch()}
          >
            Try again
          </button>
        </div>
      ) : (
        <AgreementBody agreement={agreement.data} people={people} relationshipId={relationshipId} />
      )}
    </div>
  );
}

function intro(people: People): string {
  const { other } = people;
  if (people.viewer === 'therapist') {
    return `The frame of your work with ${other}: how you reach each other, how soon you reply, how often you meet, the rules of the room and what to do in an emergency. Every save becomes a new version, and ${other} is asked to acknowledge it.`;
  }
  if (people.solo) {
    return `What you understood was agreed with ${other}, in your own words: how you reach each other, how soon replies come, how often you meet and the rules of the room. Only you can see it, and every change is kept as a version.`;
  }

  return `The frame of your work with ${other}: how you reach each other, how soon replies come, how often you meet and the rules of the room. ${other} writes it down; every change becomes a new version you can compare, and you're asked to acknowledge it.`;
}

function AgreementBody({
  agreement,
  people,
  relationshipId,
}: {
  agreement: Agreement | null;
  people: People;
  relationshipId: string;
}) {
  const currentId = `agreement-${relationshipId}-current`;
  const editId = `agreement-${relationshipId}-edit`;
  const focusLater = useFocusLater();
  // A fresh form after saving or discarding: it starts again from what the agreement says.
  const [fresh, setFresh] = useState(0);
  const canWrite = people.viewer === people.writer && !people.ended;
  return (
    <>
      {agreement ? (
        <CurrentAgreement
          agreement={agreement}
          people={people}
          relationshipId={relationshipId}
          headingId={currentId}
        />
      ) : (
        <EmptyAgreement people={people} />
      )}
      {people.ended ? (
        <p className="note">
          This relationship has ended, so its agreement can no longer change. It stays here to read.
        </p>
      ) : null}
      {canWrite ? (
        <AgreementEditor
          key={`${agreement?.version ?? 0}:${fresh}`}
          agreement={agreement}
          people={people}
          relationshipId={relationshipId}
          openId={editId}
          onDone={(outcome) => {
            setFresh((n) => n + 1);
            focusLater(outcome === 'saved' ? currentId : editId);
          }}
        />
      ) : null}
      {agreement ? <AgreementVersions people={people} relationshipId={relationshipId} /> : null}
    </>
  );
}
