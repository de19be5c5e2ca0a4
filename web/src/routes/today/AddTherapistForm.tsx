import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useNavigate } from 'react-router';
import { createRelationship, type Relationship, refresh } from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';

const nameRule = (value: string) =>
  value.trim() === '' ? 'Please write a name, even just a first name or an initial.' : null;

/** Adding a therapist: only a name, which stays on the client's side until they invite them. */
export function AddTherapistForm({ submitLabel = 'Add' }: { submitLabel?: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Relationship>();
  const [name, setName] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([nameRule(name)])) return;
    const result = await submit.run(() => createRelationship(name.trim()));
    if (result.ok) {
      await refresh(queryClient);
      announce(`Added ${result.value.therapistName}.`);
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
      aria-label="Add your therapist"
    >
      <FormMessage message={submit.message} />
      <TextInput
        label="What's your therapist's name?"
        description="A first name or an initial is enough. Attune won't contact them; you can invite them later if you like."
        name="therapistName"
        autoComplete="off"
        isRequired
        value={name}
        onChange={(value) => {
          setName(value);
          submit.clearFieldError('therapistName');
        }}
        validate={checks.show(nameRule)}
      />
      <Button type="submit" className="button button-primary">
        {submit.pending ? 'Adding…' : submitLabel}
      </Button>
    </Form>
  );
}
