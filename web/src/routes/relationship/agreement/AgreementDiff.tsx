import type { AgreementRule, DiffPart, RuleChange } from '../../../api/agreement';
import { appliesWords, type People, wordDiff } from './agreementWords';

/** Long unchanged stretches around a change are shortened; the full text is a click away. */
const KEEP_AROUND = 120;

function shorten(text: string, place: 'first' | 'middle' | 'last'): string {
  if (text.length <= KEEP_AROUND * 2 + 40) return text;
  const head = text.slice(0, KEEP_AROUND).replace(/\S*$/, '');
  const tail = text.slice(-KEEP_AROUND).replace(/^\S*/, '');
  if (place === 'first') return `…${tail}`;
  if (place === 'last') return `${head}…`;
  return `${head} … ${tail}`;
}

/** Words removed and added, marked in words (for screen readers) and by line and underline. */
export function TextDiff({ parts }: { parts: DiffPart[] }) {
  let offset = 0;
  const keyed = parts.map((part) => {
    const key = `${part.op}:${offset}`;
    offset += part.text.length;
    return { ...part, key };
  });
  const lastIndex = keyed.length - 1;
  return (
    <p className="agreement-diff">
      {keyed.map((part, index) => {
        if (part.op === 'removed') {
          return (
            <del key={part.key}>
              <span className="visually-hidden">removed: </span>
              {part.text}
            </del>
          );
        }
        if (part.op === 'added') {
          return (
            <ins key={part.key}>
              <span className="visually-hidden">added: </span>
              {part.text}
            </ins>
          );
        }
        const place = index === 0 ? 'first' : index === lastIndex ? 'last' : 'middle';
        return <span key={part.key}>{shorten(part.text, place)}</span>;
      })}
    </p>
  );
}

type RuleEntry =
  | { kind: 'added'; rule: AgreementRule }
  | { kind: 'removed'; rule: AgreementRule }
  | { kind: 'changed'; before: AgreementRule; after: AgreementRule }
  | { kind: 'reworded'; before: AgreementRule; after: AgreementRule; parts: DiffPart[] };

/**
 * The server lists a rewritten rule as one removed and one added. When the two stand side by side
 * and still share words, they are shown as one rule reworded, with the words that changed.
 */
function ruleEntries(changes: RuleChange[]): RuleEntry[] {
  const entries: RuleEntry[] = [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const next = changes[i + 1];
    if (change.op === 'changed' && change.before && change.after) {
      entries.push({ kind: 'changed', before: change.before, after: change.after });
      continue;
    }
    if (next && change.op !== next.op && change.op !== 'changed' && next.op !== 'changed') {
      const before = (change.op === 'removed' ? change.before : next.before) ?? null;
      const after = (change.op === 'added' ? change.after : next.after) ?? null;
      if (before && after) {
        const parts = wordDiff(before.text, after.text);
        if (parts.some((p) => p.op === 'same' && p.text.trim() !== '')) {
          entries.push({ kind: 'reworded', before, after, parts });
          i++;
          continue;
        }
      }
    }
    if (change.op === 'removed' && change.before) {
      entries.push({ kind: 'removed', rule: change.before });
    } else if (change.after) {
      entries.push({ kind: 'added', rule: change.after });
    }
  }
  return entries;
}

/** What happened to the single rules: added, taken out, reworded or now for someone else. */
export function RuleChanges({ changes, people }: { changes: RuleChange[]; people: People }) {
  const entries = ruleEntries(changes);
  const who = (rule: AgreementRule) => appliesWords(people, rule.appliesTo);
  return (
    <ul className="rule-changes">
      {entries.map((entry) => {
        if (entry.kind === 'added' || entry.kind === 'removed') {
          const key = `${entry.kind}:${entry.rule.text}`;
          return entry.kind === 'added' ? (
            <li key={key}>
              <span className="change-op">New rule, {who(entry.rule)}:</span>{' '}
              <ins>{entry.rule.text}</ins>
            </li>
          ) : (
            <li key={key}>
              <span className="change-op">Rule taken out, was {who(entry.rule)}:</span>{' '}
              <del>{entry.rule.text}</del>
            </li>
          );
        }
        const key = `${entry.kind}:${entry.before.text}:${entry.after.text}`;
        const whoChanged = entry.before.appliesTo !== entry.after.appliesTo;
        if (entry.kind === 'changed') {
          return (
            <li key={key}>
              <span className="change-op">Now applies to someone else:</span> “{entry.after.text}”
              was {who(entry.before)}, and is now {who(entry.after)}.
            </li>
          );
        }
        return (
          <li key={key}>
            <span className="change-op">
              Rule reworded
              {whoChanged
                ? `, was ${who(entry.before)}, now ${who(entry.after)}`
                : `, ${who(entry.after)}`}
              :
            </span>
            <TextDiff parts={entry.parts} />
          </li>
        );
      })}
    </ul>
  );
}
