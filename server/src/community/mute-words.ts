/**
 * Mute words: a post holding one of them, as a whole word in any case, is folded (or left out
 * of the board) for the person who muted it. "cat" mutes "Cat!" and "the cat's toy", not
 * "category". Done in the application: the posts are sealed, so SQL cannot search them.
 */

const APOSTROPHES = /[’‘`´ʼ]/g;

/** A mute word as kept: trimmed, lower case, one kind of apostrophe. */
export function normalizeMuteWord(word: string): string {
  return word.trim().normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'");
}

/** Escapes what is special outside a character class; `-` is not, and `\-` is an error with `u`. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A test for whole-word occurrences of any of the words, or undefined when there are none. */
export function muteMatcher(words: readonly string[]): ((text: string) => boolean) | undefined {
  const list = words.map(normalizeMuteWord).filter(Boolean);
  if (list.length === 0) return undefined;
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${list.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
    'iu',
  );
  return (text) => pattern.test(text.normalize('NFKC').replace(APOSTROPHES, "'"));
}
