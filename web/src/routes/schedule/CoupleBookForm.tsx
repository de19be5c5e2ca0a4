import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Appointment } from '../../api/relationships';
import { createCoupleAppointment, refreshSchedule, type TherapistCouple } from '../../api/schedule';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { DateTimeFields } from '../../components/DateTimeFields';
import { FormMessage } from '../../components/FormMessage';
import { SelectField } from '../../components/SelectField';
import { useFormChecks } from '../../components/useFormChecks';
import { localToIso } from '../../time';
import { dateRule, fieldsNote, futureTimeRule, LENGTH_OPTIONS, startsAtOnDate } from './fields';
import { spanInWords } from './scheduleWords';

/** Book one couples appointment: one row for each partner, both told. */
export function CoupleBookForm({ couple, names }: { couple: TherapistCouple; names: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const headingId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Appointment[]>({
    fieldsFor: startsAtOnDate,
    describe: (error) => {
      if (error.code === 'consent_missing') return 'Both partners need to say yes first.';
      return fieldsNote(error);
    },
  });
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [length, setLength] = useState('60');

  const timeCheck = futureTimeRule(date);

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    submit.clearFieldError('date');
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([dateRule(date), timeCheck(time)])) return;
    const startsAt = localToIso(date, time);
    const durationMinutes = Number(length);
    const result = await submit.run(() =>
      createCoupleAppointment(couple.id, { startsAt, durationMinutes }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    await refreshSchedule(queryClient);
    announce(`Couples appointment booked for ${names}: ${spanInWords(startsAt, durationMinutes)}.`);
    checks.reset();
    setDate('');
    setTime('');
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight couple-form"
      onSubmit={(event) => void onSubmit(event)}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-labelledby={headingId}
    >
      <h4 id={headingId} className="request-subheading">
        Book a couples appointment
      </h4>
      <FormMessage message={submit.message} />
      <DateTimeFields
        dateName="date"
        timeName="time"
        date={date}
        time={time}
        onDateChange={edit(setDate)}
        onTimeChange={edit(setTime)}
        validateDate={checks.show(dateRule)}
        validateTime={checks.show(timeCheck)}
      />
      <SelectField label="Length" value={length} onChange={setLength} options={LENGTH_OPTIONS} />
      <Button type="submit" className="button button-primary" isPending={submit.pending}>
        {submit.pending ? 'Booking…' : 'Book and tell both'}
      </Button>
    </Form>
  );
}
