import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import { ACCOUNT_EVENT_WORDS, allEvents, useAudit } from '../../api/audit';
import type { User } from '../../api/auth';
import type { ApiError } from '../../api/client';
import {
  type ActiveSignIn,
  confirmTwoFactor,
  endSignIn,
  groupSecret,
  securityKeys,
  signOutEverywhereElse,
  startTwoFactor,
  svgDataUrl,
  type TotpEnrolment,
  turnOffTwoFactor,
  useSignIns,
  useTwoFactor,
} from '../../api/security';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormMessage } from '../../components/FormMessage';
import { LoadFailed } from '../../components/LoadFailed';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { SignedIn } from '../../components/SignedIn';
import { TextInput } from '../../components/TextInput';

export default function SecurityRoute() {
  return <SignedIn>{(user) => <Security user={user} />}</SignedIn>;
}

const TITLE = 'Security';
const LIST_STYLE = { margin: '0.5rem 0 0', paddingLeft: '1.25rem' } as const;

function describePassword(error: ApiError): string | null {
  if (error.code === 'invalid_password') return "That password isn't right. Please try again.";
  return null;
}

function describeTurnOff(error: ApiError): string | null {
  if (error.code === 'totp_required') return 'Please enter a code from your app as well.';
  if (error.code === 'totp_invalid') {
    return "That code didn't work. Codes change every 30 seconds and work once; please try the newest one.";
  }
  return describePassword(error);
}

function Security({ user }: { user: User }) {
  return (
    <Page title={TITLE}>
      <p className="lead">
        Keep your account yours: add a second step to signing in, and see where you are signed in.
      </p>
      <TwoFactor user={user} />
      <SignIns />
      <SignInActivity />
      <section aria-labelledby="erase-heading">
        <h2 id="erase-heading">Delete your account</h2>
        <p>
          You can erase your account and everything you wrote in Attune. The next page explains what
          happens to what others hold before anything is deleted.
        </p>
        <p>
          <Link to="/settings/privacy/erase">Read about deleting your account</Link>
        </p>
      </section>
    </Page>
  );
}

type Step =
  | { step: 'idle' }
  | { step: 'scan'; enrolment: TotpEnrolment }
  | { step: 'codes'; codes: string[] };

function TwoFactor({ user }: { user: User }) {
  const status = useTwoFactor();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const headingId = useId();
  const [state, setState] = useState<Step>({ step: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const start = useSubmit<TotpEnrolment>({ describe: describePassword });
  const confirm = useSubmit<string[]>();
  const turnOff = useSubmit<undefined>({ describe: describeTurnOff });

  const refresh = () => queryClient.invalidateQueries({ queryKey: securityKeys.twoFactor });

  async function onStart(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (start.pending || password === '') return;
    const result = await start.run(() => startTwoFactor(password));
    if (result.ok) {
      setPassword('');
      setState({ step: 'scan', enrolment: result.value });
      announce('Scan the code with your authenticator app, then enter the 6 digits it shows.');
    }
  }

  async function onConfirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (confirm.pending || code.trim() === '') return;
    const result = await confirm.run(() => confirmTwoFactor(code.trim()));
    if (result.ok) {
      setCode('');
      setState({ step: 'codes', codes: result.value });
      announce('Two-factor sign-in is on. Save your recovery codes now.');
    }
  }

  async function onTurnOff(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (turnOff.pending || password === '' || code.trim() === '') return;
    const result = await turnOff.run(() => turnOffTwoFactor(password, code.trim()));
    if (result.ok) {
      setPassword('');
      setCode('');
      await refresh();
      announce('Two-factor sign-in is off.');
    }
  }

  let body: ReactNode;
  if (state.step === 'codes') {
    body = (
      <RecoveryCodes
        codes={state.codes}
        email={user.email}
        onDone={async () => {
          setState({ step: 'idle' });
          await refresh();
        }}
      />
    );
  } else if (state.step === 'scan') {
    const { enrolment } = state;
    body = (
      <>
        <ol style={LIST_STYLE}>
          <li>Open an authenticator app on your phone (any app that shows 6-digit codes).</li>
          <li>Scan this code, or type the key below into the app.</li>
          <li>Enter the 6 digits the app shows for Attune.</li>
        </ol>
        <img
          src={svgDataUrl(enrolment.qrSvg)}
          alt="QR code to add Attune to your authenticator app"
          width={200}
          height={200}
          style={{ display: 'block', margin: '1rem 0', background: '#fff' }}
        />
        <p>
          Key to type by hand:{' '}
          <code style={{ wordBreak: 'break-word' }}>{groupSecret(enrolment.secret)}</code>
        </p>
        <Form
          className="form"
          onSubmit={onConfirm}
          validationBehavior="aria"
          validationErrors={confirm.fieldErrors}
          aria-label="Confirm two-factor sign-in"
        >
          <FormMessage message={confirm.message} />
          <TextInput
            label="Code from your app"
            description="6 digits. It changes every 30 seconds."
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            isRequired
            value={code}
            onChange={(value) => {
              setCode(value);
              confirm.clearFieldError('code');
            }}
          />
          <Button type="submit" className="button button-primary">
            {confirm.pending ? 'Checking…' : 'Turn on'}
          </Button>
          <Button
            className="button button-quiet"
            onPress={() => {
              setState({ step: 'idle' });
              setCode('');
            }}
          >
            Not now
          </Button>
        </Form>
      </>
    );
  } else if (status.isPending) {
    body = <p className="quiet">Loading…</p>;
  } else if (status.isError) {
    body = <LoadFailed what="this" error={status.error} onRetry={status.refetch} />;
  } else if (status.data.enabled) {
    body = (
      <>
        <p>
          Two-factor sign-in is <strong>on</strong>. When you sign in, Attune asks for a code from
          your authenticator app. You have {status.data.recoveryCodesLeft} unused recovery{' '}
          {status.data.recoveryCodesLeft === 1 ? 'code' : 'codes'}.
        </p>
        <Form
          className="form"
          onSubmit={onTurnOff}
          validationBehavior="aria"
          validationErrors={turnOff.fieldErrors}
          aria-label="Turn off two-factor sign-in"
        >
          <FormMessage message={turnOff.message} />
          <PasswordInput
            label="Your password"
            description="To turn it off, please enter your password again."
            name="password"
            autoComplete="current-password"
            isRequired
            value={password}
            onChange={setPassword}
          />
          <TextInput
            label="Code from your app"
            description="The 6 digits your authenticator app shows now, or a recovery code."
            name="totp"
            autoComplete="one-time-code"
            isRequired
            value={code}
            onChange={setCode}
          />
          <Button type="submit" className="button">
            {turnOff.pending ? 'Turning off…' : 'Turn off two-factor sign-in'}
          </Button>
        </Form>
      </>
    );
  } else {
    body = (
      <>
        <p>
          Two-factor sign-in is <strong>off</strong>. Turn it on and signing in will also ask for a
          code from an app on your phone, so your password alone is not enough.
        </p>
        <Form
          className="form"
          onSubmit={onStart}
          validationBehavior="aria"
          validationErrors={start.fieldErrors}
          aria-label="Turn on two-factor sign-in"
        >
          <FormMessage message={start.message} />
          <PasswordInput
            label="Your password"
            description="Please enter your password again before changing how you sign in."
            name="password"
            autoComplete="current-password"
            isRequired
            value={password}
            onChange={setPassword}
          />
          <Button type="submit" className="button button-primary">
            {start.pending ? 'One moment…' : 'Set up two-factor sign-in'}
          </Button>
        </Form>
      </>
    );
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Two-factor sign-in</h2>
      {body}
    </section>
  );
}

function RecoveryCodes({
  codes,
  email,
  onDone,
}: {
  codes: string[];
  email: string;
  onDone: () => Promise<void>;
}) {
  const announce = useAnnounce();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const text = `Attune recovery codes for ${email}\nEach code works once.\n\n${codes.join('\n')}\n`;
  const [href, setHref] = useState<string | null>(null);

  useEffect(() => {
    headingRef.current?.focus();
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [text]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      announce('Recovery codes copied.');
    } catch {
      announce("We couldn't copy them. Please select the codes and copy them by hand.");
    }
  }

  return (
    <>
      <h3 ref={headingRef} tabIndex={-1}>
        Your recovery codes
      </h3>
      <p>
        If you lose your phone, each of these codes lets you sign in once instead of the code from
        your app. Keep them somewhere safe. <strong>You will only see them now.</strong>
      </p>
      <ul aria-label="Recovery codes" style={{ ...LIST_STYLE, fontFamily: 'monospace' }}>
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem' }}>
        <button type="button" className="button" onClick={() => void copy()}>
          Copy codes
        </button>
        {href ? (
          <a className="button" href={href} download="attune-recovery-codes.txt">
            Download codes
          </a>
        ) : null}
        <button type="button" className="button button-primary" onClick={() => void onDone()}>
          I've saved them
        </button>
      </p>
    </>
  );
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The latest sign-in events of the account, from the audit trail. */
function SignInActivity() {
  const activity = useAudit('account');
  const headingId = useId();
  const events = allEvents(activity.data).slice(0, 20);
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Recent sign-in activity</h2>
      {activity.isPending ? (
        <p className="quiet">Loading…</p>
      ) : activity.isError ? (
        <LoadFailed what="this list" error={activity.error} onRetry={activity.refetch} />
      ) : events.length === 0 ? (
        <p className="quiet">Nothing yet.</p>
      ) : (
        <>
          <ul className="plain-list">
            {events.map((event) => (
              <li key={`${event.at}-${event.action}`}>
                {ACCOUNT_EVENT_WORDS[event.action] ?? event.action}
                <span className="quiet"> · {when(event.at)}</span>
              </li>
            ))}
          </ul>
          <p className="quiet">
            If something here wasn't you, change your password and sign out everywhere else.
          </p>
        </>
      )}
    </section>
  );
}

function SignIns() {
  const signIns = useSignIns();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const headingId = useId();
  const refresh = () => queryClient.invalidateQueries({ queryKey: securityKeys.signIns });

  async function end(signIn: ActiveSignIn) {
    await endSignIn(signIn.id);
    await refresh();
    announce(`Signed out ${signIn.userAgent ?? 'that device'}.`);
  }

  const others = signIns.data?.filter((s) => !s.current) ?? [];

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Where you're signed in</h2>
      {signIns.isPending ? (
        <p className="quiet">Loading…</p>
      ) : signIns.isError ? (
        <LoadFailed what="this list" error={signIns.error} onRetry={signIns.refetch} />
      ) : (
        <>
          <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {signIns.data.map((signIn) => (
              <li key={signIn.id} style={{ padding: '0.75rem 0', borderBottom: '1px solid #ddd' }}>
                <p style={{ margin: 0 }}>
                  <strong>{signIn.userAgent ?? 'A browser we could not name'}</strong>
                  {signIn.current ? ' · this device' : null}
                </p>
                <p className="quiet" style={{ margin: '0.25rem 0' }}>
                  Signed in {when(signIn.createdAt)} · last active {when(signIn.lastSeenAt)}
                </p>
                {signIn.current ? null : (
                  <ConfirmDialog
                    trigger="Sign out"
                    what={signIn.userAgent ?? 'that device'}
                    title="Sign out this device?"
                    confirm="Sign out"
                    onConfirm={() => end(signIn)}
                  >
                    <p>
                      {signIn.userAgent ?? 'That device'} will need your password to get back in.
                    </p>
                  </ConfirmDialog>
                )}
              </li>
            ))}
          </ul>
          {others.length > 0 ? (
            <p style={{ marginTop: '1rem' }}>
              <ConfirmDialog
                trigger="Sign out everywhere else"
                title="Sign out everywhere else?"
                confirm="Sign out everywhere else"
                triggerClassName="button"
                onConfirm={async () => {
                  await signOutEverywhereElse();
                  await refresh();
                  announce('Signed out everywhere else. This device stays signed in.');
                }}
              >
                <p>Every other device will need your password to get back in. This one stays.</p>
              </ConfirmDialog>
            </p>
          ) : (
            <p className="quiet">You're only signed in here.</p>
          )}
        </>
      )}
    </section>
  );
}
