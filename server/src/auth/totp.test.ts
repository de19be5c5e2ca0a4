import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  looksLikeTotpCode,
  newRecoveryCodes,
  newTotpSecret,
  totpQrSvg,
  totpStep,
  totpUri,
} from './totp.ts';

const at = (seconds: number) => seconds * 1000;
// A moment in the middle of a 30-second step, so ±1 step is unambiguous.
const NOW = 1_800_000_015;
const STEP = Math.floor(NOW / 30);

describe('TOTP', () => {
  it('makes a 160-bit base32 secret and an otpauth address for Attune and the email', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = totpUri(secret, 'robin@example.test');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Attune:robin%40example\.test\?/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain('issuer=Attune');
  });

  it('draws the address as an SVG QR code', async () => {
    const svg = await totpQrSvg(totpUri(newTotpSecret(), 'a@example.test'));
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/<script|on\w+=/i);
  });

  it('accepts the code of this step and the steps either side, and says which step it was', async () => {
    const secret = newTotpSecret();
    for (const offset of [-1, 0, 1]) {
      const code = await generate({ secret, epoch: NOW + offset * 30 });
      expect(await totpStep(secret, code, null, at(NOW))).toBe(STEP + offset);
    }
    for (const offset of [-3, -2, 2, 3]) {
      const code = await generate({ secret, epoch: NOW + offset * 30 });
      expect(await totpStep(secret, code, null, at(NOW))).toBeUndefined();
    }
  });

  it('refuses a code whose step is not later than the last one used', async () => {
    const secret = newTotpSecret();
    const code = await generate({ secret, epoch: NOW });
    expect(await totpStep(secret, code, STEP - 1, at(NOW))).toBe(STEP);
    expect(await totpStep(secret, code, STEP, at(NOW))).toBeUndefined();
    expect(await totpStep(secret, code, STEP + 1, at(NOW))).toBeUndefined();
  });

  it("refuses another secret's code and anything that is not six digits", async () => {
    const secret = newTotpSecret();
    const other = await generate({ secret: newTotpSecret(), epoch: NOW });
    const own = await generate({ secret, epoch: NOW });
    expect(await totpStep(secret, other === own ? '000000' : other, null, at(NOW))).toBeUndefined();
    expect(await totpStep(secret, own.slice(0, 5), null, at(NOW))).toBeUndefined();
    expect(await totpStep(secret, `${own}0`, null, at(NOW))).toBeUndefined();
    expect(looksLikeTotpCode('123456')).toBe(true);
    expect(looksLikeTotpCode('abcd-efgh-jkmn-pqrs')).toBe(false);
  });
});

describe('recovery codes', () => {
  it('makes ten different codes that cannot be mistaken for authenticator codes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      expect(code).not.toMatch(/[01ilo]/);
      expect(looksLikeTotpCode(code)).toBe(false);
    }
  });

  it('hashes a code the same way however it is typed, and differently from other codes', () => {
    const [code = '', other = ''] = newRecoveryCodes();
    const hash = hashRecoveryCode(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(code.replaceAll('-', ''));
    expect(hashRecoveryCode(` ${code.toUpperCase().replaceAll('-', ' ')} `)).toBe(hash);
    expect(hashRecoveryCode(other)).not.toBe(hash);
  });
});
