import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROLE_LABEL, signInForm, signUpForm } from './flows.ts';
import {
  describedBy,
  expectAccessible,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  tabTo,
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

describe('keyboard only', () => {
  test('sign up, sign out and sign in again without a mouse', async () => {
    const page = await world.newPage();
    const email = uniqueEmail('keys');
    await page.goto('/sign-up');
    await waitForHeading(page, 'Create your Attune account');
    const form = signUpForm(page);

    // Trying to submit the empty form: focus goes to the first field that needs something.
    await tabTo(page, form.submit, { max: 12 });
    await page.keyboard.press('Enter');
    await page.getByText('Please tell us what to call you.').waitFor();
    expect(await isFocused(form.displayName)).toBe(true);
    expect(await describedBy(form.displayName)).toContain('Please tell us what to call you.');
    await page.getByText('Please choose the one that fits you.').waitFor();
    const roleGroup = page.getByRole('radiogroup', { name: 'How will you use Attune?' });
    expect(await roleGroup.getAttribute('aria-invalid')).toBe('true');
    expect(await describedBy(roleGroup)).toContain('Please choose the one that fits you.');
    await expectAccessible(page, 'sign up, submitted empty');

    await page.keyboard.type('Noor');
    await tabTo(page, form.email, { max: 1 });
    await page.keyboard.type(email);
    await tabTo(page, form.password, { max: 1 });
    await page.keyboard.type(GOOD_PASSWORD);

    // The show-password toggle works with Space, and hides again.
    const toggle = page.getByRole('button', { name: 'Show password' });
    await tabTo(page, toggle, { max: 1 });
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await form.password.getAttribute('type')).toBe('text');
    await page.keyboard.press('Space');
    expect(await form.password.getAttribute('type')).toBe('password');

    // The role: Tab into the group, arrows move between the choices.
    const client = form.role('client');
    const therapist = form.role('therapist');
    await tabTo(page, client, { max: 1 });
    await page.keyboard.press('ArrowDown');
    expect(await isFocused(therapist)).toBe(true);
    expect(await therapist.isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await isFocused(client)).toBe(true);
    expect(await client.isChecked()).toBe(true);
    expect(await page.getByText('Please choose the one that fits you.').count()).toBe(0);

    await tabTo(page, form.submit, { max: 1 });
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Today');
    await page.getByRole('banner').getByText('Noor').waitFor();
    await expectAccessible(page, 'Today after a keyboard sign-up');

    // Sign out from the keyboard: focus was moved to the page heading; go back up to the header.
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await tabTo(page, signOut, { max: 8, backwards: true });
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Sign in to Attune');

    // Sign in again: the heading has focus, so the next Tab is the email field.
    const signIn = signInForm(page);
    await tabTo(page, signIn.email, { max: 2 });
    await page.keyboard.type(email);
    await tabTo(page, signIn.password, { max: 1 });
    await page.keyboard.type(GOOD_PASSWORD);
    await page.keyboard.press('Enter'); // submits from inside the field
    await waitForHeading(page, 'Today');
    await page.getByRole('banner').getByText('Noor').waitFor();
  });

  test('the choice of role reads as two plain options', async () => {
    const page = await world.newPage();
    await page.goto('/sign-up');
    await waitForHeading(page, 'Create your Attune account');
    const group = page.getByRole('radiogroup', { name: 'How will you use Attune?' });
    expect(await group.getByRole('radio').count()).toBe(2);
    for (const label of Object.values(ROLE_LABEL)) {
      const radio = group.getByRole('radio', { name: label, exact: true });
      expect(await radio.count()).toBe(1);
      expect((await describedBy(radio)).length).toBeGreaterThan(20);
    }
  });
});
