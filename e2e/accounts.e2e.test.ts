import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  fillSignUp,
  helpLink,
  openSignIn,
  openSignUp,
  type Person,
  signIn,
  signInForm,
  signOut,
  signUp,
  signUpForm,
} from './flows.ts';
import {
  describedBy,
  expectAccessible,
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

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

async function bannerText(page: Page): Promise<string> {
  return (await page.getByRole('banner').textContent()) ?? '';
}

describe('accounts', () => {
  test('a client signs up, lands on Today, signs out, signs in again and signs out', async () => {
    const page = await world.newPage();
    const robin = person('client', 'Robin');

    await openSignUp(page);
    await expectAccessible(page, 'sign up');
    await fillSignUp(page, robin);
    await expectAccessible(page, 'sign up, filled in');
    await signUpForm(page).submit.click();

    await waitForHeading(page, 'Today');
    expect(await page.title()).toBe('Today · Attune');
    expect(await bannerText(page)).toContain('Robin');
    await page
      .getByText("When you're ready, you can add your therapist and your sessions here.")
      .waitFor();
    expect(await helpLink(page).isVisible()).toBe(true);
    await expectAccessible(page, 'Today (client)');

    await signOut(page);
    expect(await bannerText(page)).not.toContain('Robin');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.getByText("You're signed out.").waitFor();
    await expectAccessible(page, 'sign in after signing out');

    // Signed out means signed out: Today now sends you to sign in.
    await page.goto('/');
    await waitForHeading(page, 'Sign in to Attune');

    await signIn(page, robin.email, robin.password);
    expect(await bannerText(page)).toContain('Robin');

    // A reload keeps you signed in (the cookie, not memory, carries the session).
    await page.reload();
    await waitForHeading(page, 'Today');
    expect(await bannerText(page)).toContain('Robin');

    await signOut(page);
  });

  test('a therapist signs up and sees words for therapists', async () => {
    const page = await world.newPage();
    const alex = person('therapist', 'Dr Alex Moreno');
    await signUp(page, alex);
    expect(await bannerText(page)).toContain('Dr Alex Moreno');
    await page.getByText('When a client invites you to connect').waitFor();
    expect(await page.getByText('add your therapist').count()).toBe(0);
    await expectAccessible(page, 'Today (therapist)');
  });

  test('a wrong password gets a calm message and keeps the typed email', async () => {
    const page = await world.newPage();
    const sam = person('client', 'Sam');
    await signUp(page, sam);
    await signOut(page);

    const form = signInForm(page);
    await form.email.fill(sam.email);
    await form.password.fill('not the right password');
    await form.submit.click();

    const message = page
      .getByRole('alert')
      .filter({ hasText: "That email and password don't match an account." });
    await message.waitFor();
    expect(await form.email.inputValue()).toBe(sam.email);
    expect(await form.password.inputValue()).toBe('not the right password');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to Attune');
    await expectAccessible(page, 'sign in with a wrong password');

    // Someone who keeps trying is asked, calmly, to wait (the server locks after 5 failures).
    let status = 401;
    for (let attempt = 0; attempt < 8 && status !== 429; attempt += 1) {
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await form.submit.click();
      status = (await answer).status();
    }
    expect(status).toBe(429);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Too many tries — please wait a few minutes and try again.' })
      .waitFor();
    expect(await form.email.inputValue()).toBe(sam.email);
    await expectAccessible(page, 'sign in after too many tries');
  });

  test('an unknown email gets the same message as a wrong password', async () => {
    const page = await world.newPage();
    await openSignIn(page);
    const form = signInForm(page);
    const email = uniqueEmail('nobody');
    await form.email.fill(email);
    await form.password.fill(GOOD_PASSWORD);
    await form.submit.click();
    await page
      .getByRole('alert')
      .filter({ hasText: "That email and password don't match an account." })
      .waitFor();
    expect(await form.email.inputValue()).toBe(email);
  });

  test('when two-step sign-in is on, a code field appears and the code is sent', async () => {
    const page = await world.newPage();
    const ola = person('client', 'Ola');
    await signUp(page, ola);
    await signOut(page);

    // The server has no two-step sign-in for this account, so its first answer is stood in for
    // here; the second request, with the code, goes to the real server.
    const bodies: unknown[] = [];
    await page.route('**/api/auth/login', async (route) => {
      bodies.push(route.request().postDataJSON());
      if (bodies.length === 1) {
        await route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({
            error: { code: 'totp_required', message: 'Please enter the code from your app.' },
          }),
        });
      } else {
        await route.continue();
      }
    });

    const form = signInForm(page);
    await form.email.fill(ola.email);
    await form.password.fill(ola.password);
    await form.submit.click();
    const code = page.getByLabel('Code from your authenticator app');
    await code.waitFor();
    await page.getByRole('alert').filter({ hasText: '6-digit code' }).waitFor();
    expect(await form.email.inputValue()).toBe(ola.email);
    await expectAccessible(page, 'sign in asking for a code');
    await code.fill('123456');
    await form.submit.click();
    await waitForHeading(page, 'Today');
    expect(bodies).toEqual([
      { email: ola.email, password: ola.password },
      { email: ola.email, password: ola.password, totp: '123456' },
    ]);
  });

  test('a too short password is explained next to the field, and nothing typed is lost', async () => {
    const page = await world.newPage();
    const kim = { ...person('client', 'Kim'), password: 'short one' };
    await openSignUp(page);
    await fillSignUp(page, kim);
    const form = signUpForm(page);
    await form.submit.click();

    const error = page.getByText('Please use at least 12 characters');
    await error.waitFor();
    expect(await form.password.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(form.password)).toContain('Please use at least 12 characters');
    expect(await describedBy(form.password)).toContain('At least 12 characters.');
    // The form did not go anywhere and kept every answer.
    expect(await form.displayName.inputValue()).toBe('Kim');
    expect(await form.email.inputValue()).toBe(kim.email);
    expect(await form.password.inputValue()).toBe('short one');
    expect(await form.role('client').isChecked()).toBe(true);
    expect(await form.displayName.getAttribute('aria-invalid')).toBeNull();
    await expectAccessible(page, 'sign up with a short password');

    // A longer one clears the note and goes straight through on the first click.
    await form.password.fill(GOOD_PASSWORD);
    await form.submit.click();
    await waitForHeading(page, 'Today');
  });

  test('a common password is refused by the server, explained next to the field', async () => {
    const page = await world.newPage();
    const lee = { ...person('therapist', 'Lee'), password: 'password1234' };
    await openSignUp(page);
    await fillSignUp(page, lee);
    const form = signUpForm(page);
    await form.submit.click();

    await page.getByText('This password is one of the most common ones').waitFor();
    expect(await form.password.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(form.password)).toContain('one of the most common ones');
    // Focus goes to the field that needs a change, so its note is read with it.
    expect(await form.password.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('alert').filter({ hasText: 'next to the field' }).waitFor();
    expect(await form.displayName.inputValue()).toBe('Lee');
    expect(await form.email.inputValue()).toBe(lee.email);
    expect(await form.password.inputValue()).toBe('password1234');
    expect(await form.role('therapist').isChecked()).toBe(true);
    await expectAccessible(page, 'sign up with a common password');

    // Choosing a better one goes through.
    await form.password.fill(GOOD_PASSWORD);
    await form.submit.click();
    await waitForHeading(page, 'Today');
  });

  test('an email that already has an account is said plainly, with a way to sign in', async () => {
    const page = await world.newPage();
    const jo = person('client', 'Jo');
    await signUp(page, jo);
    await signOut(page);

    await openSignUp(page);
    await fillSignUp(page, { ...jo, displayName: 'Jo again' });
    await signUpForm(page).submit.click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'already an account with this email' })
      .waitFor();
    expect(await signUpForm(page).email.getAttribute('aria-invalid')).toBe('true');
    expect(await signUpForm(page).displayName.inputValue()).toBe('Jo again');
    await page.getByRole('alert').getByRole('link', { name: 'Go to sign in' }).click();
    await waitForHeading(page, 'Sign in to Attune');
  });

  test('an address that does not exist shows a kind not-found page', async () => {
    const page = await world.newPage();
    await page.goto('/no/such/page');
    await waitForHeading(page, "We couldn't find that page");
    expect(await page.title()).toBe('Page not found · Attune');
    expect(await helpLink(page).isVisible()).toBe(true);
    await expectAccessible(page, 'not found');
  });
});
