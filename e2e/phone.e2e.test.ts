import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fillSignUp, helpLink, signUpForm } from './flows.ts';
import {
  expectAccessible,
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

const PHONE = { width: 320, height: 640 };
const MIN_TARGET = 44;

/** Buttons, text fields, radio choices and header links must be easy to hit with a thumb. */
async function expectComfortableTargets(page: Page, where: string): Promise<void> {
  const targets: Locator[] = [
    ...(await page.getByRole('button').all()),
    ...(await page.getByRole('textbox').all()),
    ...(await page.getByRole('banner').getByRole('link').all()),
  ];
  const small: string[] = [];
  for (const target of targets) {
    if (!(await target.isVisible())) continue;
    const box = await target.boundingBox();
    if (box && box.height < MIN_TARGET) {
      small.push(
        `${await target.evaluate((el) => el.outerHTML.slice(0, 80))} is ${box.height}px high`,
      );
    }
  }
  // A radio's own input is visually hidden; its label is stretched over the whole card. Check
  // that the card is tall enough and that pressing near its top and bottom edges hits the label.
  for (const radio of await page.getByRole('radio').all()) {
    const problem = await radio.evaluate((input, min) => {
      const label = input.closest('label');
      const card = label?.parentElement;
      if (!label || !card) return 'a radio without a label';
      card.scrollIntoView({ block: 'center' });
      const rect = card.getBoundingClientRect();
      if (rect.height < min) return `a radio's card is ${rect.height}px high`;
      const x = rect.left + rect.width / 2;
      for (const y of [rect.top + 4, rect.bottom - 4]) {
        const hit = document.elementFromPoint(x, y);
        if (!hit || !label.contains(hit))
          return `pressing a radio's card at y=${y} misses its label`;
      }
      return null;
    }, MIN_TARGET);
    if (problem) small.push(problem);
  }
  if (small.length > 0) throw new Error(`Small touch targets on ${where}:\n${small.join('\n')}`);
}

async function checkPage(page: Page, where: string): Promise<void> {
  await expectNoHorizontalScroll(page, where);
  await expectComfortableTargets(page, where);
  await expectAccessible(page, `${where} at 320px`);
}

describe('on a small phone (320 × 640)', () => {
  test('every page fits the width, without sideways scrolling', async () => {
    const page = await world.newPage(PHONE);

    await page.goto('/sign-in');
    await waitForHeading(page, 'Sign in to Attune');
    expect(await helpLink(page).isVisible()).toBe(true);
    await checkPage(page, 'sign in');

    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Please enter your email.').waitFor();
    await checkPage(page, 'sign in with notes');

    await page.goto('/help');
    await waitForHeading(page, 'Need help now?');
    await checkPage(page, 'help');

    await page.goto('/somewhere/that/does/not/exist');
    await waitForHeading(page, "We couldn't find that page");
    await checkPage(page, 'not found');

    await page.goto('/sign-up');
    await waitForHeading(page, 'Create your Attune account');
    await checkPage(page, 'sign up');

    // Long words and server notes must wrap, not push the page sideways.
    await fillSignUp(page, {
      displayName: 'Maximiliane-Konstantina Oberhausen-Wittgenstein',
      email: uniqueEmail('a-rather-long-address-for-a-small-screen'),
      password: 'password1234',
      role: 'therapist',
    });
    await signUpForm(page).submit.click();
    await page.getByText('This password is one of the most common ones').waitFor();
    await checkPage(page, 'sign up with a server note');

    await signUpForm(page).password.fill(GOOD_PASSWORD);
    await signUpForm(page).submit.click();
    await waitForHeading(page, 'Today');
    await page.getByRole('banner').getByText('Maximiliane-Konstantina').waitFor();
    expect(await helpLink(page).isVisible()).toBe(true);
    await checkPage(page, 'Today (signed in)');

    await page.goto('/help');
    await waitForHeading(page, 'Need help now?');
    await checkPage(page, 'help (signed in)');
  });
});
