import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  addPastSession,
  addTherapist,
  api,
  fillCheckIn,
  fillSignUp,
  openTab,
  type Person,
  signUp,
  signUpForm,
  therapistItems,
} from './flows.ts';
import {
  chartPixelsLike,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  startWorld,
  uniqueEmail,
  visibleText,
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

const CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const PHONE = { width: 320, height: 640 };

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

/** axe in light and dark, then the same page at 320 px: no sideways scroll, still clean. */
async function checkBothSizes(page: Page, where: string): Promise<void> {
  await expectAccessible(page, where);
  const size = page.viewportSize();
  await page.setViewportSize(PHONE);
  try {
    await expectNoHorizontalScroll(page, `${where} at 320px`);
    await expectAccessible(page, `${where} at 320px`);
  } finally {
    if (size) await page.setViewportSize(size);
  }
}

async function checkIn(page: Page, appointmentId: string, scores: number, tension = 0) {
  await api(page, 'POST', `/api/appointments/${appointmentId}/checkins`, {
    bond: scores / 4,
    goals: scores / 4,
    method: scores / 4,
    overall: scores / 4,
    tension,
  });
}

/** The timeline entry of the session that has a check-in with this score. */
function entryWith(page: Page, text: string) {
  return page.locator('.timeline-entry', { hasText: text });
}

describe('connecting with a therapist', () => {
  test('a client invites; the therapist connects and sees only what is shared from then on', async () => {
    // Robin, on her own for now, with two check-ins from before connecting (private, as
    // everything is while solo).
    const robin = await world.newPage();
    await robin.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await signUp(robin, person('client', 'Robin'));
    const relationshipId = await addTherapist(robin, 'Dr. Lee');
    await checkIn(robin, await addPastSession(robin, relationshipId, 30), 32);
    await checkIn(robin, await addPastSession(robin, relationshipId, 23), 24);

    // Inviting: what the therapist will see is said before any code exists.
    await robin.reload();
    await waitForHeading(robin, 'You and Dr. Lee');
    await robin.getByRole('button', { name: 'Invite your therapist' }).click();
    await robin.getByRole('heading', { name: 'What Dr. Lee will see once connected' }).waitFor();
    await robin.getByText('The check-ins you choose to share from then on').waitFor();
    await robin.getByText('Your earlier check-ins stay private').waitFor();
    expect(await robin.locator('.code').count()).toBe(0);
    await expectCalmWords(robin, 'invite, before the code');
    await checkBothSizes(robin, 'invite, before the code');

    await robin.getByRole('button', { name: 'Make an invite code' }).click();
    const codeText = robin.locator('.code');
    await codeText.waitFor();
    const code = (await visibleText(codeText)).trim();
    expect(code).toMatch(CODE);
    const linkField = robin.getByLabel('Or share this link');
    const link = await linkField.inputValue();
    expect(link).toBe(`${new URL(robin.url()).origin}/invite/${code}`);
    await robin
      .getByText('The code works once, for one therapist, and expires in 7 days')
      .waitFor();
    await robin.getByRole('button', { name: 'Copy link' }).click();
    await robin.getByText('The link is copied.').waitFor();
    expect(await robin.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await checkBothSizes(robin, 'invite, with the code');

    // Opened by the client herself, the link explains it is for a therapist, and uses nothing.
    await robin.goto(new URL(link).pathname);
    await waitForHeading(robin, 'This invite is for a therapist');
    await checkBothSizes(robin, 'invite link opened by the client');

    // Dr. Lee follows the link while signed out, creates an account and comes back to it.
    const lee = await world.newPage();
    await lee.goto(new URL(link).pathname);
    await waitForHeading(lee, 'Sign in to Attune');
    await lee.getByText("Sign in to accept your client's invite.").waitFor();
    await lee.getByRole('link', { name: 'Create an account' }).click();
    await waitForHeading(lee, 'Create your Attune account');
    await fillSignUp(lee, person('therapist', 'Dr. Lee'));
    await signUpForm(lee).submit.click();
    await waitForHeading(lee, 'Accept an invite');
    expect(await lee.getByLabel('Invite code').inputValue()).toBe(code);
    await checkBothSizes(lee, 'accept an invite (therapist)');
    await lee.getByRole('button', { name: 'Connect' }).click();
    await waitForHeading(lee, 'You and Robin');

    // Nothing from before connecting reaches the therapist.
    await openTab(lee, 'Check-ins');
    await lee.getByText('No check-ins yet.').waitFor();

    // The same code cannot be used twice.
    const other = await world.newPage();
    await signUp(other, person('therapist', 'Sam'));
    await other.getByLabel('Invite code').fill(code);
    await other.getByRole('button', { name: 'Connect' }).click();
    await other.getByText("That code didn't work.").waitFor();
    await expectAccessible(other, 'Today (therapist) with a refused code');

    // Robin, now connected: one check-in kept private, one shared (the default).
    const privateSession = await addPastSession(robin, relationshipId, 9);
    const sharedSession = await addPastSession(robin, relationshipId, 2);
    await robin.goto(`/appointments/${privateSession}/check-in?relationship=${relationshipId}`);
    const who = robin.getByRole('radiogroup', { name: 'Who will see this check-in?' });
    await who.waitFor();
    expect(await who.getByRole('radio', { name: 'Share with Dr. Lee' }).isChecked()).toBe(true);
    await robin.getByRole('button', { name: 'Save and share with Dr. Lee' }).waitFor();
    await expectCalmWords(robin, 'check-in (connected)');
    await checkBothSizes(robin, 'check-in (connected client)');
    await fillCheckIn(robin, { items: [9, 9, 9, 9], tension: 'None', keepPrivate: true });
    await robin.getByText('adds up to 36 of 40').waitFor();
    await robin.getByText('Only you can see it.').waitFor();

    await robin.goto(`/appointments/${sharedSession}/check-in?relationship=${relationshipId}`);
    await fillCheckIn(robin, { items: [7, 7, 7, 7], tension: 'Some', note: 'Hard to say why.' });
    await robin.getByText('adds up to 28 of 40').waitFor();
    await robin.getByText('It is shared with Dr. Lee.').waitFor();

    // Dr. Lee's Today: Robin, with the reason in one line, calmly emphasised.
    await lee.goto('/');
    await waitForHeading(lee, 'Today');
    const item = lee.locator('.caseload-item', { hasText: 'Robin' });
    await item.waitFor();
    await item.getByText('Needs attention').waitFor();
    expect(await visibleText(item.locator('.caseload-reason'))).toBe(
      'Robin noted some tension, not eased by the end.',
    );
    expect(await visibleText(item)).toContain('Latest check-ins: Robin 28 · none from you yet');
    await checkBothSizes(lee, 'Today (therapist caseload)');

    // Robin's page, as Dr. Lee sees it: only the shared check-in.
    await item.getByRole('link', { name: 'Robin' }).click();
    await waitForHeading(lee, 'You and Robin');
    await entryWith(lee, "Robin's check-in: 28 of 40").waitFor();
    await lee.getByText('Hard to say why.').waitFor();
    const timeline = await visibleText(lee.getByRole('tabpanel'));
    for (const hidden of ['36 of 40', '32 of 40', '24 of 40']) {
      expect(timeline).not.toContain(hidden);
    }
    await checkBothSizes(lee, 'relationship page, timeline (therapist)');
    await openTab(lee, 'Check-ins');
    const table = lee.getByRole('table', { name: /Check-in scores/ });
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody td:nth-child(2)').allInnerTexts()).toEqual(['28']);
    const chart = lee.getByRole('img', { name: /^Chart of Robin's check-in scores/ });
    expect(await chart.getAttribute('aria-label')).toContain('1 check-in');
    await checkBothSizes(lee, 'relationship page, check-ins (therapist)');
    await openTab(lee, 'Schedule');
    await lee.getByRole('button', { name: 'Add session' }).waitFor();
    await checkBothSizes(lee, 'relationship page, schedule (therapist)');

    // Dr. Lee's own check-in for that session: the therapist's words, and it noted no tension.
    await openTab(lee, 'Timeline');
    await entryWith(lee, "Robin's check-in: 28 of 40")
      .getByRole('link', { name: 'Fill in your check-in for this session' })
      .click();
    await lee.getByRole('slider').first().waitFor();
    await lee.getByText('Robin will be able to see your check-in.').waitFor();
    expect(await lee.getByRole('radiogroup', { name: 'Who will see this check-in?' }).count()).toBe(
      0,
    );
    await checkBothSizes(lee, 'check-in (therapist)');
    await fillCheckIn(lee, {
      items: [8, 8, 8, 8],
      tension: 'None',
      itemNames: therapistItems('Robin'),
    });
    await lee.getByText('Robin can see it.').waitFor();

    // Both lines on Dr. Lee's chart now, told apart by shape as well as colour.
    await lee.goto(`/relationships/${relationshipId}?tab=checkins`);
    await lee
      .getByRole('img', { name: /^Chart of Robin's check-in scores/ })
      .locator('canvas')
      .waitFor();
    await expect.poll(() => chartPixelsLike(lee, '.legend-client')).toBeGreaterThan(20);
    await expect.poll(() => chartPixelsLike(lee, '.legend-therapist')).toBeGreaterThan(20);
    await lee.getByText('dashed line, square points').waitFor();
    const row = lee.getByRole('table', { name: /Check-in scores/ }).locator('tbody tr');
    expect(await row.locator('td').allInnerTexts()).toEqual(['28', '32', 'Some']);
    expect(await visibleText(row.getByRole('rowheader'))).toContain("tension you didn't note");

    // Robin sees Dr. Lee's check-in, and the unnoticed tension offered as a question.
    await robin.goto(`/relationships/${relationshipId}`);
    await waitForHeading(robin, 'You and Dr. Lee');
    const shared = entryWith(robin, 'Your check-in: 28 of 40');
    await shared.getByText("Dr. Lee's check-in: 32 of 40").waitFor();
    await shared.getByText('It may not have been seen.').waitFor();
    await expectCalmWords(robin, 'relationship page (connected client)');

    // And Robin stays in control: making it private takes it from Dr. Lee's view.
    await shared.getByRole('button', { name: 'Make it private' }).click();
    await shared.getByText('Private: only you can see it.').waitFor();
    await lee.reload();
    const after = lee.getByRole('table', { name: /Check-in scores/ });
    await after.waitFor();
    expect(await after.locator('tbody td:nth-child(3)').allInnerTexts()).toEqual(['32']);
    expect(await after.locator('tbody td:nth-child(2)').allInnerTexts()).not.toContain('28');
  });
});
