import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import {
  type Appointment,
  type AppointmentKind,
  type AppointmentStatus,
  addAppointment,
  refresh,
  updateAppointment,
} from '../../../api/relationships';
import { useSubmit } from '../../../api/useSubmit';
import { useAnnounce } from '../../../components/Announcer';
import { DateTimeFields } from '../../../components/DateTimeFields';
import { FormMessage } from '../../../components/FormMessage';
import { SelectField } from '../../../components/SelectField';
import { lengthOptions } from '../../../components/scheduleChoices';
import { useFormChecks } from '../../../components/useFormChecks';
import { KIND_WORDS, longDate, minutes, STATUS_WORDS, timeOfDay } from '../../../words';

/** Sessions added by hand, and every session's status (the tab's original tools). */

const KINDS: AppointmentKind[] = ['individual', 'couples', 'phone', 'extra'];

const dateRule = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Please choose the date of the session.';
const timeRule = (value: string) =>
  /^\d{2}:\d{2}/.test(value) ? null : 'Please choose the time it starts.';

/** "2025-11-03" and "16:00" in this device's time zone, as an ISO time for the server. */
function toIso(date: string, time: string): string {
  return new Date(`${date}T${time}`).toISOString();
}

export function AddSession({ relationshipId }: { relationshipId: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Appointment>({
    fieldsFor: (error) => {
      const fields = { ...error.fields };
      if (fields.startsAt) fields.date = fields.startsAt;
      if (fields.durationMinutes) fields.length = fields.durationMinutes;
      return fields;
    },
  });
  const [date, setDate] = useState('');
  const [time, setTime] = useState('');
  const [length, setLength] = useState('50');
  const [kind, setKind] = useState<AppointmentKind>('individual');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([dateRule(date), timeRule(time)])) return;
    const result = await submit.run(() =>
      addAppointment(relationshipId, {
        startsAt: toIso(date, time),
        durationMinutes: Number(length),
        kind,
      }),
    );
    if (result.ok) {
      await refresh(queryClient, relationshipId);
      const when = `${longDate(result.value.startsAt)}, ${timeOfDay(result.value.startsAt)}`;
      announce(
        result.value.status === 'held'
          ? `Session added: ${when}, recorded as held.`
          : `Session added: ${when}.`,
      );
      checks.reset();
      setDate('');
      setTime('');
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <section aria-labelledby="add-session-heading" className="card add-session">
      <h3 id="add-session-heading">Add a session</h3>
      <p className="quiet small">
        A session in the past is recorded as held, ready for a check-in. One in the future is
        planned.
      </p>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby="add-session-heading"
      >
        <FormMessage message={submit.message} />
        <DateTimeFields
          dateName="date"
          timeName="time"
          date={date}
          time={time}
          onDateChange={(value) => {
            setDate(value);
            submit.clearFieldError('date');
          }}
          onTimeChange={(value) => {
            setTime(value);
            submit.clearFieldError('time');
          }}
          validateDate={checks.show(dateRule)}
          validateTime={checks.show(timeRule)}
        />
        <div className="field-pair">
          <SelectField
            label="Length"
            name="length"
            value={length}
            onChange={setLength}
            options={lengthOptions()}
          />
          <SelectField
            label="Kind"
            name="kind"
            value={kind}
            onChange={(value) => setKind(value as AppointmentKind)}
            options={KINDS.map((k) => ({ value: k, label: KIND_WORDS[k] }))}
          />
        </div>
        <Button type="submit" className="button button-primary">
          {submit.pending ? 'Adding…' : 'Add session'}
        </Button>
      </Form>
    </section>
  );
}

export function SessionRow({ appointment }: { appointment: Appointment }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [status, setStatus] = useState<AppointmentStatus>(appointment.status);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const when = `${longDate(appointment.startsAt)}, ${timeOfDay(appointment.startsAt)}`;
  const changed = status !== appointment.status;
  const options: AppointmentStatus[] = ['scheduled', 'held', 'cancelled', 'missed'];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending || !changed) return;
    setPending(true);
    setProblem(null);
    try {
      await updateAppointment(appointment.id, { status });
      await refresh(queryClient, appointment.relationshipId);
      announce(`The session on ${when} is now marked ${STATUS_WORDS[status].toLowerCase()}.`);
    } catch {
      setProblem("We couldn't change that just now. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <li className="session-row">
      <p className="session-when">
        <strong>{when}</strong>
        <span className="quiet">
          {' '}
          · {KIND_WORDS[appointment.kind]} · {minutes(appointment.durationMinutes)}
        </span>
      </p>
      <form className="session-status" onSubmit={(event) => void onSubmit(event)}>
        <SelectField
          className="session-select"
          label={<span className="visually-hidden">Status of the session on {when}</span>}
          value={status}
          onChange={(value) => setStatus(value as AppointmentStatus)}
          options={options.map((s) => ({ value: s, label: STATUS_WORDS[s] }))}
        />
        <button
          type="submit"
          className="button button-quiet"
          aria-disabled={!changed || pending || undefined}
        >
          {pending ? 'Saving…' : 'Save'}
          <span className="visually-hidden"> status of the session on {when}</span>
        </button>
      </form>
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </li>
  );
}
