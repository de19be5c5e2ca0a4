import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { createOpenTime, type OpenTime, refreshSchedule } from '../../api/schedule';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { DateTimeFields } from '../../components/DateTimeFields';
import { FormMessage } from '../../components/FormMessage';
import { SelectField } from '../../components/SelectField';
import { useFormChecks } from '../../components/useFormChecks';
import { localToIso } from '../../time';
import { dateRule, fieldsNote, futureTimeRule, LENGTH_OPTIONS, startsAtOnDate } from './fields';
import { spanInWords } from './scheduleWords';

/** Publish one open time: a date, a time and a length. */
export function OpenTimeForm() {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<OpenTime>({
    fieldsFor: startsAtOnDate,
    describe: fieldsNote,
  });
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [length, setLength] = useState('50');

  const timeCheck = futureTimeRule(date);

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    submit.clearFieldError('date');
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([dateRule(date), timeCheck(time)])) return;
    const result = await submit.run(() =>
      createOpenTime({ startsAt: localToIso(date, time), durationMinutes: Number(length) }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    await refreshSchedule(queryClient);
    announce(
      `Open time published: ${spanInWords(result.value.startsAt, result.value.durationMinutes)}.`,
    );
    checks.reset();
    setTime('');
  }

  return (
    <section aria-labelledby="add-open-time-heading" className="card schedule-form">
      <h3 id="add-open-time-heading">Publish an open time</h3>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby="add-open-time-heading"
      >
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
        <SelectField
          label="Length"
          name="durationMinutes"
          value={length}
          onChange={setLength}
          options={LENGTH_OPTIONS}
        />
        <Button type="submit" className="button button-primary" isPending={submit.pending}>
          {submit.pending ? 'Publishing…' : 'Publish open time'}
        </Button>
      </Form>
    </section>
  );
}
