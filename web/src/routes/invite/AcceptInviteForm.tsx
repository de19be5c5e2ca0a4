import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useNavigate } from 'react-router';
import type { ApiError } from '../../api/client';
import { acceptInvite, type Relationship, refresh } from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';

const LETTERS = 12;

function normalize(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

const codeRule = (value: string) => {
  const length = normalize(value).length;
  if (length === 0) return 'Please enter the code your client gave you.';
  if (length !== LETTERS)
    return `The code has ${LETTERS} letters and numbers, like ABCD-EFGH-JKMN (so far: ${length}).`;
  return null;
};

const NOT_FOUND =
  "That code didn't work. It may have been used already, have run out (codes last 7 days), or have a typo. Check it, or ask your client for a new one.";

function describe(error: ApiError): string | null {
  if (error.status === 404) return NOT_FOUND;
  if (error.status === 429) return 'Too many tries: please wait a minute and try again.';
  return null;
}

/** A therapist accepts a client's single-use invite code and becomes connected. */
export function AcceptInviteForm({ initialCode = '' }: { initialCode?: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Relationship>({
    describe,
    fieldsFor: (error) =>
      error.status === 404 ? { code: 'Please check the code.' } : error.fields,
  });
  const [code, setCode] = useState(initialCode);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([codeRule(code)])) return;
    const result = await submit.run(() => acceptInvite(normalize(code)));
    if (result.ok) {
      await refresh(queryClient);
      announce("You're connected.");
      await navigate(`/relationships/${result.value.id}`);
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-label="Accept an invite"
    >
      <FormMessage message={submit.message} />
      <TextInput
        label="Invite code"
        description="12 letters and numbers, like ABCD-EFGH-JKMN. Capitals and dashes don't matter."
        name="code"
        autoComplete="off"
        spellCheck="false"
        isRequired
        value={code}
        onChange={(value) => {
          setCode(value);
          submit.clearFieldError('code');
        }}
        validate={checks.show(codeRule)}
      />
      <Button type="submit" className="button button-primary">
        {submit.pending ? 'Connecting…' : 'Connect'}
      </Button>
    </Form>
  );
}
