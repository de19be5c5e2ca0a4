import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import {
  type Appointment,
  type AppointmentKind,
  type AppointmentStatus,
  addAppointment,
  type RelationshipPage,
  refresh,
  updateAppointment,
} from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { SelectField } from '../../components/SelectField';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { KIND_WORDS, longDate, minutes, STATUS_WORDS, timeOfDay } from '../../words';
import { Agenda } from './Agenda';

const LENGTHS = [30, 45, 50, 60, 75, 90, 120];
const KINDS: AppointmentKind[] = ['individual', 'couples', 'phone', 'extra'];

const dateRule = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Please choose the date of the session.';
const timeRule = (value: string) =>
  /^\d{2}:\d{2}/.test(value) ? null : 'Please choose the time it starts.';

/** "2025-11-03" and "16:00" in this device's time zone, as an ISO time for the server. */
function toIso(date: string, time: string): string {
  return new Date(`${date}T${time}`).toISOString();
}

function nextScheduled(page: RelationshipPage) {
  const now = Date.now();
  return page.appointments
    .filter((a) => a.status === 'scheduled' && new Date(a.startsAt).getTime() > now)
    .sort((a, b) => new Date(a.startsAt).getTime() - new Date(b.startsAt).getTime())[0];
}

export function ScheduleTab({
  page,
  viewer,
}: {
  page: RelationshipPage;
  viewer: 'client' | 'therapist';
}) {
  const ended = page.relationship.status === 'ended';
  const appointments = [...page.appointments].sort(
    (a, b) => new Date(b.startsAt).getTime() - new Date(a.startsAt).getTime(),
  );
  return (
    <div className="tab-body">
      <h2 className="visually-hidden">Schedule</h2>
      {viewer === 'client' && !ended ? (
        <Agenda
          relationshipId={page.relationship.id}
          therapistName={page.relationship.therapistName}
          nextAppointmentAt={nextScheduled(page)?.startsAt ?? null}
          headingLevel={3}
        />
      ) : null}
      {ended ? (
        <p className="note">This relationship has ended, so no new sessions can be added.</p>
      ) : (
        <AddSession relationshipId={page.relationship.id} />
      )}
      <section aria-labelledby="sessions-heading" className="sessions">
        <h3 id="sessions-heading">Sessions</h3>
        {appointments.length === 0 ? (
          <p className="quiet">No sessions yet.</p>
        ) : (
          <ul className="session-list">
            {appointments.map((appointment) => (
              <SessionRow key={appointment.id} appointment={appointment} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function AddSession({ relationshipId }: { relationshipId: string }) {
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
        <div className="field-pair">
          <TextInput
            label="Date"
            name="date"
            type="date"
            isRequired
            value={date}
            onChange={(value) => {
              setDate(value);
              submit.clearFieldError('date');
            }}
            validate={checks.show(dateRule)}
          />
          <TextInput
            label="Time"
            name="time"
            type="time"
            isRequired
            value={time}
            onChange={(value) => {
              setTime(value);
              submit.clearFieldError('time');
            }}
            validate={checks.show(timeRule)}
          />
        </div>
        <div className="field-pair">
          <SelectField
            label="Length"
            name="length"
            value={length}
            onChange={setLength}
            options={LENGTHS.map((n) => ({ value: String(n), label: minutes(n) }))}
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

function SessionRow({ appointment }: { appointment: Appointment }) {
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
