import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { createTimeOff, refreshSchedule } from '../../api/schedule';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { DateTimeFields } from '../../components/DateTimeFields';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { localToIso } from '../../time';
import { type Client, nameOf } from './clients';
import { dateRule, fieldsNote, timeRule } from './fields';
import { count, namesInWords } from './scheduleWords';

const NOTE_MAX = 500;

/** "3 appointments cancelled; Robin and Sam were told." */
export function affectedInWords(relationshipIds: string[], clients: Client[]): string {
  if (relationshipIds.length === 0) return 'No appointments were planned in that time.';
  const names = [...new Set(relationshipIds.map((id) => nameOf(clients, id)))];
  const told = names.length === 1 ? 'was told' : 'were told';
  return `${count(relationshipIds.length, 'appointment', 'appointments')} cancelled; ${namesInWords(names)} ${told}.`;
}

/** Add time away: appointments in it are cancelled, and each client is told once. */
export function TimeOffForm({ clients }: { clients: Client[] }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Awaited<ReturnType<typeof createTimeOff>>>({
    fieldsFor: (error) => ({
      ...error.fields,
      ...(error.fields.from ? { fromDate: error.fields.from } : {}),
      ...(error.fields.to ? { toDate: error.fields.to } : {}),
    }),
    describe: fieldsNote,
  });
  const [fromDate, setFromDate] = useState('');
  const [fromTime, setFromTime] = useState('00:00');
  const [toDate, setToDate] = useState('');
  const [toTime, setToTime] = useState('00:00');
  const [note, setNote] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);

  const backRule = (value: string) => {
    const missing = dateRule(value);
    if (missing || dateRule(fromDate) || timeRule(fromTime) || timeRule(toTime)) return missing;
    return `${value}T${toTime}` <= `${fromDate}T${fromTime}`
      ? 'Please choose a time after the start.'
      : null;
  };

  const edit = (names: string[], set: (value: string) => void) => (value: string) => {
    set(value);
    setOutcome(null);
    for (const name of names) submit.clearFieldError(name);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const answers = [dateRule(fromDate), timeRule(fromTime), backRule(toDate), timeRule(toTime)];
    if (!checks.passes(answers)) return;
    const result = await submit.run(() =>
      createTimeOff({
        from: localToIso(fromDate, fromTime),
        to: localToIso(toDate, toTime),
        note: note.trim() === '' ? null : note.trim(),
      }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    await refreshSchedule(queryClient);
    const words = affectedInWords(
      result.value.affected.map((a) => a.relationshipId),
      clients,
    );
    setOutcome(`Time off saved. ${words}`);
    announce(`Time off saved. ${words}`);
    checks.reset();
    setFromDate('');
    setToDate('');
    setNote('');
  }

  return (
    <section aria-labelledby="add-time-off-heading" className="card schedule-form">
      <h3 id="add-time-off-heading">Add time off</h3>
      <p className="quiet small">
        Planned appointments in this time are cancelled, and each client is told once, with their
        first appointment after it.
      </p>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby="add-time-off-heading"
      >
        <FormMessage message={submit.message} />
        <DateTimeFields
          dateLabel="Away from"
          timeLabel="Starting at"
          dateName="fromDate"
          timeName="fromTime"
          date={fromDate}
          time={fromTime}
          onDateChange={edit(['fromDate', 'from'], setFromDate)}
          onTimeChange={edit(['fromDate', 'from'], setFromTime)}
          validateDate={checks.show(dateRule)}
          validateTime={checks.show(timeRule)}
        />
        <DateTimeFields
          dateLabel="Back on"
          timeLabel="Back at"
          dateName="toDate"
          timeName="toTime"
          dateDescription="The day you work again."
          date={toDate}
          time={toTime}
          onDateChange={edit(['toDate', 'to'], setToDate)}
          onTimeChange={edit(['toDate', 'to'], setToTime)}
          validateDate={checks.show(backRule)}
          validateTime={checks.show(timeRule)}
        />
        <TextInput
          label="Note (optional)"
          name="note"
          description="Your clients can see this note with your time off."
          maxLength={NOTE_MAX}
          value={note}
          onChange={edit(['note'], setNote)}
        />
        <Button type="submit" className="button button-primary" isPending={submit.pending}>
          {submit.pending ? 'Saving…' : 'Save time off'}
        </Button>
      </Form>
      {outcome ? <p className="note schedule-outcome">{outcome}</p> : null}
    </section>
  );
}
