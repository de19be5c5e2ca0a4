import type { Page } from 'playwright-core';
import { waitForHeading } from './support.ts';

export type Person = {
  displayName: string;
  email: string;
  password: string;
  role: 'client' | 'therapist';
};

export const ROLE_LABEL = {
  client: "I'm in therapy (client)",
  therapist: "I'm a therapist",
} as const;

/** The sign-up form's fields, found the way a person finds them: by their labels. */
export function signUpForm(page: Page) {
  return {
    displayName: page.getByLabel('What should we call you?'),
    email: page.getByLabel('Email'),
    password: page.getByLabel('Password', { exact: true }),
    role: (role: Person['role']) => page.getByRole('radio', { name: ROLE_LABEL[role] }),
    submit: page.getByRole('button', { name: 'Create account' }),
  };
}

export function signInForm(page: Page) {
  return {
    email: page.getByLabel('Email'),
    password: page.getByLabel('Password', { exact: true }),
    submit: page.getByRole('button', { name: 'Sign in', exact: true }),
  };
}

export async function openSignUp(page: Page): Promise<void> {
  await page.goto('/sign-up');
  await waitForHeading(page, 'Create your Attune account');
}

export async function openSignIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await waitForHeading(page, 'Sign in to Attune');
}

export async function fillSignUp(page: Page, person: Person): Promise<void> {
  const form = signUpForm(page);
  await form.displayName.fill(person.displayName);
  await form.email.fill(person.email);
  await form.password.fill(person.password);
  await chooseRole(page, person.role);
}

/** Picks a role the way a person does: by clicking its card's words. */
export async function chooseRole(page: Page, role: Person['role']): Promise<void> {
  await page.getByText(ROLE_LABEL[role], { exact: true }).click();
  if (!(await signUpForm(page).role(role).isChecked())) {
    throw new Error(`Clicking "${ROLE_LABEL[role]}" did not choose it`);
  }
}

/** Signs up through the form and waits for Today. */
export async function signUp(page: Page, person: Person): Promise<void> {
  await openSignUp(page);
  await fillSignUp(page, person);
  await signUpForm(page).submit.click();
  await waitForHeading(page, 'Today');
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  const form = signInForm(page);
  await form.email.fill(email);
  await form.password.fill(password);
  await form.submit.click();
  await waitForHeading(page, 'Today');
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await waitForHeading(page, 'Sign in to Attune');
}

/** The header's crisis link. */
export function helpLink(page: Page) {
  return page.getByRole('banner').getByRole('link', { name: 'Need help now?' });
}

/** A local calendar date `days` from today (negative: past), as a date field takes it. */
export function localDate(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** On an empty Today, adds a therapist by name and waits for the new relationship's page. */
export async function addTherapist(page: Page, name: string): Promise<string> {
  await page.getByLabel("What's your therapist's name?").fill(name);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await waitForHeading(page, `You and ${name}`);
  const match = /\/relationships\/([^/?#]+)/.exec(page.url());
  if (!match?.[1]) throw new Error(`Adding a therapist did not open their page: ${page.url()}`);
  return match[1];
}

/** Opens a tab of the relationship page by its name. */
export async function openTab(page: Page, name: 'Timeline' | 'Check-ins' | 'Schedule') {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.getByRole('tab', { name, exact: true, selected: true }).waitFor({ timeout: 5_000 });
}

/** On the relationship page's Schedule tab, adds a session and waits until it is listed. */
export async function addSession(
  page: Page,
  session: { date: string; time: string; length?: string; kind?: string },
): Promise<void> {
  await openTab(page, 'Schedule');
  const before = await page.locator('.session-row').count();
  await page.getByLabel('Date', { exact: true }).fill(session.date);
  await page.getByLabel('Time', { exact: true }).fill(session.time);
  if (session.length) await page.getByLabel('Length').selectOption({ label: session.length });
  if (session.kind) await page.getByLabel('Kind').selectOption({ label: session.kind });
  await page.getByRole('button', { name: 'Add session' }).click();
  await page.locator('.session-row').nth(before).waitFor();
}

export const CHECKIN_ITEMS = [
  'I felt heard, understood and respected',
  'We worked on what I wanted to work on',
  'The way we worked suited me',
  "Overall, today's session was right for me",
] as const;

export type CheckInAnswers = {
  /** The four 0–10 items, in the order of CHECKIN_ITEMS. */
  items: [number, number, number, number];
  tension: 'None' | 'A little' | 'Some' | 'Quite a bit' | 'A lot';
  eased?: 'Not at all' | 'A little' | 'Partly' | 'Mostly' | 'Completely';
  note?: string;
  /** For a connected client: keep it private instead of the default (shared). */
  keepPrivate?: boolean;
  /** The items' labels, when not the client's (the therapist's version names the client). */
  itemNames?: readonly string[];
};

/** The therapist's version of the items, about their client. */
export function therapistItems(clientName: string): readonly string[] {
  return [
    `I think ${clientName} felt heard, understood and respected`,
    `We worked on what ${clientName} wanted to work on`,
    `The way we worked suited ${clientName}`,
    `Overall, today's session was right for ${clientName}`,
  ];
}

/**
 * What a screen reader hears as a slider's value: aria-valuetext when set, else aria-valuenow
 * (a native range input has its value as aria-valuenow implicitly).
 */
export async function sliderValue(page: Page, name: string): Promise<string> {
  const slider = page.getByRole('slider', { name, exact: true });
  return (
    (await slider.getAttribute('aria-valuetext')) ??
    (await slider.getAttribute('aria-valuenow')) ??
    (await slider.inputValue())
  );
}

/** Moves a slider to `value` with the keyboard, from wherever it is. */
export async function setSlider(page: Page, name: string, value: number): Promise<void> {
  const slider = page.getByRole('slider', { name, exact: true });
  await slider.focus();
  const now = Number(await slider.inputValue());
  const key = value > now ? 'ArrowRight' : 'ArrowLeft';
  for (let i = 0; i < Math.abs(value - now); i += 1) await page.keyboard.press(key);
  const after = await sliderValue(page, name);
  if (after !== String(value)) throw new Error(`Slider "${name}" reads "${after}", not ${value}`);
}

/** Fills the check-in screen that is open and saves it. */
export async function fillCheckIn(page: Page, answers: CheckInAnswers): Promise<void> {
  await page.getByRole('slider').first().waitFor();
  for (const [index, name] of (answers.itemNames ?? CHECKIN_ITEMS).entries()) {
    await setSlider(page, name, answers.items[index] ?? 5);
  }
  const tension = page.getByRole('radiogroup', {
    name: 'Was there tension, a misunderstanding or distance between us?',
  });
  await tension.getByText(answers.tension, { exact: true }).click();
  if (answers.eased) {
    const eased = page.getByRole('radiogroup', { name: 'How much was it eased by the end?' });
    await eased.getByText(answers.eased, { exact: true }).click();
  }
  if (answers.note !== undefined) {
    await page.getByLabel('Anything else? (optional)').fill(answers.note);
  }
  if (answers.keepPrivate) {
    await page.getByText('Keep private', { exact: true }).click();
  }
  await page.getByRole('button', { name: /^Save/ }).click();
  await waitForHeading(page, 'Thank you. Your check-in is saved.');
}

/**
 * Calls the API as the person signed in on this page (the page's cookies), for setting up what a
 * test is not about. What a test is about always goes through the screens.
 */
export async function api<T>(
  page: Page,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: object,
): Promise<T> {
  const response = await page.request.fetch(path, {
    method,
    ...(method === 'GET' ? {} : { data: body ?? {} }),
  });
  if (!response.ok()) {
    throw new Error(`${method} ${path} answered ${response.status()}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** Days from now as an ISO time at 10:00 local time (negative: in the past). */
export function daysFromNowAt10(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(10, 0, 0, 0);
  return d.toISOString();
}

/** Adds a held session `daysAgo` days back through the API; returns its id. */
export async function addPastSession(page: Page, relationshipId: string, daysAgo: number) {
  const { appointment } = await api<{ appointment: { id: string } }>(
    page,
    'POST',
    `/api/relationships/${relationshipId}/appointments`,
    { startsAt: daysFromNowAt10(-daysAgo), durationMinutes: 50, kind: 'individual' },
  );
  return appointment.id;
}

/** Opens the check-in of one appointment and waits for its sliders. */
export async function openCheckIn(page: Page, appointmentId: string, relationshipId: string) {
  await page.goto(`/appointments/${appointmentId}/check-in?relationship=${relationshipId}`);
  await page.getByRole('slider').first().waitFor();
}
