import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import {
  communityKeys,
  LIMITS,
  type OwnProfile,
  PSEUDONYM_PATTERN,
  refreshCommunity,
  saveProfile,
} from '../../api/community';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { CheckField, TextAreaField, TextField } from './Fields';
import { PRIVACY_NOTE } from './words';

const PSEUDONYM_RULE = `${LIMITS.pseudonym.min} to ${LIMITS.pseudonym.max} letters (a to z) or numbers; - and _ are fine too, spaces are not.`;

function pseudonymProblem(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return 'Please choose a pseudonym.';
  if (!PSEUDONYM_PATTERN.test(trimmed)) return `Please use ${PSEUDONYM_RULE.toLowerCase()}`;
  return null;
}

function fieldsFor(error: ApiError): Record<string, string> {
  if (error.code === 'pseudonym_taken') {
    return {
      pseudonym: 'Someone already has that name, or it is kept aside. Please choose another.',
    };
  }
  const fields: Record<string, string> = {};
  if (error.fields.pseudonym) fields.pseudonym = `Please use ${PSEUDONYM_RULE.toLowerCase()}`;
  if (error.fields.bio) fields.bio = `Please keep it under ${LIMITS.bio} characters.`;
  return fields;
}

/** Make or change the pseudonymous profile, with who sees it said first. */
export function ProfileForm({
  profile,
  submitLabel,
  onSaved,
}: {
  profile: OwnProfile | null;
  submitLabel: string;
  onSaved?: () => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [pseudonym, setPseudonym] = useState(profile?.pseudonym ?? '');
  const [bio, setBio] = useState(profile?.bio ?? '');
  const [askBoxOpen, setAskBoxOpen] = useState(profile?.askBoxOpen ?? true);
  const [allowAnonymous, setAllowAnonymous] = useState(profile?.allowAnonymous ?? true);
  const [attempted, setAttempted] = useState(false);
  const pseudonymRef = useRef<HTMLInputElement>(null);
  const submit = useSubmit<OwnProfile>({
    describe: (error) =>
      error.code === 'pseudonym_taken' || error.fields.pseudonym
        ? 'Please choose another pseudonym.'
        : null,
    fieldsFor,
  });
  const localProblem = attempted ? pseudonymProblem(pseudonym) : null;
  const pseudonymError = localProblem ?? submit.fieldErrors.pseudonym ?? null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    setAttempted(true);
    if (pseudonymProblem(pseudonym)) {
      pseudonymRef.current?.focus();
      return;
    }
    const result = await submit.run(() =>
      saveProfile({ pseudonym: pseudonym.trim(), bio: bio.trim(), askBoxOpen, allowAnonymous }),
    );
    if (!result.ok) {
      if (result.error.code === 'pseudonym_taken' || result.error.fields.pseudonym) {
        pseudonymRef.current?.focus();
      }
      return;
    }
    onSaved?.();
    queryClient.setQueryData(communityKeys.me, (current: { moderator: boolean } | undefined) => ({
      moderator: current?.moderator ?? false,
      profile: result.value,
    }));
    await refreshCommunity(queryClient);
    announce(profile ? 'Your profile is saved.' : `Welcome, ${result.value.pseudonym}.`);
  }

  return (
    <form
      className="form form-tight"
      onSubmit={(event) => void onSubmit(event)}
      aria-label={profile ? 'Your profile' : 'Set up your profile'}
      noValidate
    >
      <p className="note">{PRIVACY_NOTE}</p>
      <FormMessage message={submit.message} />
      <TextField
        label="Pseudonym"
        description={`The name others see. ${PSEUDONYM_RULE}`}
        value={pseudonym}
        onChange={(value) => {
          setPseudonym(value);
          submit.clearFieldError('pseudonym');
        }}
        error={pseudonymError}
        required
        maxLength={LIMITS.pseudonym.max}
        inputRef={pseudonymRef}
      />
      <TextAreaField
        label="About you (if you like)"
        description={`A line or two for others, up to ${LIMITS.bio} characters. Nothing that could identify you.`}
        value={bio}
        onChange={(value) => {
          setBio(value);
          submit.clearFieldError('bio');
        }}
        error={submit.fieldErrors.bio ?? null}
        maxLength={LIMITS.bio}
        rows={3}
      />
      <fieldset className="cm-fieldset">
        <legend>Your ask box</legend>
        <CheckField
          label="Open my ask box"
          description="People can send you questions. You choose which to answer, and you can close it any time."
          checked={askBoxOpen}
          onChange={setAskBoxOpen}
        />
        <CheckField
          label="Allow anonymous asks"
          description="People can ask without showing their pseudonym. Nobody can see who they are, not even moderators; you can still block them through their ask."
          checked={allowAnonymous}
          onChange={setAllowAnonymous}
        />
      </fieldset>
      <button
        type="submit"
        className="button button-primary"
        aria-disabled={submit.pending || undefined}
      >
        {submit.pending ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
