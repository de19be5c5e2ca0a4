import { Link } from 'react-router';
import type {
  Agreement,
  AgreementRule,
  TextField as AgreementTextField,
} from '../../../api/agreement';
import {
  appliesWords,
  capitalise,
  fieldName,
  frequencyWords,
  oneSidedNote,
  type People,
  replyWords,
} from './agreementWords';

/** What a version says, section by section, under friendly headings. */
export function AgreementSections({
  agreement,
  people,
  level,
}: {
  agreement: Agreement;
  people: People;
  level: 4 | 5;
}) {
  const H = level === 4 ? 'h4' : 'h5';
  const texts = (field: AgreementTextField) =>
    agreement[field].trim() ? (
      <p className="agreement-text">{agreement[field]}</p>
    ) : (
      <p className="quiet">Not written down.</p>
    );
  return (
    <div className="agreement-sections">
      <section className="agreement-section">
        <H>{fieldName('contact', people)}</H>
        {texts('contact')}
      </section>
      <section className="agreement-section">
        <H>Reply time</H>
        <p>{replyWords(agreement.replyTimeHours)}.</p>
      </section>
      <section className="agreement-section">
        <H>How often we meet</H>
        <p>{frequencyWords(agreement.sessionFrequencyDays)}.</p>
      </section>
      <section className="agreement-section">
        <H>{fieldName('availability', people)}</H>
        {texts('availability')}
      </section>
      <section className="agreement-section">
        <H>{fieldName('scheduling', people)}</H>
        {texts('scheduling')}
      </section>
      <section className="agreement-section">
        <H>Rules of the room</H>
        {agreement.roomRules.trim() || agreement.rules.length === 0 ? texts('roomRules') : null}
        {agreement.rules.length > 0 ? (
          <ul className="agreement-rules">
            {keyedRules(agreement.rules).map(({ key, rule }) => (
              <RuleItem key={key} rule={rule} people={people} />
            ))}
          </ul>
        ) : null}
      </section>
      <section className="agreement-section">
        <H>{fieldName('emergency', people)}</H>
        {texts('emergency')}
        <p className="small">
          Attune is not an emergency service. If you are in danger or might hurt yourself, call your
          local emergency number now. <Link to="/help">See crisis resources</Link>
        </p>
      </section>
    </div>
  );
}

/** Rules are a plain list on the wire: their words (and which of the same words) name them. */
function keyedRules(rules: AgreementRule[]): { key: string; rule: AgreementRule }[] {
  const seen = new Map<string, number>();
  return rules.map((rule) => {
    const n = (seen.get(rule.text) ?? 0) + 1;
    seen.set(rule.text, n);
    return { key: `${n}:${rule.text}`, rule };
  });
}

function RuleItem({ rule, people }: { rule: AgreementRule; people: People }) {
  const note = oneSidedNote(people, rule.appliesTo);
  return (
    <li className="agreement-rule">
      <p className="agreement-text">{rule.text}</p>
      <p className="rule-who">{capitalise(appliesWords(people, rule.appliesTo))}</p>
      {note ? <p className="rule-note">{note}</p> : null}
    </li>
  );
}
