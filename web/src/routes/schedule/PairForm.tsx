import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { createCouple, refreshSchedule, type TherapistCouple } from '../../api/schedule';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { SelectField } from '../../components/SelectField';
import { useFormChecks } from '../../components/useFormChecks';
import { type Client, nameOf } from './clients';

const chosenRule = (value: string) => (value ? null : 'Please choose a client.');

/** Pair two clients; each is asked to say yes before couples appointments can be booked. */
export function PairForm({ clients }: { clients: Client[] }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<TherapistCouple>({
    describe: (error) => error.fields.relationshipIds ?? null,
  });
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');

  if (clients.length < 2) {
    return (
      <p className="note">
        With two connected clients who are a couple, you can pair them here for couples
        appointments.
      </p>
    );
  }

  const secondRule = (value: string) =>
    chosenRule(value) ?? (value === first ? 'Please choose two different clients.' : null);
  const options = [
    { value: '', label: 'Choose a client' },
    ...clients.map((c) => ({ value: c.relationshipId, label: c.name })),
  ];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([chosenRule(first), secondRule(second)])) return;
    const result = await submit.run(() => createCouple([first, second]));
    if (!result.ok) return;
    await refreshSchedule(queryClient);
    announce(
      `${nameOf(clients, first)} and ${nameOf(clients, second)} are each asked to say yes to couples appointments.`,
    );
    checks.reset();
    setFirst('');
    setSecond('');
  }

  return (
    <section aria-labelledby="pair-heading" className="card schedule-form">
      <h3 id="pair-heading">Pair two clients</h3>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        aria-labelledby="pair-heading"
      >
        <FormMessage message={submit.message} />
        <div className="field-pair">
          <SelectField
            label="First partner"
            value={first}
            onChange={setFirst}
            options={options}
            error={checks.message(chosenRule, first)}
          />
          <SelectField
            label="Second partner"
            value={second}
            onChange={setSecond}
            options={options}
            error={checks.message(secondRule, second)}
          />
        </div>
        <Button type="submit" className="button button-primary" isPending={submit.pending}>
          {submit.pending ? 'Asking…' : 'Ask both to say yes'}
        </Button>
      </Form>
    </section>
  );
}
