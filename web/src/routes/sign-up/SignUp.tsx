import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import {
  Button,
  FieldError,
  Form,
  Label,
  RadioButton,
  RadioField,
  RadioGroup,
  Text,
} from 'react-aria-components';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { meQueryKey, type Role, register, type User, useMe } from '../../api/auth';
import type { ApiError } from '../../api/client';
import { useSubmit } from '../../api/useSubmit';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';

const MIN_PASSWORD = 12;

const displayNameRule = (value: string) =>
  value.trim() === '' ? 'Please tell us what to call you.' : null;

const emailRule = (value: string) => {
  if (value.trim() === '') return 'Please enter your email.';
  if (!/^[^\s@]+@[^\s@]+$/.test(value.trim()))
    return 'Please check your email — it should look like name@example.com.';
  return null;
};

const passwordRule = (value: string) => {
  const length = [...value].length;
  return length < MIN_PASSWORD
    ? `Please use at least ${MIN_PASSWORD} characters (so far: ${length}).`
    : null;
};

const roleRule = (value: string | null) =>
  value === null ? 'Please choose the one that fits you.' : null;

function describe(error: ApiError): string | null {
  if (error.status === 409) {
    return "There's already an account with this email. You can sign in with it instead.";
  }
  if (Object.keys(error.fields).length > 0) {
    return "One thing needs changing before we can create your account. You'll find a note next to the field.";
  }
  if (error.status === 429) {
    return 'Too many tries — please wait a few minutes and try again.';
  }
  return null;
}

// A taken email is a 409 without field details; it still belongs next to the email field.
function fieldsFor(error: ApiError) {
  return error.status === 409
    ? { ...error.fields, email: 'There is already an account with this email.' }
    : error.fields;
}

function isRole(value: string): value is Role {
  return value === 'client' || value === 'therapist';
}

function RoleChoice({
  value,
  title,
  children,
}: {
  value: Role;
  title: string;
  children: ReactNode;
}) {
  return (
    <RadioField value={value} className="choice">
      <RadioButton className="choice-button">
        <span className="choice-mark" aria-hidden="true" />
        <span className="choice-title">{title}</span>
      </RadioButton>
      <Text slot="description" className="choice-detail">
        {children}
      </Text>
    </RadioField>
  );
}

export default function SignUp() {
  const navigate = useNavigate();
  // Where to go afterwards, e.g. back to an invite link that sent the person here.
  const from = (useLocation().state as { from?: string } | null)?.from;
  const queryClient = useQueryClient();
  const me = useMe();
  const formRef = useRef<HTMLFormElement>(null);

  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role | null>(null);
  const submit = useSubmit<User>({ describe, fieldsFor });
  const checks = useFormChecks(formRef);

  if (me.data) return <Navigate to={from ?? '/'} replace />;

  const roleMessage = checks.message(roleRule, role) ?? submit.fieldErrors.role;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const answers = [
      displayNameRule(displayName),
      emailRule(email),
      passwordRule(password),
      roleRule(role),
    ];
    if (!checks.passes(answers) || role === null) return;
    const result = await submit.run(() =>
      register({ displayName: displayName.trim(), email: email.trim(), password, role }),
    );
    if (result.ok) {
      queryClient.setQueryData(meQueryKey, result.value);
      await navigate(from ?? '/', { replace: true });
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Page title="Create an account" heading="Create your Attune account">
      <p className="lead">
        Attune is a calm place for what happens between you and your therapist. What you write stays
        yours unless you choose to share it.
      </p>
      <Form
        ref={formRef}
        className="form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-label="Create an account"
      >
        <FormMessage message={submit.message}>
          {submit.error?.status === 409 ? (
            <>
              {' '}
              <Link to="/sign-in">Go to sign in</Link>
            </>
          ) : null}
        </FormMessage>
        <TextInput
          label="What should we call you?"
          description="A first name, a nickname — whatever feels right."
          name="displayName"
          autoComplete="nickname"
          isRequired
          value={displayName}
          onChange={(value) => {
            setDisplayName(value);
            submit.clearFieldError('displayName');
          }}
          validate={checks.show(displayNameRule)}
        />
        <TextInput
          label="Email"
          description="For signing in. We won't share it."
          name="email"
          type="email"
          autoComplete="email"
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
          description={`At least ${MIN_PASSWORD} characters. A few words strung together work well.`}
          name="password"
          autoComplete="new-password"
          value={password}
          onChange={(value) => {
            setPassword(value);
            submit.clearFieldError('password');
          }}
          validate={checks.show(passwordRule)}
        />
        <RadioGroup
          name="role"
          className="field choice-group"
          isRequired
          value={role}
          onChange={(value) => {
            setRole(isRole(value) ? value : null);
            submit.clearFieldError('role');
          }}
          isInvalid={roleMessage !== undefined}
        >
          <Label className="field-label">How will you use Attune?</Label>
          <Text slot="description" className="field-description">
            This shapes what Attune shows you.
          </Text>
          <RoleChoice value="client" title="I'm in therapy (client)">
            Keep track of your sessions and how things feel between you and your therapist — whether
            or not they use Attune.
          </RoleChoice>
          <RoleChoice value="therapist" title="I'm a therapist">
            Connect with clients who invite you, and see what they choose to share with you.
          </RoleChoice>
          <FieldError className="field-error">{roleMessage}</FieldError>
        </RadioGroup>
        <Button type="submit" className="button button-primary">
          {submit.pending ? 'Creating your account…' : 'Create account'}
        </Button>
      </Form>
      <p className="aside">
        Already have an account?{' '}
        <Link to="/sign-in" state={from ? { from } : undefined}>
          Sign in
        </Link>
      </p>
    </Page>
  );
}
