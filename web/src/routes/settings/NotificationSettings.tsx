import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import type { User } from '../../api/auth';
import {
  type NotificationSettings as BaseSettings,
  type Category,
  notificationKeys,
  REPLY_DUE_HOURS,
  saveNotificationSettings,
  UNREAD_HOURS,
  useNotificationSettings,
} from '../../api/notifications';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { SelectField } from '../../components/SelectField';
import { SignedIn } from '../../components/SignedIn';
import { isKnownZone, knownZones, viewerZone } from '../../time';
import '../relationship/messages.css';

/**
 * The scheduling settings (docs/api/scheduling.md, Settings): reminder hours before an
 * appointment (0 = none) and the zone the times in emails are written in.
 */
type Settings = BaseSettings & { appointmentReminderHours?: number; timezone?: string };

const APPOINTMENT_REMINDERS = [
  { value: '0', label: 'No reminder' },
  { value: '1', label: '1 hour before' },
  { value: '3', label: '3 hours before' },
  { value: '24', label: '24 hours before' },
  { value: '48', label: '48 hours before' },
];

export default function NotificationSettingsRoute() {
  return <SignedIn>{(user) => <NotificationSettingsScreen user={user} />}</SignedIn>;
}

type Kind = { category: Category; title: string; detail: string };

/** The kinds of notification a person can choose, in their own side's words. */
function kindsFor(role: User['role']): Kind[] {
  const other = role === 'client' ? 'your therapist' : 'a client';
  const kinds: Kind[] = [
    { category: 'message', title: 'New messages', detail: `When ${other} writes to you.` },
  ];
  if (role === 'therapist') {
    kinds.push({
      category: 'urgent',
      title: 'Urgent messages and requests to call',
      detail: 'When a client marks a message urgent or asks you to call.',
    });
  }
  kinds.push(
    {
      category: 'acknowledged',
      title: 'Acknowledgements',
      detail:
        role === 'client'
          ? 'When your therapist acknowledges your message, or notes that they called you back.'
          : 'When a client acknowledges your message.',
    },
    {
      category: 'agreement',
      title: 'Agreement changes',
      detail:
        role === 'client'
          ? 'When your therapist writes a new version of your agreement, or acknowledges one.'
          : 'When a client acknowledges a version of your agreement, or writes theirs.',
    },
    {
      category: 'reminders',
      title: 'Reminders',
      detail:
        role === 'client'
          ? 'When a message to you has been waiting unread for a while, and when a new version of your agreement is still waiting for you.'
          : 'Before a reply to a client is due, when a message has been waiting unread for a while, and when a new version of an agreement is still waiting for you.',
    },
    {
      category: 'schedule',
      title: 'Schedule changes',
      detail: 'When a session is planned, moved or cancelled.',
    },
  );
  return kinds;
}

function hoursRule(value: string, range: { min: number; max: number }): string | null {
  if (!/^\d+$/.test(value.trim())) return 'Please give a whole number of hours.';
  const n = Number(value);
  if (n < range.min || n > range.max) {
    return `Please give a number from ${range.min} to ${range.max}.`;
  }
  return null;
}

function NotificationSettingsScreen({ user }: { user: User }) {
  const settings = useNotificationSettings();
  if (settings.isPending) return <p className="quiet">Loading…</p>;
  if (settings.isError) {
    return (
      <Page title="Notification settings" heading="Your notification settings didn't load">
        <p>{settings.error.message}</p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void settings.refetch()}
        >
          Try again
        </button>
      </Page>
    );
  }
  return (
    <Page title="Notification settings">
      <p className="lead">Choose how Attune lets you know that something is waiting for you.</p>
      <p className="note">
        Emails only say that something is waiting, with a link. They never include what anyone
        wrote.
      </p>
      <SettingsForm initial={settings.data} role={user.role} />
    </Page>
  );
}

function SettingsForm({ initial, role }: { initial: Settings; role: User['role'] }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState(initial.email);
  const [inApp, setInApp] = useState(initial.inApp);
  const [unread, setUnread] = useState(String(initial.unreadReminderHours));
  const [replyDue, setReplyDue] = useState(String(initial.replyDueReminderHours));
  const [appointmentHours, setAppointmentHours] = useState(
    String(initial.appointmentReminderHours ?? 24),
  );
  // A zone never chosen (the server's default, UTC) starts as this device's.
  const [timezone, setTimezone] = useState(
    initial.timezone && initial.timezone !== 'UTC' && isKnownZone(initial.timezone)
      ? initial.timezone
      : viewerZone(),
  );
  const [attempted, setAttempted] = useState(false);
  const [saved, setSaved] = useState(false);
  const submit = useSubmit<Settings>();
  const kinds = kindsFor(role);

  const unreadProblem =
    (attempted ? hoursRule(unread, UNREAD_HOURS) : null) ??
    submit.fieldErrors['settings.unreadReminderHours'] ??
    null;
  const replyDueProblem =
    (attempted ? hoursRule(replyDue, REPLY_DUE_HOURS) : null) ??
    submit.fieldErrors['settings.replyDueReminderHours'] ??
    null;

  const changed = () => setSaved(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    setAttempted(true);
    const problems = [
      hoursRule(unread, UNREAD_HOURS),
      role === 'therapist' ? hoursRule(replyDue, REPLY_DUE_HOURS) : null,
    ];
    if (problems.some((p) => p !== null)) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    const next: Settings = {
      email,
      inApp,
      unreadReminderHours: Number(unread),
      replyDueReminderHours:
        role === 'therapist' ? Number(replyDue) : initial.replyDueReminderHours,
      appointmentReminderHours: Number(appointmentHours),
      timezone,
    };
    const result = await submit.run(() => saveNotificationSettings(next));
    if (!result.ok) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    queryClient.setQueryData(notificationKeys.settings, result.value);
    // What shows in the app may have changed: the list and badge are fetched again.
    void queryClient.invalidateQueries({ queryKey: notificationKeys.list });
    setAttempted(false);
    setSaved(true);
    announce('Saved. Your notification choices are in place.');
  }

  return (
    <form
      ref={formRef}
      className="form"
      onSubmit={(event) => void onSubmit(event)}
      aria-label="Your notifications"
      noValidate
    >
      <FormMessage message={submit.message} />
      <div className="notice-kinds">
        {kinds.map((kind) => (
          <fieldset key={kind.category} className="notice-kind">
            <legend>{kind.title}</legend>
            <p className="field-description">{kind.detail}</p>
            <div className="notice-channels">
              <label className="check-label">
                <input
                  type="checkbox"
                  checked={email[kind.category]}
                  onChange={(event) => {
                    setEmail({ ...email, [kind.category]: event.target.checked });
                    changed();
                  }}
                />
                By email
              </label>
              <label className="check-label">
                <input
                  type="checkbox"
                  checked={inApp[kind.category]}
                  onChange={(event) => {
                    setInApp({ ...inApp, [kind.category]: event.target.checked });
                    changed();
                  }}
                />
                In the app
              </label>
            </div>
          </fieldset>
        ))}
      </div>

      <section aria-labelledby={`${ids}-reminders`} className="card">
        <h2 id={`${ids}-reminders`}>When reminders come</h2>
        <div className="form form-tight">
          <HoursField
            id={`${ids}-unread`}
            label="Remind me about a message I haven't opened after"
            hint={`From ${UNREAD_HOURS.min} to ${UNREAD_HOURS.max} hours (two weeks).`}
            value={unread}
            problem={unreadProblem}
            onChange={(value) => {
              setUnread(value);
              submit.clearFieldError('settings.unreadReminderHours');
              changed();
            }}
            range={UNREAD_HOURS}
          />
          {role === 'therapist' ? (
            <HoursField
              id={`${ids}-due`}
              label="Remind me before a reply to a client is due, this long before"
              hint={`From ${REPLY_DUE_HOURS.min} to ${REPLY_DUE_HOURS.max} hours. The reply time comes from each agreement.`}
              value={replyDue}
              problem={replyDueProblem}
              onChange={(value) => {
                setReplyDue(value);
                submit.clearFieldError('settings.replyDueReminderHours');
                changed();
              }}
              range={REPLY_DUE_HOURS}
            />
          ) : null}
          <SelectField
            label="Remind me before an appointment"
            name="appointmentReminderHours"
            value={appointmentHours}
            onChange={(value) => {
              setAppointmentHours(value);
              changed();
            }}
            options={
              APPOINTMENT_REMINDERS.some((o) => o.value === appointmentHours)
                ? APPOINTMENT_REMINDERS
                : [
                    ...APPOINTMENT_REMINDERS,
                    { value: appointmentHours, label: `${appointmentHours} hours before` },
                  ]
            }
          />
        </div>
      </section>

      <section aria-labelledby={`${ids}-zone`} className="card">
        <h2 id={`${ids}-zone`}>Your time zone</h2>
        <div className="form form-tight">
          <SelectField
            label="Times in emails are written in"
            name="timezone"
            value={timezone}
            onChange={(value) => {
              setTimezone(value);
              submit.clearFieldError('settings.timezone');
              changed();
            }}
            description={`This device is in ${viewerZone()}.`}
            options={zoneOptions(timezone)}
          />
          {submit.fieldErrors['settings.timezone'] ? (
            <p className="field-error">{submit.fieldErrors['settings.timezone']}</p>
          ) : null}
          <div>
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => {
                setTimezone(viewerZone());
                changed();
                announce(`Time zone set to ${viewerZone()}. Save to keep it.`);
              }}
            >
              Use this device's zone
            </button>
          </div>
        </div>
      </section>

      <div className="hours-row">
        <button type="submit" className="button button-primary">
          {submit.pending ? 'Saving…' : 'Save'}
        </button>
        {saved ? <p className="saved-state">Saved</p> : null}
      </div>
    </form>
  );
}

function zoneOptions(current: string): { value: string; label: string }[] {
  const zones = knownZones();
  const all = zones.includes(current) ? zones : [current, ...zones];
  return all.map((zone) => ({ value: zone, label: zone }));
}

function HoursField({
  id,
  label,
  hint,
  value,
  problem,
  onChange,
  range,
}: {
  id: string;
  label: string;
  hint: string;
  value: string;
  problem: string | null;
  onChange: (value: string) => void;
  range: { min: number; max: number };
}) {
  return (
    <div className="field hours-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <span id={`${id}-hint`} className="field-description">
        {hint}
      </span>
      <div className="hours-row">
        <input
          id={id}
          type="number"
          inputMode="numeric"
          className="field-input"
          min={range.min}
          max={range.max}
          step={1}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-unit ${id}-hint${problem ? ` ${id}-error` : ''}`}
        />
        <span id={`${id}-unit`}>hours</span>
      </div>
      {problem ? (
        <p id={`${id}-error`} className="field-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
