import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { Link } from 'react-router';
import { meQueryKey, type Role, type User } from '../../api/auth';
import type { ApiError, FieldErrors } from '../../api/client';
import { eraseAccount, forgetThisBrowser } from '../../api/erasure';
import { useTwoFactor } from '../../api/security';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { SignedIn } from '../../components/SignedIn';
import { TextInput } from '../../components/TextInput';

/**
 * Erasing one's account: first, in plain words, what happens to what the person holds and to
 * what the other person holds; then the password (and the code, with two-factor sign-in on) and
 * one last question. Afterwards a goodbye, signed out, with nothing of theirs left in memory.
 */
export default function EraseRoute() {
  const [erased, setErased] = useState<Role | null>(null);
  if (erased) return <Goodbye role={erased} />;
  return (
    <SignedIn>{(user) => <Erase user={user} onErased={() => setErased(user.role)} />}</SignedIn>
  );
}

const TITLE = 'Delete your account';
const LIST_STYLE = { margin: '0.5rem 0 0', paddingLeft: '1.25rem' } as const;

function fieldsFor(error: ApiError): FieldErrors {
  if (error.code === 'invalid_password') {
    return { password: "That password isn't right. Please try again." };
  }
  if (error.code === 'totp_required' || error.code === 'totp_invalid') {
    return { totp: error.message };
  }
  return error.fields;
}

/** Whatever went wrong, the first thing to know is that nothing was erased. */
function describe(error: ApiError): string {
  if (error.code === 'invalid_password') return "Nothing was erased: that password isn't right.";
  if (error.code === 'totp_required') return 'Nothing was erased yet: please add the code.';
  if (error.code === 'totp_invalid') return "Nothing was erased: that code didn't work.";
  return `Nothing was erased. ${error.message}`;
}

function ClientConsequences() {
  return (
    <ul style={LIST_STYLE}>
      <li>
        Everything you wrote in Attune goes: your check-ins, rupture records, letters (drafts too),
        parts, good moments, your agenda, your messages and your appointments.
      </li>
      <li>
        If your therapist is connected with you here, they will no longer see anything from Attune:
        not your check-ins or records, and not the messages you sent them either. Any messages they
        sent you go too.
      </li>
      <li>
        Notes your therapist keeps outside Attune, and emails they have already received, aren't
        affected: Attune can't reach them.
      </li>
      <li>The list of who has seen your records goes with your account.</li>
      <li>You are signed out everywhere, and drafts kept in this browser are removed.</li>
    </ul>
  );
}

function TherapistConsequences() {
  return (
    <ul style={LIST_STYLE}>
      <li>
        Your account goes, with what is only yours: your regular slots, time off, open times,
        notification settings and sign-ins.
      </li>
      <li>
        Your clients keep what you sent them: your messages, the repair steps you wrote, your
        check-ins and the agreement as it stands. Their relationship with you goes on for them on
        their own, under the name they gave you. They can't send you messages here any more.
      </li>
      <li>
        Sessions still to come from your regular slots are cancelled in your clients' schedules.
        Past sessions stay.
      </li>
      <li>
        Your clients keep their record of when you read their data; it will no longer show your
        name, only that the account has since been closed.
      </li>
      <li>You are signed out everywhere, and drafts kept in this browser are removed.</li>
    </ul>
  );
}

function Erase({ user, onErased }: { user: User; onErased: () => void }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const twoFactor = useTwoFactor();
  const whatId = useId();
  const formHeadingId = useId();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const submit = useSubmit<undefined>({ describe, fieldsFor });
  const actionsRef = useRef<HTMLDivElement>(null);
  // The server asked for a code (the two-factor status may not have loaded): it stays asked.
  const [codeAsked, setCodeAsked] = useState(false);
  const isClient = user.role === 'client';
  const needsCode = twoFactor.data?.enabled === true || codeAsked;

  // Enter in a field does what the button does: it asks the last question, never more.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    actionsRef.current?.querySelector('button')?.click();
  }

  async function erase() {
    const result = await submit.run(() =>
      eraseAccount(password, needsCode && code.trim() !== '' ? code.trim() : undefined),
    );
    if (!result.ok) {
      if (result.error.code.startsWith('totp_')) setCodeAsked(true);
      return;
    }
    forgetThisBrowser();
    // The dialog closes first (when this resolves) and gives focus back; then the goodbye
    // replaces the page and takes focus to its heading.
    window.setTimeout(() => {
      onErased();
      // Nothing of this person's stays in memory: as signing out does (components/Layout.tsx).
      queryClient.setQueryData(meQueryKey, null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
      announce('Your account is erased.');
    }, 0);
  }

  return (
    <Page title={TITLE}>
      <p className="lead">
        Before anything is deleted, here is what happens, to what you hold and to what the other
        person holds. Nothing changes until you confirm at the end of this page.
      </p>

      <section className="card" aria-labelledby={whatId}>
        <h2 id={whatId}>What happens when you delete your account</h2>
        {isClient ? <ClientConsequences /> : <TherapistConsequences />}
        <p className="note">
          This can't be undone: what is erased can't be brought back, by you or by anyone running
          Attune.
        </p>
        <p>
          You may want to keep a copy first: you can{' '}
          <Link to="/settings/privacy/export">export your data</Link>.
        </p>
      </section>

      <section className="card" aria-labelledby={formHeadingId}>
        <h2 id={formHeadingId}>Confirm it's you</h2>
        <Form
          className="form"
          onSubmit={onSubmit}
          validationBehavior="aria"
          validationErrors={submit.fieldErrors}
          aria-labelledby={formHeadingId}
        >
          <FormMessage message={submit.message} />
          <PasswordInput
            label="Your password"
            description="To make sure it's you, please enter your password again."
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(value) => {
              setPassword(value);
              submit.clearFieldError('password');
            }}
          />
          {needsCode ? (
            <TextInput
              label="Code from your authenticator app"
              description="The 6 digits your app shows now, or one of your recovery codes."
              name="totp"
              autoComplete="one-time-code"
              isRequired
              value={code}
              onChange={(value) => {
                setCode(value);
                submit.clearFieldError('totp');
              }}
            />
          ) : null}
          <div ref={actionsRef}>
            <ConfirmDialog
              trigger="Delete my account"
              title="Delete your account now?"
              confirm="Yes, delete it"
              keep="Keep my account"
              pendingLabel="Deleting…"
              triggerClassName="button button-primary"
              onConfirm={erase}
            >
              <p>
                Your account and everything this page lists will be erased at once. This can't be
                undone.
              </p>
            </ConfirmDialog>
          </div>
        </Form>
      </section>
    </Page>
  );
}

function Goodbye({ role }: { role: Role }) {
  return (
    <Page title="Account deleted" heading="Your account is deleted" focusHeading>
      <p className="lead">
        Your account and what you wrote in Attune are erased, and you are signed out.
      </p>
      <p>
        {role === 'client'
          ? 'Thank you for the time you spent here. We hope you carry with you what helped.'
          : 'Your clients keep what you sent them. Thank you for the care you brought here.'}
      </p>
      <p>
        If you ever want to come back, you are welcome to{' '}
        <Link to="/sign-up">make a new account</Link>.
      </p>
    </Page>
  );
}
