import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyringError, makeKeyring, newDataKey, SEALED_PREFIX, seal, unseal } from './cipher.ts';

const ring = makeKeyring([newDataKey()]);

describe('sealing a value', () => {
  it('opens to exactly what was sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ minLength: 1 }), (plain, column) => {
        expect(unseal(column, seal(column, plain, ring), ring)).toBe(plain);
      }),
    );
  });

  it('never shows the text, and seals the same text differently every time', () => {
    const plain = 'I felt dismissed when you looked at the clock';
    const a = seal('messages.body', plain, ring);
    const b = seal('messages.body', plain, ring);
    expect(a.startsWith(`${SEALED_PREFIX}${ring.current.id}.`)).toBe(true);
    expect(a).not.toContain('dismissed');
    expect(a).not.toBe(b);
  });

  it('does not open in another column (the column is bound in)', () => {
    const sealed = seal('messages.body', 'hello', ring);
    expect(() => unseal('letters.body', sealed, ring)).toThrow(KeyringError);
  });

  it('does not open when any character of it was changed', () => {
    const sealed = seal('parts.name', 'the protector', ring);
    fc.assert(
      fc.property(
        fc.integer({
          min: SEALED_PREFIX.length + ring.current.id.length + 1,
          max: sealed.length - 1,
        }),
        (at) => {
          const swapped = sealed[at] === 'A' ? 'B' : 'A';
          const tampered = sealed.slice(0, at) + swapped + sealed.slice(at + 1);
          fc.pre(tampered !== sealed && sealed[at] !== '.');
          expect(() => unseal('parts.name', tampered, ring)).toThrow(KeyringError);
        },
      ),
    );
  });

  it('needs the key it names', () => {
    const other = makeKeyring([newDataKey()]);
    const sealed = seal('parts.name', 'x', other);
    expect(() => unseal('parts.name', sealed, ring)).toThrow(/needs key/);
    const both = makeKeyring([...other.keys.values(), ring.current]);
    expect(unseal('parts.name', sealed, both)).toBe('x');
    expect(both.current.id).toBe(ring.current.id);
  });

  it('reads text written before encryption as it is', () => {
    expect(unseal('parts.name', 'written in 2025', ring)).toBe('written in 2025');
  });

  it.each([
    ['too few parts', `${SEALED_PREFIX}k1.abc`],
    ['too many parts', `${SEALED_PREFIX}k1.a.b.c`],
    ['a short nonce', `${SEALED_PREFIX}${ring.current.id}.AAAA.${'A'.repeat(40)}`],
  ])('refuses a damaged value: %s', (_name, stored) => {
    expect(() => unseal('parts.name', stored, ring)).toThrow(KeyringError);
  });

  it('refuses keyrings that could not work', () => {
    expect(() => makeKeyring([])).toThrow(KeyringError);
    expect(() => makeKeyring([{ id: 'Bad Id', secret: Buffer.alloc(32) }])).toThrow(KeyringError);
    expect(() => makeKeyring([{ id: 'k1', secret: Buffer.alloc(16) }])).toThrow(KeyringError);
    const key = newDataKey();
    expect(() => makeKeyring([key, key])).toThrow(KeyringError);
  });
});
