import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { createSlot, refreshSchedule, type Slot, type Weekday } from '../../api/schedule';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { SelectField } from '../../components/SelectField';
import { EVERY_WEEKS_OPTIONS, WEEKDAY_OPTIONS } from '../../components/scheduleChoices';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { knownZones, todayLocal, viewerZone } from '../../time';
import type { Client } from './clients';
import { dateRule, fieldsNote, LENGTH_OPTIONS, timeRule } from './fields';
import { count } from './scheduleWords';

const endRule = (startsOn: string) => (value: string) => {
  if (value === '') return null;
  if (dateRule(value)) return 'Please choose a date, or leave it empty for no end.';
  return value < startsOn ? 'Please choose a day on or after the first day.' : null;
};

/** Add a regular slot for one client: same weekday and time, every week or every other week. */
export function SlotForm({ clients }: { clients: Client[] }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Awaited<ReturnType<typeof createSlot>>>({
    describe: (error) =>
      error.code === 'slot_overlap'
        ? `${error.message} Please choose another time or day.`
        : fieldsNote(error),
  });
  const [relationshipId, setRelationshipId] = useState('');
  const [weekday, setWeekday] = useState(String(((new Date().getDay() + 6) % 7) + 1));
  const [time, setTime] = useState('');
  const [timezone, setTimezone] = useState(viewerZone);
  const [everyWeeks, setEveryWeeks] = useState('1');
  const [length, setLength] = useState('50');
  const [kind, setKind] = useState<Slot['kind']>('individual');
  const [startsOn, setStartsOn] = useState(todayLocal);
  const [endsOn, setEndsOn] = useState('');

  if (clients.length === 0) {
    return (
      <p className="note">
        When a client connects with you, you can give them a regular slot here.
      </p>
    );
  }
  const client = clients.find((c) => c.relationshipId === relationshipId) ?? clients[0];
  if (!client) return null;

  const edit = (name: string, set: (value: string) => void) => (value: string) => {
    set(value);
    submit.clearFieldError(name);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending || !client) return;
    if (!checks.passes([timeRule(time), dateRule(startsOn), endRule(startsOn)(endsOn)])) return;
    const result = await submit.run(() =>
      createSlot(client.relationshipId, {
        weekday: Number(weekday) as Weekday,
        time,
        timezone,
        everyWeeks: everyWeeks === '2' ? 2 : 1,
        durationMinutes: Number(length),
        startsOn,
        endsOn: endsOn === '' ? null : endsOn,
        kind,
      }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    await refreshSchedule(queryClient, client.relationshipId);
    const made = result.value.appointments.length;
    announce(
      `Slot added for ${client.name}: ${count(made, 'appointment', 'appointments')} planned in the coming twelve weeks.`,
    );
    checks.reset();
    setTime('');
    setEndsOn('');
  }

  return (
    <section aria-labelledby="add-slot-heading" className="card schedule-form">
      <h3 id="add-slot-heading">Add a regular slot</h3>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby="add-slot-heading"
      >
        <FormMessage message={submit.message} />
        <SelectField
          label="Client"
          name="relationshipId"
          error={submit.fieldErrors.relationshipId}
          value={client.relationshipId}
          onChange={edit('relationshipId', setRelationshipId)}
          options={clients.map((c) => ({ value: c.relationshipId, label: c.name }))}
        />
        <div className="field-pair">
          <SelectField
            label="Day"
            name="weekday"
            error={submit.fieldErrors.weekday}
            value={weekday}
            onChange={edit('weekday', setWeekday)}
            options={WEEKDAY_OPTIONS}
          />
          <TextInput
            label="Time"
            name="time"
            type="time"
            isRequired
            value={time}
            onChange={edit('time', setTime)}
            validate={checks.show(timeRule)}
          />
        </div>
        <SelectField
          label="Time zone"
          name="timezone"
          error={submit.fieldErrors.timezone}
          description="The slot keeps its local time when the clocks change."
          value={timezone}
          onChange={edit('timezone', setTimezone)}
          options={knownZones().map((zone) => ({ value: zone, label: zone }))}
        />
        <div className="field-pair">
          <SelectField
            label="How often"
            name="everyWeeks"
            error={submit.fieldErrors.everyWeeks}
            value={everyWeeks}
            onChange={edit('everyWeeks', setEveryWeeks)}
            options={EVERY_WEEKS_OPTIONS}
          />
          <SelectField
            label="Length"
            name="durationMinutes"
            error={submit.fieldErrors.durationMinutes}
            value={length}
            onChange={edit('durationMinutes', setLength)}
            options={LENGTH_OPTIONS}
          />
        </div>
        <SelectField
          label="Kind"
          name="kind"
          error={submit.fieldErrors.kind}
          value={kind}
          onChange={edit('kind', (value) => setKind(value === 'phone' ? 'phone' : 'individual'))}
          options={[
            { value: 'individual', label: 'Individual session' },
            { value: 'phone', label: 'Phone session' },
          ]}
        />
        <div className="field-pair">
          <TextInput
            label="First day"
            name="startsOn"
            type="date"
            isRequired
            value={startsOn}
            onChange={edit('startsOn', setStartsOn)}
            validate={checks.show(dateRule)}
          />
          <TextInput
            label="Last day (optional)"
            name="endsOn"
            type="date"
            value={endsOn}
            onChange={edit('endsOn', setEndsOn)}
            validate={checks.show(endRule(startsOn))}
          />
        </div>
        <Button type="submit" className="button button-primary" isPending={submit.pending}>
          {submit.pending ? 'Adding…' : 'Add slot'}
        </Button>
      </Form>
    </section>
  );
}
