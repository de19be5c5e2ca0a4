import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, onTestFailed, test } from 'vitest';
import { type Person, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  startWorld,
  tabTo,
  uniqueEmail,
  visibleText,
  type World,
  waitForHeading,
} from './support.ts';

/**
 * The community with three people: an asker, the owner of an ask box, and a moderator (named in
 * ATTUNE_MODERATORS, which the server reads from the environment it inherits). Each step builds
 * on the one before, as the people would use it, at 320 px wide.
 */

const MODERATOR_EMAIL = uniqueEmail('moderator');

let world: World;

beforeAll(async () => {
  // startServer passes this process's environment on to the server.
  process.env.ATTUNE_MODERATORS = MODERATOR_EMAIL;
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

const PHONE = { width: 320, height: 720 };

const asker: Person = {
  displayName: 'Robin Account',
  email: uniqueEmail('asker'),
  password: GOOD_PASSWORD,
  role: 'client',
};
const owner: Person = {
  displayName: 'Sam Account',
  email: uniqueEmail('owner'),
  password: GOOD_PASSWORD,
  role: 'client',
};
const moderator: Person = {
  displayName: 'Mo Account',
  email: MODERATOR_EMAIL,
  password: GOOD_PASSWORD,
  role: 'client',
};

const ASKER_NAME = 'Wren-Asks';
const OWNER_NAME = 'QuietHarbour';
const MODERATOR_NAME = 'Steady_Lantern';

const ANON_ASK = 'How do you bring up a rupture in session?';
const ANSWER = 'I wrote it down first and read it out at the start of the session.';
const BLOCKED_ASK = 'Me again, with another question for your box.';
const BOARD_TITLE = "How do other people's ruptures go?";
const BOARD_BODY = 'Mine went quiet for weeks. I would like to hear how it was for others.';
const CRISIS_BODY = "I don't want to be here anymore";

let askerPage: Page;
let ownerPage: Page;
let moderatorPage: Page;
let anonAskId = '';
let boardQuestionId = '';

/** axe (light and dark), no sideways scrolling at 320 px, and the calm words of the client side. */
async function checkScreen(page: Page, where: string): Promise<void> {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  await expectCalmWords(page, where);
}

function communityNav(page: Page) {
  return page.getByRole('navigation', { name: 'Community' });
}

async function openCommunity(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Community' })
    .click();
}

async function setUpProfile(page: Page, pseudonym: string, bio: string): Promise<void> {
  await openCommunity(page);
  await waitForHeading(page, 'Welcome to the community');
  await page.getByRole('region', { name: 'Community guidelines' }).waitFor();
  await page
    .getByRole('main')
    .getByText("Your therapist can't find you here.", { exact: false })
    .waitFor();
  await page.getByLabel('Pseudonym', { exact: true }).fill(pseudonym);
  await page.getByLabel('About you (if you like)', { exact: true }).fill(bio);
  await page.getByRole('button', { name: 'Agree to the guidelines and start' }).click();
  await waitForHeading(page, 'Community board');
}

function idFromUrl(page: Page): string {
  const match = /\/community\/questions\/([^/?#]+)/.exec(page.url());
  if (!match?.[1]) throw new Error(`Not on a question's page: ${page.url()}`);
  return match[1];
}

async function mainText(page: Page): Promise<string> {
  return visibleText(page.getByRole('main'));
}

describe('the community, end to end', () => {
  // On a failure, what each person had on screen, to see what went wrong without a rerun.
  beforeEach(() => {
    onTestFailed(async () => {
      const people = { asker: askerPage, owner: ownerPage, moderator: moderatorPage };
      for (const [name, page] of Object.entries(people)) {
        if (!page) continue;
        const text = await visibleText(page.getByRole('main')).catch(() => '(no page)');
        console.log(`--- the ${name} at ${page.url()}:\n${text}`);
      }
    });
  });

  test('the owner sets up a profile with an open ask box that takes anonymous asks', async () => {
    ownerPage = await world.newPage(PHONE);
    await signUp(ownerPage, owner);
    await openCommunity(ownerPage);
    await waitForHeading(ownerPage, 'Welcome to the community');
    await checkScreen(ownerPage, 'the first visit (guidelines and profile)');

    // A pseudonym that breaks the rule is explained next to the field, and nothing is lost.
    await ownerPage.getByLabel('Pseudonym', { exact: true }).fill('no spaces please');
    await ownerPage.getByRole('button', { name: 'Agree to the guidelines and start' }).click();
    const pseudonym = ownerPage.getByLabel('Pseudonym', { exact: true });
    await expect.poll(() => pseudonym.getAttribute('aria-invalid')).toBe('true');
    expect(await pseudonym.inputValue()).toBe('no spaces please');

    await setUpProfile(ownerPage, OWNER_NAME, 'Three years in therapy. Happy to answer.');
    await communityNav(ownerPage).getByRole('link', { name: 'My profile' }).click();
    await waitForHeading(ownerPage, 'Your community profile');
    expect(await ownerPage.getByLabel('Open my ask box').isChecked()).toBe(true);
    expect(await ownerPage.getByLabel('Allow anonymous asks').isChecked()).toBe(true);
    await checkScreen(ownerPage, 'my profile');
    // Nobody but a moderator has the moderation link.
    expect(await communityNav(ownerPage).getByRole('link', { name: 'Moderation' }).count()).toBe(0);
  });

  test('the asker asks the owner anonymously and posts on the board, held as a first post', async () => {
    askerPage = await world.newPage(PHONE);
    await signUp(askerPage, asker);
    await setUpProfile(askerPage, ASKER_NAME, 'Still learning to speak up.');
    await checkScreen(askerPage, 'the board, empty');

    // The owner's profile, then the ask form.
    await askerPage.goto(`/community/people/${OWNER_NAME}`);
    await waitForHeading(askerPage, OWNER_NAME);
    await checkScreen(askerPage, "someone's profile");
    await askerPage.getByRole('link', { name: `Ask ${OWNER_NAME}` }).click();
    await waitForHeading(askerPage, `Ask ${OWNER_NAME}`);
    await askerPage.getByLabel('Your question', { exact: true }).fill(ANON_ASK);
    await askerPage.getByLabel('Ask anonymously', { exact: true }).check();
    await askerPage
      .getByText('without your name: nobody can see who asked', { exact: false })
      .waitFor();
    await askerPage.getByRole('link', { name: /community guidelines/ }).waitFor();
    await checkScreen(askerPage, 'the ask form');

    // The form can be finished from the keyboard: Tab reaches the button, with focus visible.
    const send = askerPage.getByRole('button', { name: 'Send the ask' });
    await askerPage.getByLabel('Your question', { exact: true }).focus();
    await tabTo(askerPage, send, { max: 10 });
    await askerPage.keyboard.press('Enter');
    await waitForHeading(askerPage, ANON_ASK);
    await askerPage
      .getByRole('main')
      .getByText(`Sent to ${OWNER_NAME}'s ask box`, { exact: false })
      .waitFor();
    anonAskId = idFromUrl(askerPage);
    await askerPage
      .getByRole('main')
      .getByText('You asked anonymously', { exact: false })
      .waitFor();
    await checkScreen(askerPage, 'my anonymous ask');

    // A question on the public board, with a topic; a draft survives a reload on the way.
    await askerPage.goto('/community/ask');
    await waitForHeading(askerPage, 'Ask the community');
    await askerPage.getByLabel('Title (if you like)', { exact: true }).fill(BOARD_TITLE);
    await askerPage.getByLabel('Your question', { exact: true }).fill(BOARD_BODY);
    await askerPage.getByRole('checkbox', { name: 'ruptures', exact: true }).check();
    await askerPage.reload();
    await waitForHeading(askerPage, 'Ask the community');
    expect(await askerPage.getByLabel('Your question', { exact: true }).inputValue()).toBe(
      BOARD_BODY,
    );
    expect(
      await askerPage.getByRole('checkbox', { name: 'ruptures', exact: true }).isChecked(),
    ).toBe(true);
    await askerPage
      .getByRole('main')
      .getByText('Your first post is read by a moderator', { exact: false })
      .waitFor();
    await askerPage.getByRole('button', { name: 'Post the question' }).click();
    await waitForHeading(askerPage, BOARD_TITLE);
    boardQuestionId = idFromUrl(askerPage);
    await askerPage
      .getByText('a moderator reads it before it appears there', { exact: false })
      .waitFor();

    // Held: not on the board yet, even for its author.
    await askerPage.goto('/community');
    await waitForHeading(askerPage, 'Community board');
    await askerPage.getByRole('main').getByText('Nothing here yet.', { exact: false }).waitFor();
  });

  test('crisis language brings a gentle pause with help, and posting can go on', async () => {
    await askerPage.goto('/community/ask');
    await waitForHeading(askerPage, 'Ask the community');
    const body = askerPage.getByLabel('Your question', { exact: true });
    await body.fill(CRISIS_BODY);
    await askerPage.getByRole('button', { name: 'Post the question' }).click();
    const dialog = askerPage.getByRole('dialog', { name: 'Before you post' });
    await dialog.waitFor();
    await dialog.getByRole('list', { name: 'Places to find support' }).waitFor();
    expect(await dialog.getByRole('link', { name: /^Call / }).count()).toBeGreaterThan(0);
    const words = await visibleText(dialog);
    expect(words).not.toMatch(/\b(alerts?|warnings?|risks?|failures?|negative)\b|!/i);
    await expectAccessible(askerPage, 'the crisis pause');
    await expectNoHorizontalScroll(askerPage, 'the crisis pause');

    // "Not now" keeps every word; posting again, and choosing to post, posts it.
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await body.inputValue()).toBe(CRISIS_BODY);
    await askerPage.getByRole('button', { name: 'Post the question' }).click();
    await dialog.getByRole('button', { name: 'Post it' }).click();
    await waitForHeading(askerPage, CRISIS_BODY);
    // Beside it, a quiet way to help.
    await askerPage.getByRole('link', { name: 'people you can talk to now' }).waitFor();
  });

  test('the owner finds the anonymous ask in the ask box, never learning who asked, and answers on the board', async () => {
    await communityNav(ownerPage)
      .getByRole('link', { name: /^Notifications/ })
      .click();
    await waitForHeading(ownerPage, 'Notifications');
    await ownerPage.getByRole('main').getByText('Someone asked you something.').waitFor();
    await checkScreen(ownerPage, 'notifications (an ask)');

    await communityNav(ownerPage).getByRole('link', { name: 'My ask box' }).click();
    await waitForHeading(ownerPage, 'My ask box');
    const ask = ownerPage.getByRole('article', { name: ANON_ASK });
    await ask.getByText('Asked anonymously').waitFor();
    await checkScreen(ownerPage, 'my ask box');
    let text = await mainText(ownerPage);
    expect(text).not.toContain(ASKER_NAME);
    expect(text).not.toContain(asker.displayName);

    await ask.getByRole('link', { name: /^Answer/ }).click();
    await waitForHeading(ownerPage, ANON_ASK);
    text = await mainText(ownerPage);
    expect(text).not.toContain(ASKER_NAME);
    expect(text).not.toContain(asker.displayName);
    await ownerPage
      .getByRole('main')
      .getByText('Asked by someone anonymous', { exact: false })
      .waitFor();
    // An anonymous asker cannot get a private answer, so it is not offered.
    expect(await ownerPage.getByRole('radio', { name: /^Only/ }).count()).toBe(0);
    await checkScreen(ownerPage, 'an ask, for its recipient');

    await ownerPage.getByLabel('Your answer', { exact: true }).fill(ANSWER);
    await ownerPage.getByRole('button', { name: 'Post the answer' }).click();
    await ownerPage
      .getByRole('main')
      .getByRole('status')
      .filter({ hasText: 'first public answer' })
      .waitFor();
    await ownerPage.getByRole('main').getByText(ANSWER).waitFor();
  });

  test('the asker sees the answer in notifications', async () => {
    await askerPage.goto('/community');
    await waitForHeading(askerPage, 'Community board');
    await communityNav(askerPage)
      .getByRole('link', { name: /^Notifications/ })
      .click();
    await waitForHeading(askerPage, 'Notifications');
    await askerPage.getByRole('main').getByText("There's an answer to your question.").waitFor();
    await checkScreen(askerPage, 'notifications (an answer)');
    await askerPage.getByRole('link', { name: 'Read the answer' }).click();
    await waitForHeading(askerPage, ANON_ASK);
    await askerPage.getByRole('main').getByText(ANSWER).waitFor();
  });

  test('the owner blocks the anonymous asker through the ask; their next ask is taken and never arrives', async () => {
    await ownerPage.goto(`/community/questions/${anonAskId}`);
    await waitForHeading(ownerPage, ANON_ASK);
    await ownerPage.getByRole('button', { name: /^Block this asker/ }).click();
    const dialog = ownerPage.getByRole('dialog', { name: 'Block the person who asked this?' });
    await dialog.getByText("They won't be told.", { exact: false }).waitFor();
    await expectAccessible(ownerPage, 'the block dialog');
    await dialog.getByRole('button', { name: 'Block them' }).click();
    await dialog.waitFor({ state: 'detached' });

    await ownerPage.goto('/community/profile');
    await waitForHeading(ownerPage, 'Your community profile');
    const blocks = ownerPage.getByRole('region', { name: 'Blocked askers' });
    await blocks.getByText('Someone who asked anonymously').waitFor();
    expect(await visibleText(blocks)).not.toContain(ASKER_NAME);

    // The asker asks again: it looks sent to them.
    await askerPage.goto(`/community/people/${OWNER_NAME}`);
    await askerPage.getByRole('link', { name: `Ask ${OWNER_NAME}` }).click();
    await waitForHeading(askerPage, `Ask ${OWNER_NAME}`);
    await askerPage.getByLabel('Your question', { exact: true }).fill(BLOCKED_ASK);
    await askerPage.getByRole('button', { name: 'Send the ask' }).click();
    await waitForHeading(askerPage, BLOCKED_ASK);
    await askerPage
      .getByRole('main')
      .getByText(`Sent to ${OWNER_NAME}'s ask box`, { exact: false })
      .waitFor();

    // It never reaches the owner: not in the ask box, no notification.
    await ownerPage.goto('/community/inbox');
    await waitForHeading(ownerPage, 'My ask box');
    await ownerPage.getByRole('main').getByText('Nothing here yet.', { exact: false }).waitFor();
    expect(await mainText(ownerPage)).not.toContain(BLOCKED_ASK);
    await ownerPage.goto('/community/notifications');
    await waitForHeading(ownerPage, 'Notifications');
    await ownerPage.getByRole('main').getByText('Someone asked you something.').first().waitFor();
    expect(
      await ownerPage.getByRole('main').getByText('Someone asked you something.').count(),
    ).toBe(1);
  });

  test('the moderator approves held posts; the board and its topic filter show them', async () => {
    moderatorPage = await world.newPage(PHONE);
    await signUp(moderatorPage, moderator);
    await openCommunity(moderatorPage);
    await waitForHeading(moderatorPage, 'Welcome to the community');
    // The profile, set up from the keyboard alone.
    await moderatorPage.getByLabel('Pseudonym', { exact: true }).focus();
    await moderatorPage.keyboard.type(MODERATOR_NAME);
    const start = moderatorPage.getByRole('button', { name: 'Agree to the guidelines and start' });
    await tabTo(moderatorPage, start, { max: 6 });
    await moderatorPage.keyboard.press('Enter');
    await waitForHeading(moderatorPage, 'Community board');

    await communityNav(moderatorPage).getByRole('link', { name: 'Moderation' }).click();
    await waitForHeading(moderatorPage, 'Moderation');
    await checkScreen(moderatorPage, 'the moderation queue');

    // The owner's answer to the anonymous ask: nothing in it names the asker.
    const answerItem = moderatorPage.getByRole('article').filter({ hasText: ANSWER });
    const answerText = await visibleText(answerItem);
    expect(answerText).not.toContain(ASKER_NAME);
    await answerItem.getByRole('button', { name: /^Approve/ }).click();
    let dialog = moderatorPage.getByRole('dialog', { name: 'Approve this?' });
    await expectAccessible(moderatorPage, 'the approve dialog');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await answerItem.waitFor({ state: 'detached' });

    // The crisis post is there with its reason.
    await moderatorPage
      .getByRole('article')
      .filter({ hasText: CRISIS_BODY })
      .getByText('Crisis language')
      .waitFor();

    // The held board question.
    const held = moderatorPage.getByRole('article', { name: `A question: ${BOARD_TITLE}` });
    await held.getByText('First post, waiting to be read').waitFor();
    await held.getByRole('button', { name: /^Approve/ }).click();
    dialog = moderatorPage.getByRole('dialog', { name: 'Approve this?' });
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await held.waitFor({ state: 'detached' });

    // The anonymous ask's page, for the moderator: still nobody's name.
    await moderatorPage.goto(`/community/questions/${anonAskId}`);
    await waitForHeading(moderatorPage, ANON_ASK);
    const askText = await mainText(moderatorPage);
    expect(askText).not.toContain(ASKER_NAME);
    expect(askText).not.toContain(asker.displayName);
    expect(askText).toContain(ANSWER);

    // The board, and its filter by topic.
    await moderatorPage.goto('/community');
    await waitForHeading(moderatorPage, 'Community board');
    await moderatorPage.getByRole('link', { name: BOARD_TITLE, exact: true }).waitFor();
    await checkScreen(moderatorPage, 'the board');
    const filter = moderatorPage.getByLabel('Show questions about');
    await filter.selectOption('grief');
    await moderatorPage
      .getByRole('main')
      .getByText('Nothing about grief yet.', { exact: false })
      .waitFor();
    expect(await moderatorPage.getByRole('link', { name: BOARD_TITLE, exact: true }).count()).toBe(
      0,
    );
    await filter.selectOption('ruptures');
    await moderatorPage.getByRole('link', { name: BOARD_TITLE, exact: true }).waitFor();
    expect(moderatorPage.url()).toContain('tag=ruptures');
    // The anonymous ask, answered in public, has no topic: it is not under "ruptures".
    expect(await moderatorPage.getByRole('link', { name: ANON_ASK, exact: true }).count()).toBe(0);

    // The asker hears that the post is up.
    await askerPage.goto('/community/notifications');
    await waitForHeading(askerPage, 'Notifications');
    await askerPage
      .getByRole('main')
      .getByText('A moderator read your post, and it is on the board now.')
      .waitFor();
  });

  test('a report reaches the moderator, who takes the post down with a reason the author sees', async () => {
    // The owner reports the board question.
    await ownerPage.goto(`/community/questions/${boardQuestionId}`);
    await waitForHeading(ownerPage, BOARD_TITLE);
    await checkScreen(ownerPage, 'a board question');
    await ownerPage.getByRole('button', { name: 'Report this question' }).click();
    const report = ownerPage.getByRole('dialog', { name: 'Report this question' });
    await report.getByText('It never says who sent it', { exact: false }).waitFor();
    await expectAccessible(ownerPage, 'the report dialog');
    await report.getByRole('radio', { name: 'Something else' }).check();
    await report
      .getByLabel('Anything moderators should know (if you like)')
      .fill('It names a clinic.');
    await report.getByRole('button', { name: 'Send report' }).click();
    await ownerPage.getByRole('dialog', { name: 'Thank you for telling us' }).waitFor();
    await ownerPage.getByRole('button', { name: 'Close' }).click();

    // The moderator removes it, with a reason.
    await moderatorPage.goto('/community/moderation');
    await waitForHeading(moderatorPage, 'Moderation');
    const item = moderatorPage.getByRole('article', { name: `A question: ${BOARD_TITLE}` });
    await item.getByText('Reported').waitFor();
    await item.getByText('It names a clinic.').waitFor();
    await item.getByRole('button', { name: /^Remove/ }).click();
    const remove = moderatorPage.getByRole('dialog', { name: 'Take this down?' });
    // A reason is needed, and asked for kindly.
    await remove.getByRole('button', { name: 'Take it down' }).click();
    await remove.getByText('Please give a reason; the writer will see it.').waitFor();
    await expectAccessible(moderatorPage, 'the remove dialog');
    const REASON = 'It names a clinic, and the guidelines ask for no names.';
    await remove.getByLabel('Your reason').fill(REASON);
    await remove.getByRole('button', { name: 'Take it down' }).click();
    await remove.waitFor({ state: 'detached' });
    await item.waitFor({ state: 'detached' });

    // The author sees why.
    await askerPage.goto('/community/notifications');
    await waitForHeading(askerPage, 'Notifications');
    await askerPage.getByRole('main').getByText('A moderator took down your post.').waitFor();
    await askerPage.getByRole('main').getByText(REASON).waitFor();
    await checkScreen(askerPage, 'notifications (a decision)');
    // It is gone from the board for others.
    await ownerPage.goto('/community');
    await waitForHeading(ownerPage, 'Community board');
    await ownerPage.getByRole('heading', { level: 2 }).first().waitFor();
    expect(await ownerPage.getByRole('link', { name: BOARD_TITLE, exact: true }).count()).toBe(0);
  });

  test('worried about someone: they get a caring note with help, and never learn who sent it', async () => {
    await ownerPage.goto(`/community/people/${ASKER_NAME}`);
    await waitForHeading(ownerPage, ASKER_NAME);
    await ownerPage.getByRole('button', { name: `Report ${ASKER_NAME}'s profile` }).click();
    const report = ownerPage.getByRole('dialog', { name: `Report ${ASKER_NAME}'s profile` });
    await report.getByRole('radio', { name: "I'm worried about them" }).check();
    await report.getByRole('button', { name: 'Send report' }).click();
    await ownerPage
      .getByText('The writer has been sent a private, caring message', { exact: false })
      .waitFor();
    await ownerPage.getByRole('button', { name: 'Close' }).click();

    await askerPage.goto('/community/notifications');
    await waitForHeading(askerPage, 'Notifications');
    const care = askerPage.getByRole('region', { name: 'A note of care' });
    await care.getByRole('heading', { name: 'Someone here is thinking of you' }).waitFor();
    await care.getByRole('list', { name: 'People you can talk to' }).waitFor();
    const words = await visibleText(care);
    expect(words).not.toContain(OWNER_NAME);
    expect(words).not.toContain(owner.displayName);
    await checkScreen(askerPage, 'notifications (care)');
  });

  test('content notes fold a post, "this helped" has no counts, follow-ups hang from the question, mutes fold or hide', async () => {
    const TITLE = 'Shoes off in session';
    const BODY =
      'My therapist took her shoes off after telling me not to. Has that happened to anyone?';
    // The asker is trusted since the moderator approved a post: this one is on the board at once.
    await askerPage.goto('/community/ask');
    await waitForHeading(askerPage, 'Ask the community');
    await askerPage.getByLabel('Title (if you like)', { exact: true }).fill(TITLE);
    await askerPage.getByLabel('Your question', { exact: true }).fill(BODY);
    await askerPage.getByRole('checkbox', { name: 'boundaries', exact: true }).check();
    await askerPage
      .getByLabel("Content note (if it's needed)", { exact: true })
      .fill('a broken rule');
    await askerPage.getByRole('button', { name: 'Post the question' }).click();
    await waitForHeading(askerPage, TITLE);
    await askerPage.getByRole('main').getByText('Posted. It is on the board now.').waitFor();
    const questionId = idFromUrl(askerPage);

    // On the board the words wait behind their content note until the reader chooses.
    await ownerPage.goto('/community');
    await waitForHeading(ownerPage, 'Community board');
    const post = ownerPage.getByRole('article', { name: TITLE });
    await post.getByText('Content note:', { exact: false }).waitFor();
    await post.getByText('a broken rule').waitFor();
    expect(await post.getByText(BODY).isVisible()).toBe(false);
    const show = post.getByRole('button', { name: 'Show the words' });
    expect(await show.getAttribute('aria-expanded')).toBe('false');
    await checkScreen(ownerPage, 'the board with a content note');
    await show.click();
    await post.getByText(BODY).waitFor();
    expect(
      await post.getByRole('button', { name: 'Hide the words' }).getAttribute('aria-expanded'),
    ).toBe('true');

    // "This helped": a toggle, and no numbers anywhere.
    const helped = post.getByRole('button', { name: 'This helped' });
    await helped.click();
    await expect.poll(() => helped.getAttribute('aria-pressed')).toBe('true');
    await askerPage.reload();
    await waitForHeading(askerPage, TITLE);
    await askerPage.getByRole('main').getByText('This helped someone.').waitFor();
    expect(await visibleText(askerPage.getByRole('article', { name: 'The question' }))).not.toMatch(
      /\d+ (people|helped)/,
    );

    // A follow-up, asked by the owner (trusted since their answer was approved).
    await ownerPage.goto(`/community/questions/${questionId}`);
    await waitForHeading(ownerPage, TITLE);
    await ownerPage.getByRole('link', { name: 'Ask a follow-up' }).click();
    await waitForHeading(ownerPage, 'Ask a follow-up');
    await checkScreen(ownerPage, 'the follow-up form');
    const FOLLOW_UP = 'Did you bring it up with her afterwards?';
    await ownerPage.getByLabel('Your question', { exact: true }).fill(FOLLOW_UP);
    await ownerPage.getByRole('button', { name: 'Post the question' }).click();
    await waitForHeading(ownerPage, FOLLOW_UP);
    await ownerPage.getByRole('link', { name: 'Read the first question' }).waitFor();
    await askerPage.reload();
    await waitForHeading(askerPage, TITLE);
    await askerPage
      .getByRole('region', { name: 'Follow-up questions' })
      .getByRole('heading', { name: FOLLOW_UP })
      .waitFor();

    // A muted word folds the question on its page and leaves it off the board.
    await ownerPage.goto('/community/profile');
    await waitForHeading(ownerPage, 'Your community profile');
    await ownerPage.getByLabel('Mute a word', { exact: true }).fill('Shoes');
    await ownerPage.getByRole('button', { name: 'Mute the word' }).click();
    await ownerPage
      .getByRole('list', { name: 'Your muted words' })
      .getByRole('button', { name: 'Remove shoes' })
      .waitFor();
    await ownerPage.goto(`/community/questions/${questionId}`);
    await waitForHeading(ownerPage, TITLE);
    await ownerPage.getByRole('main').getByText('Hidden because it has a word you muted').waitFor();
    expect(await ownerPage.getByRole('main').getByText(BODY).isVisible()).toBe(false);
    await checkScreen(ownerPage, 'a question folded by a muted word');
    await ownerPage.goto('/community');
    await waitForHeading(ownerPage, 'Community board');
    await ownerPage.getByRole('link', { name: ANON_ASK, exact: true }).waitFor();
    expect(await ownerPage.getByRole('link', { name: TITLE, exact: true }).count()).toBe(0);

    // The word unmuted, and the person muted instead: their posts are left out.
    await ownerPage.goto('/community/profile');
    await ownerPage.getByRole('button', { name: 'Remove shoes' }).click();
    await ownerPage.getByRole('main').getByText('No muted words.').waitFor();
    await ownerPage.goto(`/community/people/${ASKER_NAME}`);
    await waitForHeading(ownerPage, ASKER_NAME);
    await ownerPage.getByRole('button', { name: `Mute ${ASKER_NAME}` }).click();
    await ownerPage.getByRole('button', { name: `Unmute ${ASKER_NAME}` }).waitFor();
    await ownerPage.goto('/community');
    await waitForHeading(ownerPage, 'Community board');
    await ownerPage.getByRole('link', { name: ANON_ASK, exact: true }).waitFor();
    expect(await ownerPage.getByRole('link', { name: TITLE, exact: true }).count()).toBe(0);
    await ownerPage.goto('/community/profile');
    const mutes = ownerPage.getByRole('region', { name: 'People you muted' });
    await mutes.getByRole('button', { name: `Unmute ${ASKER_NAME}` }).click();
    await mutes.getByText('Nobody muted.').waitFor();
    await ownerPage.goto('/community');
    await ownerPage.getByRole('link', { name: TITLE, exact: true }).waitFor();
  });

  test('a named ask can get a private answer; the blocked asker can be unblocked', async () => {
    const ASK = 'Can I ask how long it took to feel better?';
    const PRIVATE = 'About two months. Go gently with yourself.';
    await moderatorPage.goto(`/community/people/${OWNER_NAME}`);
    await moderatorPage.getByRole('link', { name: `Ask ${OWNER_NAME}` }).click();
    await waitForHeading(moderatorPage, `Ask ${OWNER_NAME}`);
    await moderatorPage.getByLabel('Your question', { exact: true }).fill(ASK);
    await moderatorPage.getByRole('button', { name: 'Send the ask' }).click();
    await waitForHeading(moderatorPage, ASK);

    await ownerPage.goto('/community/inbox');
    await waitForHeading(ownerPage, 'My ask box');
    const ask = ownerPage.getByRole('article', { name: ASK });
    await ask.getByText(`From ${MODERATOR_NAME}`).waitFor();
    await ask.getByRole('link', { name: /^Answer/ }).click();
    await waitForHeading(ownerPage, ASK);
    await ownerPage.getByRole('radio', { name: `Only ${MODERATOR_NAME}` }).check();
    await ownerPage
      .getByRole('main')
      .getByText(`Only ${MODERATOR_NAME} and you will see this answer.`, { exact: false })
      .waitFor();
    await checkScreen(ownerPage, 'a private answer');
    await ownerPage.getByLabel('Your answer', { exact: true }).fill(PRIVATE);
    await ownerPage.getByRole('button', { name: `Send to ${MODERATOR_NAME}` }).click();
    await ownerPage.getByRole('main').getByText(PRIVATE).waitFor();

    await moderatorPage.goto('/community/notifications');
    await moderatorPage.getByRole('link', { name: 'Read the answer' }).first().click();
    await waitForHeading(moderatorPage, ASK);
    await moderatorPage.getByRole('main').getByText(PRIVATE).waitFor();
    await moderatorPage.getByRole('main').getByText('privately', { exact: false }).waitFor();
    // Not on the board.
    await askerPage.goto('/community');
    await waitForHeading(askerPage, 'Community board');
    await askerPage.getByRole('link', { name: ANON_ASK, exact: true }).waitFor();
    expect(await askerPage.getByRole('link', { name: ASK, exact: true }).count()).toBe(0);

    // The owner unblocks the anonymous asker, asking first.
    await ownerPage.goto('/community/profile');
    await waitForHeading(ownerPage, 'Your community profile');
    const blocks = ownerPage.getByRole('region', { name: 'Blocked askers' });
    await blocks.getByRole('button', { name: /^Unblock/ }).click();
    const dialog = ownerPage.getByRole('dialog', { name: 'Unblock this asker?' });
    await dialog.getByRole('button', { name: 'Unblock', exact: true }).click();
    await blocks.getByText('Nobody blocked.').waitFor();
  });

  test('the guidelines page and the moderation queue (for nobody else)', async () => {
    await askerPage.goto('/community/guidelines');
    await waitForHeading(askerPage, 'How we look after each other');
    await askerPage.getByRole('link', { name: 'call someone who can help now' }).waitFor();
    await checkScreen(askerPage, 'the guidelines');

    await askerPage.goto('/community/moderation');
    await waitForHeading(askerPage, "We couldn't find that page");
  });

  test('a repaired rupture can become a draft for the community, names flagged, never posted by itself', async () => {
    const page = askerPage;
    const created = await page.request.post('/api/relationships', {
      headers: { 'Content-Type': 'application/json' },
      data: { therapistName: 'Dr. Lee' },
    });
    expect(created.status(), await created.text()).toBe(201);
    const relationshipId = ((await created.json()) as { relationship: { id: string } }).relationship
      .id;
    const rupture = await page.request.post(`/api/relationships/${relationshipId}/ruptures`, {
      headers: { 'Content-Type': 'application/json' },
      data: {
        title: 'The shoes',
        occurredAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
        whatHappened: 'Lee took her shoes off, a year after telling me I could not.',
        intensity: 3,
      },
    });
    expect(rupture.status(), await rupture.text()).toBe(201);
    const ruptureId = ((await rupture.json()) as { rupture: { id: string } }).rupture.id;
    const repaired = await page.request.patch(`/api/ruptures/${ruptureId}`, {
      headers: { 'Content-Type': 'application/json' },
      data: { status: 'repaired' },
    });
    expect(repaired.status(), await repaired.text()).toBe(200);

    await page.goto(`/ruptures/${ruptureId}`);
    await waitForHeading(page, 'The shoes');
    await page.getByRole('link', { name: 'Share this with the community' }).click();
    await waitForHeading(page, 'Share your story');
    const body = page.getByLabel('Your question', { exact: true });
    expect(await body.inputValue()).toContain('Lee took her shoes off');
    expect(await page.getByLabel('Title (if you like)', { exact: true }).inputValue()).toBe(
      'The shoes',
    );
    await page.getByRole('main').getByText('Please take out names', { exact: false }).waitFor();
    await page.getByRole('main').getByText('Your draft still has "Lee" in it.').waitFor();
    await checkScreen(page, 'sharing a story');
    await body.fill('My therapist took her shoes off, a year after telling me I could not.');
    await page
      .getByRole('main')
      .getByText('Your draft still has', { exact: false })
      .waitFor({ state: 'detached' });

    // Nothing was posted by opening it.
    const mine = await page.request.get('/api/community/my-questions');
    const items = ((await mine.json()) as { items: { title: string | null }[] }).items;
    expect(items.some((q) => q.title === 'The shoes')).toBe(false);
  });

  test("a moderator pauses someone's posting through a post; they are told why and keep their words", async () => {
    const REASON =
      'A short pause, so you can take care of yourself first. We are here when you are back.';
    await moderatorPage.goto('/community/moderation');
    await waitForHeading(moderatorPage, 'Moderation');
    const item = moderatorPage.getByRole('article').filter({ hasText: CRISIS_BODY });
    await item.getByRole('button', { name: /^Suspend/ }).click();
    const dialog = moderatorPage.getByRole('dialog', { name: 'Pause their posting?' });
    await dialog.getByLabel('Your reason').fill(REASON);
    await expectAccessible(moderatorPage, 'the suspend dialog');
    await dialog.getByRole('button', { name: 'Suspend', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    await askerPage.goto('/community/notifications');
    await waitForHeading(askerPage, 'Notifications');
    await askerPage
      .getByRole('main')
      .getByText('A moderator has paused your posting for now.')
      .waitFor();
    await askerPage.getByRole('main').getByText(REASON).first().waitFor();

    await askerPage.goto('/community/ask');
    await waitForHeading(askerPage, 'Ask the community');
    await askerPage
      .getByRole('main')
      .getByText('A moderator has paused your posting for now', { exact: false })
      .first()
      .waitFor();
    const body = askerPage.getByLabel('Your question', { exact: true });
    await body.fill('Is anyone else finding this week hard?');
    await askerPage.getByRole('button', { name: 'Post the question' }).click();
    await askerPage
      .getByRole('alert')
      .getByText("A moderator has paused your posting for now, so this can't be posted.", {
        exact: false,
      })
      .waitFor();
    expect(await body.inputValue()).toBe('Is anyone else finding this week hard?');
    await checkScreen(askerPage, 'the ask form while paused');
  });
});
