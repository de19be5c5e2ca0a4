import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CRISIS_PHRASES,
  findCrisisPhrases,
  hasCrisisLanguage,
  normalizeForCrisis,
} from './crisis.ts';

/** Writing that holds crisis language, directly or indirectly. */
const CRISIS: readonly string[] = [
  'I want to die',
  'i just want to die.',
  'Sometimes I wanna die',
  'I want to kill myself',
  'thinking about killing myself again',
  "I'm going to end it all",
  'maybe I should just end it all tonight',
  'There is no reason to go on',
  "there's no point in living like this",
  'Everyone would be better off without me',
  'they would be better off without me.',
  "I can't go on",
  'I cant go on like this',
  'I cannot go on',
  'I can’t go on anymore',
  'I keep wanting to hurt myself',
  'I hurt myself last night',
  'I have been self-harming',
  'self harm has been on my mind',
  'I self-harm when it gets bad',
  "I've been feeling suicidal",
  'SUICIDAL',
  'I thought about suicide',
  "I don't want to be here anymore",
  'I dont want to be here any more',
  'I don’t want to be here anymore.',
  "honestly i don't want to live",
  "I don't want to wake up tomorrow",
  'I wish I was dead',
  'I wish I were never born',
  "Life isn't worth living",
  'I have nothing left to live for',
  'I want to take my own life',
  'thinking of taking an overdose',
  'I keep cutting myself',
  'I just want it all to stop',
  'I am tired of being alive',
  'I want to unalive myself',
  'better off dead, probably',
  "I'm dying to know what you think, but honestly I want to die",
  'I just... want to die',
  'I want to. Die.',
];

/** Everyday writing that uses the same words and is not crisis language. */
const EVERYDAY: readonly string[] = [
  'This is killing me',
  'this commute is killing me!',
  "I'm dying to know how your session went",
  'She killed it in the presentation',
  'we killed it',
  'Just trying to kill time before my appointment',
  'killing time in the waiting room',
  'I am dead tired after therapy',
  'That cake was to die for',
  'I could die of embarrassment',
  'I would die of embarrassment if she saw that',
  'I nearly died laughing',
  'Cut myself some slack this week',
  'I want to take my life back after the divorce',
  'I want to die my hair blue',
  "I can't go on the trip next week",
  "I can't go on Monday, could we move it?",
  'My therapist ended our sessions',
  'How do endings with a therapist usually go?',
  'I felt unheard and I want to repair it',
  'She is a killer at chess',
  'The deadline is dead',
  'my phone died',
  'we watched Suicide Squad',
  'I kill plants by accident',
  'I want to go on holiday',
  'Nothing to worry about',
  'There is no reason to worry',
  '',
  '   ',
];

describe('hasCrisisLanguage', () => {
  it.each(CRISIS)('finds crisis language in %j', (text) => {
    expect(hasCrisisLanguage(text)).toBe(true);
  });

  it.each(EVERYDAY)('finds none in the everyday %j', (text) => {
    expect(findCrisisPhrases(text)).toEqual([]);
  });

  it('names the phrases it found, as written in the list', () => {
    expect(findCrisisPhrases('I want to die. I keep hurting myself.')).toEqual([
      'want|wants|wanted|wanting to die',
      'hurt|hurting|harm|harming|cut|cutting myself',
    ]);
  });

  it('checks only the languages asked for; an unknown language finds nothing', () => {
    expect(hasCrisisLanguage('I want to die', ['en'])).toBe(true);
    expect(hasCrisisLanguage('I want to die', ['xx'])).toBe(false);
    expect(hasCrisisLanguage('I want to die', [])).toBe(false);
  });

  it('has at least one phrase list, each with crisis and safe phrases', () => {
    expect(Object.keys(CRISIS_PHRASES)).toContain('en');
    for (const phrases of Object.values(CRISIS_PHRASES)) {
      expect(phrases.crisis.length).toBeGreaterThan(0);
      for (const phrase of [...phrases.crisis, ...phrases.safe]) {
        // Written in normalized form: what normalizing cannot change.
        expect(phrase).toMatch(/^[a-z0-9|_? ]+$/);
        expect(phrase).not.toMatch(/ {2}|^ | $/);
      }
    }
  });
});

describe('normalizeForCrisis', () => {
  it('lower-cases, drops apostrophes and folds punctuation and spaces', () => {
    expect(normalizeForCrisis('  I CAN’T   go—on...  ')).toBe('i cant go on');
    expect(normalizeForCrisis("don't, DON’T, don`t")).toBe('dont dont dont');
    expect(normalizeForCrisis('self-harm')).toBe('self harm');
    expect(normalizeForCrisis('I wanna, I cannot; any more')).toBe('i want to i cant anymore');
    expect(normalizeForCrisis('ＩＷＡＮＴ')).toBe('iwant');
  });
});

const asciiWord = fc.stringMatching(/^[a-z]{1,8}$/);
/** Filler words that are in no phrase, crisis or safe. */
const filler = fc.array(
  fc.constantFrom('the', 'today', 'therapy', 'and', 'really', 'week', 'blue', 'tea', 'we'),
  { maxLength: 6 },
);
const separator = fc.constantFrom(' ', '  ', ', ', ' - ', '\t', ' (', ') ', ' / ', ' “');

/** Randomizes the case of each character. */
const recase = (text: string, flips: boolean[]) =>
  [...text]
    .map((c, i) => (flips[i % Math.max(flips.length, 1)] ? c.toUpperCase() : c.toLowerCase()))
    .join('');

describe('properties', () => {
  it('never throws, on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(typeof hasCrisisLanguage(text)).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(typeof hasCrisisLanguage(text)).toBe('boolean');
      }),
    );
  });

  it('does not depend on case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRISIS, ...EVERYDAY),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        (text, flips) => {
          expect(hasCrisisLanguage(recase(text, flips))).toBe(hasCrisisLanguage(text));
        },
      ),
    );
  });

  it('does not depend on punctuation or spacing between words', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRISIS, ...EVERYDAY),
        fc.array(separator, { minLength: 1, maxLength: 10 }),
        (text, separators) => {
          const words = text.split(/\s+/);
          const spaced = words.map((w, i) => `${w}${separators[i % separators.length]}`).join('');
          expect(hasCrisisLanguage(spaced)).toBe(hasCrisisLanguage(text));
        },
      ),
    );
  });

  it('finds crisis language wherever it is in a longer text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CRISIS), filler, filler, (text, before, after) => {
        expect(hasCrisisLanguage(`${before.join(' ')}. ${text}. ${after.join(' ')}`)).toBe(true);
      }),
    );
  });

  it('finds none in everyday phrases surrounded by other words', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVERYDAY), filler, filler, (text, before, after) => {
        expect(hasCrisisLanguage(`${before.join(' ')} ${text} ${after.join(' ')}`)).toBe(false);
      }),
    );
  });

  it('matches whole words only: letters glued to a phrase make another word', () => {
    fc.assert(
      fc.property(asciiWord, (glue) => {
        expect(hasCrisisLanguage(`${glue}suicidal${glue}`)).toBe(false);
      }),
    );
  });

  it('normalizes to a fixed point, without spaces at the ends', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const once = normalizeForCrisis(text);
        expect(normalizeForCrisis(once)).toBe(once);
        expect(once).toBe(once.trim());
        expect(once).not.toMatch(/ {2}/);
      }),
    );
  });
});
