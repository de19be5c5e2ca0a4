import { type FormEvent, useId, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { DateTimeFields } from '../../components/DateTimeFields';
import { SelectField } from '../../components/SelectField';
import { lengthOptions } from '../../components/scheduleChoices';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { localToIso } from '../../time';
import { dateRule, futureTimeRule, LENGTHS } from './fields';

type Props = {
  name: string;
  /** The length the client asked for, as the first choice. */
  length: number;
  pending: boolean;
  onOffer: (startsAt: string, durationMinutes: number, note: string) => Promise<boolean>;
};

/** Book the client at another time than they suggested; they are told, with the note. */
export function OfferForm({ name, length: asked, pending, onOffer }: Props) {
  const headingId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [length, setLength] = useState(String(asked));
  const [note, setNote] = useState('');
  const lengths = LENGTHS.includes(asked) ? LENGTHS : [...LENGTHS, asked].sort((a, b) => a - b);
  // Only a time still to come can be booked; the note sits on the time field.
  const timeCheck = futureTimeRule(date);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!checks.passes([dateRule(date), timeCheck(time)])) return;
    await onOffer(localToIso(date, time), Number(length), note.trim());
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight request-form"
      onSubmit={(event) => void onSubmit(event)}
      validationBehavior="aria"
      aria-labelledby={headingId}
    >
      <h4 id={headingId} className="request-subheading">
        Another time for {name}
      </h4>
      <DateTimeFields
        date={date}
        time={time}
        onDateChange={setDate}
        onTimeChange={setTime}
        validateDate={checks.show(dateRule)}
        validateTime={checks.show(timeCheck)}
      />
      <SelectField
        label="Length"
        value={length}
        onChange={setLength}
        options={lengthOptions(lengths)}
      />
      <TextInput
        label="Note (optional)"
        description={`${name} sees this note with the new time.`}
        maxLength={2000}
        value={note}
        onChange={setNote}
      />
      <Button type="submit" className="button button-primary" isPending={pending}>
        {pending ? 'Booking…' : `Book this time and tell ${name}`}
      </Button>
    </Form>
  );
}
