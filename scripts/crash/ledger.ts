/**
 * What the writers know: every write the server acknowledged (2xx, whole answer received), with
 * its id and the content it must still have, and every write whose outcome is in doubt because
 * the server died before answering. Every piece of content carries a unique tag, so what is read
 * back can be traced to the attempt that wrote it.
 */

export type Kind =
  | 'part'
  | 'good moment'
  | 'agenda item'
  | 'message'
  | 'letter'
  | 'letter edit'
  | 'appointment'
  | 'check-in';

export const KINDS: readonly Kind[] = [
  'part',
  'good moment',
  'agenda item',
  'message',
  'letter',
  'letter edit',
  'appointment',
  'check-in',
];

export type Fields = Record<string, string | number | boolean | null>;

export type Acknowledged = {
  kind: Kind;
  tag: string;
  id: string;
  /** What was sent, and what the server said it stored (e.g. createdAt), to compare exactly. */
  fields: Fields;
  /** performance.now() when the answer was complete. */
  at: number;
};

export type Problem = { kind: Kind; id: string; what: string };

export class Ledger {
  readonly acknowledged: Acknowledged[] = [];
  /** Letter edits in doubt that a read showed were written: the letter must keep them too. */
  readonly confirmed: Acknowledged[] = [];
  /** Tags of writes sent without an answer: they may or may not exist. */
  readonly inDoubt = new Map<string, Kind>();
  /** How the letter edits in doubt turned out, as the editor read them back. */
  readonly resolved = { written: 0, notWritten: 0 };
  /** Answers no write should get (anything but 2xx, once the session is valid). */
  readonly unexpected: string[] = [];
  /** Differences the writers saw themselves: an answer unlike the request, a lost letter edit. */
  readonly problems: Problem[] = [];
  private sequence = 0;

  /** A tag no other write of this run has: `#crash-<kind>-<n>`. */
  tag(kind: Kind): string {
    this.sequence += 1;
    return `#crash-${kind.replaceAll(' ', '-')}-${this.sequence}`;
  }

  acknowledge(entry: Omit<Acknowledged, 'at'>): void {
    this.acknowledged.push({ ...entry, at: performance.now() });
  }

  confirm(entry: Omit<Acknowledged, 'at'>): void {
    this.confirmed.push({ ...entry, at: performance.now() });
  }

  /** Acknowledged (and confirmed) writes that were complete before `at` (a kill). */
  before(at: number): Acknowledged[] {
    return [...this.acknowledged, ...this.confirmed].filter((entry) => entry.at < at);
  }

  count(kind: Kind): number {
    return this.acknowledged.filter((entry) => entry.kind === kind).length;
  }
}
