import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, type Person, signUp } from './flows.ts';
import {
  describedBy,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
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

const PHONE = { width: 320, height: 640 };

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

/**
 * React Aria announces a button going pending (the dialog's "Yes, delete it") by pointing at its
 * label, and keeps that announcement for 7 seconds, after the dialog and its button are gone:
 * axe would take it for an image without a name. Waits until it has cleared.
 */
async function announcementsCleared(page: Page): Promise<void> {
  await page
    .locator('[role="log"] [role="img"]')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 });
}

describe('deleting my account', () => {
  test('a client reads what happens, erases with the keyboard, and the therapist no longer finds them', async () => {
    const robin = await world.newPage(PHONE);
    const lee = await world.newPage();
    const client = person('client', 'Robin');
    const therapist = person('therapist', 'Dr. Lee');
    await signUp(robin, client);
    const relationshipId = await addTherapist(robin, 'Dr. Lee');
    await signUp(lee, therapist);
    const { invite } = await api<{ invite: { code: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/invites`,
      {},
    );
    await api(lee, 'POST', `/api/invites/${encodeURIComponent(invite.code)}/accept`, {});
    await api(robin, 'POST', `/api/relationships/${relationshipId}/messages`, {
      body: 'Can we talk about Monday?',
    });
    await lee.goto(`/relationships/${relationshipId}`);
    await waitForHeading(lee, 'You and Robin');

    // The therapist's page says what their clients keep.
    await lee.goto('/settings/privacy/erase');
    await waitForHeading(lee, 'Delete your account');
    await lee.getByText('Your clients keep what you sent them', { exact: false }).waitFor();

    // Robin finds it from the security page.
    await robin.goto('/settings/security');
    await waitForHeading(robin, 'Security');
    await robin.getByRole('link', { name: 'Read about deleting your account' }).click();
    await waitForHeading(robin, 'Delete your account');
    const main = robin.getByRole('main');
    for (const words of [
      'Everything you wrote in Attune goes',
      'they will no longer see anything from Attune',
      'not the messages you sent them either',
      "Notes your therapist keeps outside Attune, and emails they have already received, aren't affected",
      "This can't be undone",
    ]) {
      await main.getByText(words, { exact: false }).waitFor();
    }
    await expect(
      main.getByRole('link', { name: 'export your data' }).getAttribute('href'),
    ).resolves.toBe('/settings/privacy/export');
    await expectAccessible(robin, 'the delete-account page');
    await expectNoHorizontalScroll(robin, 'the delete-account page');
    await expectCalmWords(robin, 'the delete-account page');

    // With the keyboard: a wrong password first. Enter asks the last question; nothing is erased.
    const password = robin.getByLabel('Your password');
    await tabTo(robin, password, { max: 25 });
    await robin.keyboard.type('not my password at all');
    await robin.keyboard.press('Enter');
    const dialog = robin.getByRole('dialog', { name: 'Delete your account now?' });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByRole('button', { name: 'Keep my account' }))).toBe(true);
    await expectAccessible(robin, 'the last question');
    await robin.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('button', { name: 'Yes, delete it' }))).toBe(true);
    await robin.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await main
      .getByRole('alert')
      .getByText("Nothing was erased: that password isn't right.")
      .waitFor();
    expect(await describedBy(password)).toContain("That password isn't right. Please try again.");
    expect(await password.inputValue()).toBe('not my password at all');
    await announcementsCleared(robin);
    await expectAccessible(robin, 'the delete-account page with a wrong password');

    // Then the right one.
    await tabTo(robin, password, { backwards: true });
    await robin.keyboard.press('ControlOrMeta+A');
    await robin.keyboard.type(client.password);
    const trigger = main.getByRole('button', { name: 'Delete my account' });
    await tabTo(robin, trigger);
    await robin.keyboard.press('Enter');
    await dialog.waitFor();
    await robin.keyboard.press('Tab');
    await robin.keyboard.press('Enter');

    await waitForHeading(robin, 'Your account is deleted');
    expect(await isFocused(robin.getByRole('heading', { level: 1 }))).toBe(true);
    await robin.getByRole('link', { name: 'make a new account' }).waitFor();
    expect(await robin.getByRole('banner').getByRole('button', { name: 'Sign out' }).count()).toBe(
      0,
    );
    await robin.getByRole('banner').getByRole('link', { name: 'Need help now?' }).waitFor();
    await announcementsCleared(robin);
    // Robin's window to the front: axe's helper page, opening and closing beside a window in the
    // background, hands focus back to the skip link instead of where it was.
    await robin.bringToFront();
    await expectAccessible(robin, 'the goodbye page');
    expect(await isFocused(robin.getByRole('heading', { level: 1 }))).toBe(true);
    await expectNoHorizontalScroll(robin, 'the goodbye page');
    await expectCalmWords(robin, 'the goodbye page');
    expect((await robin.request.get('/api/me')).status()).toBe(401);

    // The therapist: the client's page is not found any more, and the caseload is empty.
    await lee.goto(`/relationships/${relationshipId}`);
    await waitForHeading(lee, "We couldn't find this relationship");
    await expectAccessible(lee, 'the therapist’s not-found page');
    expect((await api<{ items: unknown[] }>(lee, 'GET', '/api/caseload')).items).toEqual([]);
    expect((await lee.request.get(`/api/relationships/${relationshipId}/messages`)).status()).toBe(
      404,
    );
  });

  test('a therapist with two-factor sign-in erases with a code; the client keeps the relationship', async () => {
    const robin = await world.newPage(PHONE);
    const lee = await world.newPage(PHONE);
    const client = person('client', 'Robin');
    const therapist = person('therapist', 'Dr. Lee');
    await signUp(robin, client);
    const relationshipId = await addTherapist(robin, 'Dr. Lee');
    await signUp(lee, therapist);
    const { invite } = await api<{ invite: { code: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/invites`,
      {},
    );
    await api(lee, 'POST', `/api/invites/${encodeURIComponent(invite.code)}/accept`, {});
    await api(lee, 'POST', `/api/relationships/${relationshipId}/messages`, {
      body: 'See you on Monday.',
    });
    const { secret } = await api<{ secret: string }>(lee, 'POST', '/api/me/totp', {});
    await api(lee, 'POST', '/api/me/totp/confirm', {
      code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }),
    });

    await lee.goto('/settings/privacy/erase');
    await waitForHeading(lee, 'Delete your account');
    const main = lee.getByRole('main');
    await main.getByText('Your clients keep what you sent them', { exact: false }).waitFor();
    await lee.getByLabel('Your password').fill(therapist.password);
    const code = lee.getByLabel('Code from your authenticator app');
    await code.fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
    await expectAccessible(lee, 'the delete-account page with two-factor sign-in');
    await expectNoHorizontalScroll(lee, 'the delete-account page with two-factor sign-in');
    await main.getByRole('button', { name: 'Delete my account' }).click();
    await lee
      .getByRole('dialog', { name: 'Delete your account now?' })
      .getByRole('button', { name: 'Yes, delete it' })
      .click();
    await waitForHeading(lee, 'Your account is deleted');
    await lee.getByText('Your clients keep what you sent them.', { exact: false }).waitFor();

    // Robin's relationship goes on, on her own, with what Dr. Lee sent.
    await robin.goto(`/relationships/${relationshipId}`);
    await waitForHeading(robin, 'You and Dr. Lee');
    await robin
      .getByText("Just you for now: Dr. Lee isn't connected to Attune", { exact: false })
      .waitFor();
    const { items } = await api<{ items: { body: string; senderRole: string }[] }>(
      robin,
      'GET',
      `/api/relationships/${relationshipId}/messages`,
    );
    expect(items).toEqual([
      expect.objectContaining({ body: 'See you on Monday.', senderRole: 'therapist' }),
    ]);
    // And she can still read them, on the Messages tab, with no way to send into nowhere.
    await robin.getByRole('tab', { name: 'Messages' }).click();
    await robin.getByText('See you on Monday.').waitFor();
    await robin
      .getByText('These are kept from when you were connected', { exact: false })
      .waitFor();
    expect(await robin.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    await expectAccessible(robin, 'the relationship page after the therapist left');
  });
});
