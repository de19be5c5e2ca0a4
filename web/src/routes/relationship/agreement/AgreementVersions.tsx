import { type ReactNode, useId } from 'react';
import { type Agreement, type AgreementChange, useAgreementVersions } from '../../../api/agreement';
import { longDate } from '../../../words';
import { RuleChanges, TextDiff } from './AgreementDiff';
import { AgreementSections } from './AgreementSections';
import { useChangesRequest, versionHeadingId } from './agreementFocus';
import { fieldName, frequencyWords, nameOf, type People, replyWords } from './agreementWords';

/** Every version, newest first, each with what changed from the one before it. */
export function AgreementVersions({
  people,
  relationshipId,
}: {
  people: People;
  relationshipId: string;
}) {
  const versions = useAgreementVersions(relationshipId);
  const headingId = useId();
  useChangesRequest(relationshipId, versions.data);
  return (
    <section aria-labelledby={headingId} className="agreement-versions">
      <h3 id={headingId}>Versions</h3>
      <p className="quiet small">
        Every version is kept, newest first, with what changed from the one before it.
      </p>
      {versions.isPending ? (
        <p className="quiet">Loading…</p>
      ) : versions.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load the versions just now. {versions.error.message}</p>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void versions.refetch()}
          >
            Try again
          </button>
        </div>
      ) : (
        <ol className="version-list">
          {versions.data.map((version) => (
            <VersionEntry
              key={version.id}
              version={version}
              people={people}
              relationshipId={relationshipId}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function VersionEntry({
  version,
  people,
  relationshipId,
}: {
  version: Agreement;
  people: People;
  relationshipId: string;
}) {
  return (
    <li className="card version-entry">
      <h4 id={versionHeadingId(relationshipId, version.version)} tabIndex={-1}>
        Version {version.version}
      </h4>
      <p className="quiet small">
        Written by {nameOf(people, version.author.role)} on{' '}
        <time dateTime={version.createdAt}>{longDate(version.createdAt)}</time>
      </p>
      {version.version === 1 ? (
        <p>The first version.</p>
      ) : version.changes.length === 0 ? (
        <p>Nothing changed from version {version.version - 1}.</p>
      ) : (
        <>
          <p className="change-intro">What changed from version {version.version - 1}:</p>
          <ul className="change-list">
            {version.changes.map((change) => (
              <ChangeItem key={change.field} change={change} people={people} />
            ))}
          </ul>
        </>
      )}
      <details className="version-full">
        <summary>Read version {version.version} in full</summary>
        <AgreementSections agreement={version} people={people} level={5} />
      </details>
    </li>
  );
}

function ChangeItem({ change, people }: { change: AgreementChange; people: People }) {
  let body: ReactNode;
  if (change.ruleChanges) {
    body = <RuleChanges changes={change.ruleChanges} people={people} />;
  } else if (change.diff) {
    body = <TextDiff parts={change.diff} />;
  } else if (change.field === 'replyTimeHours') {
    body = (
      <BeforeAfter
        before={typeof change.before === 'number' ? replyWords(change.before) : 'Not set'}
        after={typeof change.after === 'number' ? replyWords(change.after) : 'Not set'}
      />
    );
  } else {
    const days = (value: AgreementChange['before']) =>
      frequencyWords(typeof value === 'number' ? value : null);
    body = <BeforeAfter before={days(change.before)} after={days(change.after)} />;
  }
  return (
    <li className="change">
      <p className="change-field">{fieldName(change.field, people)}</p>
      {body}
    </li>
  );
}

function BeforeAfter({ before, after }: { before: string; after: string }) {
  return (
    <p className="change-numbers">
      <span className="visually-hidden">Was: </span>
      <del>{before}</del> <span aria-hidden="true">→</span>
      <span className="visually-hidden">, now: </span> <ins>{after}</ins>
    </p>
  );
}
