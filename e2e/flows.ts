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
