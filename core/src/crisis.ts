/**
 * Crisis language: whether a piece of writing says, directly or indirectly, that its writer may
 * want to die or to hurt themselves (docs/COMMUNITY.md, "Crisis language"). Pure, no I/O.
 *
 * It never blocks anything and never judges: when it finds such words, the web app shows crisis
 * resources gently before posting, and the post is shown to a moderator. So it errs toward
 * finding: a negation ("I would never kill myself") still counts, since resources shown once
 * too often cost little. Everyday figures of speech ("this is killing me", "I'm dying to know")
 * must not count, or the resources become noise.
 *
 * The phrases are data, one list per language. A phrase is written in normalized form (see
 * `normalizeForCrisis`: lower case, no apostrophes, one space between words) in a tiny syntax:
 * words separated by spaces; `a|b` is one word among several (`_` joins several words into one
 * choice: `go_on|live`); a word ending in `?` may be missing. `safe` phrases are everyday expressions taken out of the text before the search, so
 * that what is left of them cannot be read as crisis language. To add a language, add an entry
 * to CRISIS_PHRASES and a table of examples to crisis.test.ts.
 */

export type CrisisPhrases = {
  /** Phrases that count as crisis language. */
  crisis: readonly string[];
  /** Everyday expressions that use the same words and do not. */
  safe: readonly string[];
  /** Word rewrites applied after normalizing (spelling variants, contractions, slang). */
  rewrites?: Readonly<Record<string, string>>;
};

const EN: CrisisPhrases = {
  crisis: [
    // Direct.
    'kill|killing|end|ending|unalive|unaliving myself',
    'unalive',
    'take|taking|end|ending my own? life',
    'took my own life',
    'commit|committing suicide',
    'suicidal',
    'suicide',
    'want|wants|wanted|wanting to die',
    'want|wants|wanted|wanting to be dead',
    'ready to die',
    'end|ending it all',
    'wish i was|were|wasnt|werent dead',
    'wish i was|were never born',
    'wish i wasnt|werent alive',
    'better off dead',
    'hurt|hurting|harm|harming|cut|cutting myself',
    'self harm|harming|injury|injure|injuring',
    'take|taking an overdose',
    // Indirect.
    'better off without me',
    'no reason|point to|in? go_on|going_on|live|living|keep_going|be_alive',
    'nothing left? to live for',
    'isnt|not worth living',
    'cant go on',
    'cant keep going',
    'dont want to be_here|be_alive|live|exist anymore',
    'dont want to live|exist',
    'dont want to wake up',
    'want|wants it all to end|stop',
    'want to disappear forever',
    'tired of living|being_alive',
  ],
  safe: [
    'dying to know|see|hear|meet|try|find_out|tell|go',
    'to die for',
    'die|died|dying laughing',
    'could|would|will|going_to die of embarrassment|shame|boredom|laughter',
    'die|dye my|her|his|their hair',
    'die on this|that hill',
    'killing it',
    'killed it',
    'kill|killing time',
    'kill for',
    'dead tired',
    'cut|cutting myself some slack',
    'take|taking my life back',
    'cant go on the|a|an|that|my|your|holiday|vacation|today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday',
    'suicide squad',
    'suicide doors',
  ],
  rewrites: {
    wanna: 'want to',
    gonna: 'going to',
    cannot: 'cant',
    selfharm: 'self harm',
    selfharming: 'self harming',
    im: 'i am',
  },
};

/** The maintained phrase lists, by language (BCP 47 primary tag). */
export const CRISIS_PHRASES: Readonly<Record<string, CrisisPhrases>> = { en: EN };

/** The languages checked when none are named. */
export const CRISIS_LANGUAGES = Object.keys(CRISIS_PHRASES);

/** Apostrophes and their look-alikes: removed, so "can't", "can’t" and "cant" are one word. */
const APOSTROPHES = /['’‘`´ʼ′]/g;
/** Where a sentence ends: a safe expression does not reach across it (a crisis phrase may). */
const SENTENCE_END = /[.!?;:\n\r…。！？]/u;
const BOUNDARY = '.';

/** The words of a text, lower-cased and rewritten, with a BOUNDARY where a sentence ends. */
function words(text: string, language: string): string[] {
  const rewrites = CRISIS_PHRASES[language]?.rewrites ?? {};
  const result: string[] = [];
  for (const token of text
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .split(/([^\p{L}\p{N}]+)/u)) {
    if (token === '') continue;
    if (!/[\p{L}\p{N}]/u.test(token)) {
      if (SENTENCE_END.test(token) && result.length > 0 && result.at(-1) !== BOUNDARY) {
        result.push(BOUNDARY);
      }
      continue;
    }
    result.push(
      ...(Object.hasOwn(rewrites, token) ? (rewrites[token] ?? token) : token).split(' '),
    );
  }
  if (result.at(-1) === BOUNDARY) result.pop();
  return result;
}

/** Joins words, folding the two-word spellings "can not" and "any more". */
function join(list: string[]): string {
  return list
    .join(' ')
    .replace(/(?<![\p{L}\p{N}])can not(?![\p{L}\p{N}])/gu, 'cant')
    .replace(/(?<![\p{L}\p{N}])any more(?![\p{L}\p{N}])/gu, 'anymore');
}

/**
 * Normalizes text for matching: Unicode compatibility forms, lower case, apostrophes removed,
 * every run of other non-letter, non-digit characters one space, and the language's rewrites
 * ("wanna" → "want to", "can not" → "cant", "any more" → "anymore"). No leading or trailing space.
 */
export function normalizeForCrisis(text: string, language = 'en'): string {
  return join(words(text, language).filter((word) => word !== BOUNDARY));
}

type Compiled = { crisis: { phrase: string; pattern: RegExp }[]; safe: RegExp[] };
const compiled = new Map<string, Compiled>();

/** Turns a phrase of the mini syntax into a regular expression over normalized text. */
function compilePhrase(phrase: string): RegExp {
  const parts = phrase.split(' ').map((word) => {
    const optional = word.endsWith('?');
    const choices = (optional ? word.slice(0, -1) : word)
      .split('|')
      .map((choice) => choice.split('_').map(escapeRegExp).join(' '));
    const group = `(?:${choices.join('|')})`;
    return optional ? `(?:${group} )?` : `${group} `;
  });
  // Each word is preceded and followed by a space (the text is padded with one), so words match
  // whole; the space before is looked at, not taken, so that matches may follow each other.
  return new RegExp(`(?<= )${parts.join('')}`, 'g');
}

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compiledFor(language: string): Compiled | undefined {
  const cached = compiled.get(language);
  if (cached) return cached;
  const phrases = CRISIS_PHRASES[language];
  if (!phrases) return undefined;
  const result: Compiled = {
    crisis: phrases.crisis.map((phrase) => ({ phrase, pattern: compilePhrase(phrase) })),
    safe: phrases.safe.map(compilePhrase),
  };
  compiled.set(language, result);
  return result;
}

/** The crisis phrases (as written in CRISIS_PHRASES) found in a text, in list order. */
export function findCrisisPhrases(text: string, languages = CRISIS_LANGUAGES): string[] {
  const found: string[] = [];
  for (const language of languages) {
    const rules = compiledFor(language);
    if (!rules) continue;
    // Padded with spaces so that the first and last words match whole. Safe expressions are
    // looked for within sentences, and become a separator that no phrase can span; then the
    // sentence ends go, since crisis phrases are often broken up ("I just... want to die").
    let normalized = ` ${join(words(text, language))} `;
    for (const safe of rules.safe) normalized = normalized.replace(safe, '| ');
    normalized = normalized.replaceAll(` ${BOUNDARY} `, ' ');
    for (const { phrase, pattern } of rules.crisis) {
      pattern.lastIndex = 0;
      if (pattern.test(normalized)) found.push(phrase);
    }
  }
  return found;
}

/** Whether a text holds crisis language in any of the given languages (default: all). */
export function hasCrisisLanguage(text: string, languages = CRISIS_LANGUAGES): boolean {
  return findCrisisPhrases(text, languages).length > 0;
}
