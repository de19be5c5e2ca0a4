import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { DiffPart } from '../../../api/agreement';
import { wordDiff } from './agreementWords';

/** The text a reader sees on one side of the diff: what was kept, and what that side has. */
function side(parts: DiffPart[], op: 'removed' | 'added'): string {
  return parts
    .filter((part) => part.op === 'same' || part.op === op)
    .map((part) => part.text)
    .join('');
}

function expectBothSides(before: string, after: string) {
  const parts = wordDiff(before, after);
  expect(side(parts, 'removed')).toBe(before);
  expect(side(parts, 'added')).toBe(after);
  expect(parts.every((part) => part.text !== '')).toBe(true);
}

describe('wordDiff', () => {
  test.each([
    ['', ''],
    ['', 'Phones stay outside the room.'],
    ['Phones stay outside the room.', ''],
    ['Phones stay outside the room.', 'Phones stay outside the room.'],
    ['Please stay on the line', 'Please come off the line'],
    ['No phones in the room.', 'No phones, please, in the room — ever.'],
    ['  leading and trailing  ', 'leading\nand\ttrailing'],
    ['Café at 9 — l’heure', 'Café at 10 — l’heure 😀'],
  ])('same and removed give %j; same and added give %j', (before, after) => {
    expectBothSides(before, after);
  });

  test('a lone space between two changes joins them into one', () => {
    expect(wordDiff('Please stay on the line', 'Please come off the line')).toEqual([
      { op: 'same', text: 'Please ' },
      { op: 'removed', text: 'stay on' },
      { op: 'added', text: 'come off' },
      { op: 'same', text: ' the line' },
    ]);
  });

  test('any two texts of words, spaces and marks come back whole on each side', () => {
    const token = fc.constantFrom('a', 'b', 'rule', 'room', ' ', '  ', '\n', '.', ',', 'é', '😀');
    const text = fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        expectBothSides(before, after);
      }),
    );
  });

  test('arbitrary strings come back whole on each side', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (before, after) => {
        expectBothSides(before, after);
      }),
    );
  });
});
