import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Person, signInForm, signOut, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  startWorld,
  uniqueEmail,
  type World,
  waitForHeading,
} from './support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

/** The time step of the last code typed: a code works once, so the next must be newer. */
let lastStep = 0;

/**
 * The current code for a secret, from a time step newer than the last code's and with at least
 * 5 seconds left, so the code typed is still the current one when it arrives.
 */
async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    const left = 30 - (now % 30);
    if (step > lastStep && left >= 5) {
      lastStep = step;
      return generate({ secret, epoch: Math.floor(now) });
    }
    await new Promise((resolve) => setTimeout(resolve, (left + 0.5) * 1000));
  }
}

describe('two-factor sign-in', () => {
  test('set up with the key and a code, asked for at sign-in, and a recovery code works once', async () => {
    const page = await world.newPage({ width: 320, height: 640 });
    const me: Person = {
      displayName: 'Robin',
      email: uniqueEmail('client'),
      password: GOOD_PASSWORD,
      role: 'client',
    };
    await signUp(page, me);
    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await waitForHeading(page, 'Security');
    await expectAccessible(page, 'the security page');
    await expectNoHorizontalScroll(page, 'the security page');
    await expectCalmWords(page, 'the security page');

    const start = page.getByRole('form', { name: 'Turn on two-factor sign-in' });
    await start.getByLabel('Your password').fill(me.password);
    await start.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const key = await page.locator('code').first().textContent();
    const secret = (key ?? '').replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    const confirm = page.getByRole('form', { name: 'Confirm two-factor sign-in' });
    await confirm.getByLabel('Code from your app').fill(await freshCode(secret));
    await confirm.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const recovery = (await codes.first().textContent()) ?? '';
    await expectAccessible(page, 'the recovery codes');

    // Signing in now asks for a code after the password.
    await signOut(page);
    const form = signInForm(page);
    await form.email.fill(me.email);
    await form.password.fill(me.password);
    await form.submit.click();
    const codeField = page.getByLabel('Code from your authenticator app');
    await codeField.waitFor();
    await codeField.fill(await freshCode(secret));
    await form.submit.click();
    // Signed in, back where they were.
    await waitForHeading(page, 'Security');
    // The sign-ins are in the account's own activity list.
    const activity = page.getByRole('region', { name: 'Recent sign-in activity' });
    await activity.getByText('Two-factor sign-in turned on').waitFor();
    expect(await activity.getByText(/^Signed in ·/).count()).toBeGreaterThan(0);

    // A recovery code signs in once, and not twice.
    await signOut(page);
    for (const attempt of ['first', 'second'] as const) {
      await form.email.fill(me.email);
      await form.password.fill(me.password);
      await form.submit.click();
      await codeField.waitFor();
      await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await codeField.fill(recovery);
      await form.submit.click();
      if (attempt === 'first') {
        // Signed in, back where they were.
        await waitForHeading(page, 'Security');
        await signOut(page);
      } else {
        await page.getByText("That code didn't work.", { exact: false }).first().waitFor();
      }
    }
  });
});
