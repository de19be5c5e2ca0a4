import { type FormEvent, useId, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { TextInput } from '../../components/TextInput';

type Props = {
  name: string;
  pending: boolean;
  onDecline: (note: string) => Promise<boolean>;
};

/** Decline a request, with a note for the client if the therapist wants one. */
export function DeclineForm({ name, pending, onDecline }: Props) {
  const headingId = useId();
  const [note, setNote] = useState('');

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!pending) void onDecline(note.trim());
  }

  return (
    <Form className="form form-tight request-form" onSubmit={onSubmit} aria-labelledby={headingId}>
      <h4 id={headingId} className="request-subheading">
        Decline {name}'s request
      </h4>
      <TextInput
        label="Note (optional)"
        description={`${name} sees this note. A few kind words help, for example when you could meet instead.`}
        maxLength={2000}
        value={note}
        onChange={setNote}
      />
      <Button type="submit" className="button button-quiet" isPending={pending}>
        {pending ? 'Declining…' : 'Decline the request'}
      </Button>
    </Form>
  );
}
