import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { login, meQueryKey, type User, useMe } from '../../api/auth';
import type { ApiError } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';

type LocationState = { from?: string; signedOut?: boolean; expired?: boolean } | null;

function waitInWords(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? 'about a minute' : `about ${minutes} minutes`;
}

function describe(error: ApiError): string | null {
  if (error.code === 'totp_invalid') {
    return "That code didn't work. Codes change every 30 seconds and each works once — please try the newest one, or a recovery code.";
  }
  if (
    error.code === 'invalid_credentials' ||
    (error.status === 401 && error.code !== 'totp_required')
  ) {
    return "That email and password don't match an account. Check them and try again.";
  }
  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    return wait === null
      ? 'Too many tries — please wait a few minutes and try again.'
      : `Too many tries — please wait a few minutes and try again. Signing in opens again in ${waitInWords(wait)}.`;
  }
  if (error.code === 'totp_required') {
    return 'Please enter the 6-digit code from your authenticator app, or a recovery code, to finish signing in.';
  }
  return null;
}

const emailRule = (value: string) => (value.trim() === '' ? 'Please enter your email.' : null);
const passwordRule = (value: string) => (value === '' ? 'Please enter your password.' : null);
const codeRule = (value: string) => (value.trim() === '' ? 'Please enter the code.' : null);

export default function SignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as LocationState;
  const queryClient = useQueryClient();
  const me = useMe();
  const formRef = useRef<HTMLFormElement>(null);

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  // Recovery codes have letters: the phone keyboard follows which kind of code is being typed.
  const [recoveryMode, setRecoveryMode] = useState(false);
  const submit = useSubmit<User>({ describe });

  const checks = useFormChecks(formRef);

  if (me.data) return <Navigate to={state?.from ?? '/'} replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const answers = [emailRule(email), passwordRule(password), needsCode ? codeRule(totp) : null];
    if (!checks.passes(answers)) return;
    const result = await submit.run(() =>
      login({ email, password, ...(needsCode ? { totp } : {}) }),
    );
    if (result.ok) {
      queryClient.setQueryData(meQueryKey, result.value);
      await navigate(state?.from ?? '/', { replace: true });
    } else if (result.error.code === 'totp_required' || result.error.code === 'totp_invalid') {
      setNeedsCode(true);
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Page title="Sign in" heading="Sign in to Attune">
      {state?.signedOut ? (
        <p className="note">You're signed out. Take care.</p>
      ) : state?.expired ? (
        <p className="note">
          You were signed out, so please sign in again. Anything you were writing is kept on this
          device.
        </p>
      ) : state?.from?.startsWith('/invite/') ? (
        <p className="note">
          Sign in to accept your client's invite. New to Attune? Create an account, and you'll come
          back to the invite afterwards.
        </p>
      ) : (
        <p className="lead">Welcome back. Take your time.</p>
      )}
      <Form
        ref={formRef}
        className="form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-label="Sign in"
      >
        <FormMessage message={submit.message} />
        <TextInput
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          isRequired
          value={email}
          onChange={(value) => {
            setEmail(value);
            submit.clearFieldError('email');
          }}
          validate={checks.show(emailRule)}
        />
        <PasswordInput
          label="Password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(value) => {
            setPassword(value);
            submit.clearFieldError('password');
          }}
          validate={checks.show(passwordRule)}
        />
        {needsCode ? (
          <TextInput
            label="Code from your authenticator app"
            description="The 6-digit code from your authenticator app, or a recovery code."
            name="totp"
            inputMode={recoveryMode ? 'text' : 'numeric'}
            autoComplete="one-time-code"
            // It appears because the server asked for it: take the person straight there.
            autoFocus
            isRequired
            value={totp}
            onChange={(value) => {
              setTotp(value);
              submit.clearFieldError('totp');
            }}
            validate={checks.show(codeRule)}
          />
        ) : null}
        {needsCode ? (
          <Button className="button button-quiet" onPress={() => setRecoveryMode((on) => !on)}>
            {recoveryMode ? 'Use a code from my app' : 'Use a recovery code instead'}
          </Button>
        ) : null}
        <Button type="submit" className="button button-primary">
          {submit.pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </Form>
      <p className="aside">
        New to Attune?{' '}
        <Link to="/sign-up" state={state?.from ? { from: state.from } : undefined}>
          Create an account
        </Link>
      </p>
    </Page>
  );
}
