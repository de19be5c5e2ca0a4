/**
 * What changed between two versions of an agreement, field by field, with a readable word-level
 * diff for the texts and a list comparison for the rules of the room. Pure functions.
 */

export type RuleAppliesTo = 'client' | 'therapist' | 'both';
export type Rule = { text: string; appliesTo: RuleAppliesTo };

/** What a version says: the fields of the PUT body, in the order they are compared. */
export type AgreementContent = {
  replyTimeHours: number;
  sessionFrequencyDays: number | null;
  contact: string;
  availability: string;
  scheduling: string;
  roomRules: string;
  rules: Rule[];
  emergency: string;
};

export const AGREEMENT_FIELDS = [
  'replyTimeHours',
  'sessionFrequencyDays',
  'contact',
  'availability',
  'scheduling',
  'roomRules',
  'rules',
  'emergency',
] as const satisfies readonly (keyof AgreementContent)[];

export type AgreementField = (typeof AGREEMENT_FIELDS)[number];

export type DiffPart = { op: 'same' | 'added' | 'removed'; text: string };

export type RuleChange = {
  op: 'added' | 'removed' | 'changed';
  before: Rule | null;
  after: Rule | null;
};

export type Change = {
  field: AgreementField;
  before: AgreementContent[AgreementField] | null;
  after: AgreementContent[AgreementField];
  /** Texts only: the words kept, added and removed, in reading order. */
  diff?: DiffPart[];
  /** Rules only: the rules added, removed, or changed (same text, applying to someone else). */
  ruleChanges?: RuleChange[];
};

/**
 * The largest LCS table (token pairs of the changed middle, after the common start and end are
 * set aside) worth computing: about 8 MB. A longer rewrite is shown as the old middle removed and
 * the new one added, which is what it is for a reader anyway.
 */
export const MAX_DIFF_CELLS = 4_000_000;

/** Words, runs of whitespace, and single other characters (punctuation): together, the text. */
const TOKEN = /\s+|[\p{L}\p{N}\p{M}_'’]+|[^\s\p{L}\p{N}\p{M}_'’]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * A word-level diff of two texts: joining the `same` and `removed` parts gives `before`, joining
 * the `same` and `added` parts gives `after`. Within a changed stretch, what was removed comes
 * before what was added, and a lone space between two changes is folded into them, so that
 * "the cat sat" → "the dog ran" reads as `the ` kept, `cat sat` removed, `dog ran` added.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  if (before === after) return before ? [{ op: 'same', text: before }] : [];
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const raw: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    const last = raw.at(-1);
    if (last && last.op === op) last.text += text;
    else if (text) raw.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  const n = endA - start;
  const m = endB - start;
  if ((n + 1) * (m + 1) > MAX_DIFF_CELLS) {
    push('removed', a.slice(start, endA).join(''));
    push('added', b.slice(start, endB).join(''));
  } else {
    // lcs[i * (m + 1) + j]: the longest common subsequence of a[start + i..endA) and b[start + j..endB).
    // Its values are at most min(n, m) ≤ 2,000 under the cap, so 16 bits are enough.
    const width = m + 1;
    const lcs = new Uint16Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          a[start + i] === b[start + j]
            ? (lcs[(i + 1) * width + j + 1] as number) + 1
            : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        push('same', a[start + i] as string);
        i++;
        j++;
      } else if (
        j >= m ||
        (i < n && (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))
      ) {
        push('removed', a[start + i] as string);
        i++;
      } else {
        push('added', b[start + j] as string);
        j++;
      }
    }
  }
  push('same', a.slice(endA).join(''));
  return tidy(raw);
}

/** Folds whitespace-only kept parts between changes into them; removed before added. */
function tidy(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) out.push({ op: 'removed', text: removed });
    if (added) out.push({ op: 'added', text: added });
    removed = '';
    added = '';
  };
  parts.forEach((part, i) => {
    const between =
      part.op === 'same' &&
      /^\s+$/.test(part.text) &&
      i > 0 &&
      i < parts.length - 1 &&
      parts[i + 1]?.op !== 'same';
    if (part.op === 'removed' || between) removed += part.text;
    if (part.op === 'added' || between) added += part.text;
    if (part.op === 'same' && !between) {
      flush();
      out.push(part);
    }
  });
  flush();
  return out;
}

const sameRule = (x: Rule, y: Rule) => x.text === y.text && x.appliesTo === y.appliesTo;

/**
 * The rules added and removed between two lists (compared in order), where a rule whose text
 * stayed and whose `appliesTo` changed is one `changed` rule rather than a removal and an addition.
 */
export function ruleChanges(before: readonly Rule[], after: readonly Rule[]): RuleChange[] {
  const n = before.length;
  const m = after.length;
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = sameRule(before[i]!, after[j]!)
        ? (lcs[(i + 1) * width + j + 1] as number) + 1
        : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const changes: RuleChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sameRule(before[i]!, after[j]!)) {
      i++;
      j++;
    } else if (
      j >= m ||
      (i < n && (lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number))
    ) {
      changes.push({ op: 'removed', before: before[i]!, after: null });
      i++;
    } else {
      changes.push({ op: 'added', before: null, after: after[j]! });
      j++;
    }
  }
  // Pair a removed rule with an added rule of the same text: only whom it applies to changed.
  const paired: RuleChange[] = [];
  const used = new Set<RuleChange>();
  for (const change of changes) {
    if (used.has(change)) continue;
    if (change.op === 'added') {
      const twin = changes.find(
        (c) => c.op === 'removed' && !used.has(c) && c.before?.text === change.after?.text,
      );
      if (twin) {
        used.add(twin);
        paired.push({ op: 'changed', before: twin.before, after: change.after });
        continue;
      }
    }
    if (change.op === 'removed') {
      const twin = changes.find(
        (c) => c.op === 'added' && !used.has(c) && c.after?.text === change.before?.text,
      );
      if (twin) {
        used.add(twin);
        paired.push({ op: 'changed', before: change.before, after: twin.after });
        continue;
      }
    }
    paired.push(change);
  }
  return paired;
}

/** A version's changes against the one before it (none for the first version). */
export function agreementChanges(
  previous: AgreementContent | null,
  current: AgreementContent,
): Change[] {
  if (!previous) return [];
  const changes: Change[] = [];
  for (const field of AGREEMENT_FIELDS) {
    if (field === 'rules') {
      const list = ruleChanges(previous.rules, current.rules);
      if (list.length > 0)
        changes.push({ field, before: previous.rules, after: current.rules, ruleChanges: list });
      continue;
    }
    const before = previous[field];
    const after = current[field];
    if (before === after) continue;
    changes.push(
      typeof before === 'string' && typeof after === 'string'
        ? { field, before, after, diff: wordDiff(before, after) }
        : { field, before, after },
    );
  }
  return changes;
}

/** Only what a version says, without its id, version or author. */
export function contentOf(row: AgreementContent): AgreementContent {
  return {
    replyTimeHours: row.replyTimeHours,
    sessionFrequencyDays: row.sessionFrequencyDays,
    contact: row.contact,
    availability: row.availability,
    scheduling: row.scheduling,
    roomRules: row.roomRules,
    rules: row.rules.map((r) => ({ text: r.text, appliesTo: r.appliesTo })),
    emergency: row.emergency,
  };
}
