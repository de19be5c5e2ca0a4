import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { muteMatcher } from './mute-words.ts';

describe('mute words', () => {
  it('match whole words in any case, not parts of words', () => {
    const matches = muteMatcher(['cat'])!;
    expect(matches('My Cat! was ill')).toBe(true);
    expect(matches("the cat's toy")).toBe(true);
    expect(matches('a category of its own')).toBe(false);
  });

  it('take words with hyphens and apostrophes as written', () => {
    const matches = muteMatcher(['self-harm', "don't"])!;
    expect(matches('about Self-Harm today')).toBe(true);
    expect(matches('I don’t know')).toBe(true);
    expect(matches('selfharm')).toBe(false);
  });

  it('never throw, whatever the words and the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 20 })),
        fc.string(),
        (words, text) => {
          const matches = muteMatcher(words);
          if (matches) matches(text);
        },
      ),
    );
  });

  it('are none when the list is empty', () => {
    expect(muteMatcher([])).toBeUndefined();
  });
});
