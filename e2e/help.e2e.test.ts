import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { helpLink, openSignIn, openSignUp, signUp } from './flows.ts';
import {
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

const DEFAULT_INTRO =
  'If you are in danger or might hurt yourself, call your local emergency number now.';

/** From the top of a freshly loaded page, Tab reaches the crisis link in a few presses; Enter follows it. */
async function followHelpLinkByKeyboard(page: Page): Promise<void> {
  const presses = await tabTo(page, helpLink(page), { max: 4 });
  expect(presses).toBeLessThanOrEqual(3); // skip link, app name, then help
  await page.keyboard.press('Enter');
  await waitForHeading(page, 'Need help now?');
}

async function resourceNames(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Crisis lines' });
  return list.getByRole('heading', { level: 2 }).allTextContents();
}

describe('Need help now?', () => {
  test('is in the header of sign in, sign up, Today and not-found, and works from the keyboard', async () => {
    const page = await world.newPage();

    await openSignIn(page);
    await followHelpLinkByKeyboard(page);
    expect(await page.title()).toBe('Need help now? · Attune');
    await page.getByText(DEFAULT_INTRO).waitFor();
    const names = await resourceNames(page);
    expect(names).toEqual(
      expect.arrayContaining([
        '988 Suicide & Crisis Lifeline',
        'Samaritans',
        '113 Zelfmoordpreventie',
      ]),
    );
    // Every line can be called straight from the page.
    const call988 = page.getByRole('link', { name: 'Call 988' });
    expect(await call988.getAttribute('href')).toBe('tel:988');
    expect(await page.getByRole('link', { name: 'Call 116 123' }).getAttribute('href')).toBe(
      'tel:116123',
    );
    await page.getByText('Attune is not an emergency service', { exact: false }).waitFor();
    await expectAccessible(page, 'help (signed out)');

    await openSignUp(page);
    await followHelpLinkByKeyboard(page);

    await page.goto('/no/such/page');
    await waitForHeading(page, "We couldn't find that page");
    await followHelpLinkByKeyboard(page);

    await signUp(page, {
      displayName: 'Ari',
      email: uniqueEmail('help'),
      password: GOOD_PASSWORD,
      role: 'client',
    });
    await page.reload();
    await waitForHeading(page, 'Today');
    await followHelpLinkByKeyboard(page);
    // Still signed in on the help page, with the way back to Today.
    await page.getByRole('banner').getByText('Ari').waitFor();
    await expectAccessible(page, 'help (signed in)');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Today' })
      .click();
    await waitForHeading(page, 'Today');
  });

  test("shows the operator's list from the server", async () => {
    const page = await world.newPage();
    await page.goto('/help');
    await waitForHeading(page, 'Need help now?');
    // "Find a helpline" is in the server's list, not in the web app's built-in one.
    await page.getByRole('heading', { level: 2, name: 'Find a helpline' }).waitFor();
    expect(await page.getByRole('link', { name: 'Call 113' }).getAttribute('href')).toBe('tel:113');
    expect(await page.getByRole('link', { name: 'Call 0800-0113' }).getAttribute('href')).toBe(
      'tel:08000113',
    );
  });

  test('still shows crisis lines when the server cannot be reached', async () => {
    const page = await world.newPage();
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.goto('/help');
    await waitForHeading(page, 'Need help now?');
    await page.getByText(DEFAULT_INTRO).waitFor();
    expect(await resourceNames(page)).toEqual([
      '988 Suicide & Crisis Lifeline',
      'Samaritans',
      '113 Zelfmoordpreventie',
    ]);
    await page.getByText('United States').waitFor();
    await page.getByText('UK and Ireland').waitFor();
    await page.getByText('Netherlands').waitFor();
    await page.getByText('Attune is not an emergency service', { exact: false }).waitFor();
    expect(await helpLink(page).isVisible()).toBe(true);
    await expectAccessible(page, 'help without a server');
  });

  test('a page whose code cannot be downloaded still leads to help', async () => {
    const page = await world.newPage();
    // The server went away after the first download: page code and the API both fail.
    await page.route(/\/assets\/SignIn-[^/]*\.js$/, (route) => route.abort('connectionrefused'));
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.goto('/sign-in');
    await waitForHeading(page, "This page didn't load");
    await page.getByRole('button', { name: 'Try again' }).waitFor();
    await expectAccessible(page, 'a page that did not load');
    await helpLink(page).click();
    await waitForHeading(page, 'Need help now?');
    await page.getByText(DEFAULT_INTRO).waitFor();
    expect(await resourceNames(page)).toContain('Samaritans');
  });

  test('the skip link is the first stop and moves focus to the main content', async () => {
    const page = await world.newPage();
    await openSignIn(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    expect(await isFocused(skip)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await isFocused(page.getByRole('main'))).toBe(true);
    // The next Tab lands in the form, not back in the header.
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Email'))).toBe(true);
  });
});
