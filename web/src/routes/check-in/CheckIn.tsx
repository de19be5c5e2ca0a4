import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import {
  Button,
  FieldError,
  Form,
  Label,
  RadioGroup,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Link, useParams, useSearchParams } from 'react-router';
import type { User } from '../../api/auth';
import type { ApiError } from '../../api/client';
import {
  type Appointment,
  type Checkin,
  createCheckin,
  type RelationshipPage,
  refresh,
  updateAppointment,
  useRelationshipPage,
} from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { Choice } from '../../components/Choice';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { ScaleSlider } from '../../components/ScaleSlider';
import { SignedIn } from '../../components/SignedIn';
import { useFormChecks } from '../../components/useFormChecks';
import { useLocalDraft } from '../../components/useLocalDraft';
import { EASED_WORDS, howDidItFeel, longDate, TENSION_WORDS, tensionInWords } from '../../words';
import { findRelationshipOf } from './findAppointment';
import {
  EASED_QUESTION,
  ITEMS,
  type Item,
  itemWording,
  NOT_A_TEST,
  SCORE_MAX,
  TENSION_QUESTION,
} from './items';

type Draft = Record<Item, number> & {
  tension: number | null;
  resolved: number | null;
  note: string;
  /** null: the default for this relationship (shared when connected). */
  shared: boolean | null;
};

const EMPTY: Draft = {
  bond: 5,
  goals: 5,
  method: 5,
  overall: 5,
  tension: null,
  resolved: null,
  note: '',
  shared: null,
};

const isScale = (v: unknown, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<Draft>;
  return (
    ITEMS.every((item) => isScale(d[item], 10)) &&
    (d.tension === null || isScale(d.tension, 4)) &&
    (d.resolved === null || isScale(d.resolved, 4)) &&
    typeof d.note === 'string' &&
    (d.shared === null || typeof d.shared === 'boolean')
  );
}

const tensionRule = (value: number | null) =>
  value === null ? 'Please choose one. "None" is a fine answer.' : null;

function describe(error: ApiError): string | null {
  if (error.code === 'checkin_exists' || error.status === 409) {
    return 'This check-in was already filled in, perhaps in another window, so nothing was changed. Your note is still here if you would like to copy it.';
  }
  if (Object.keys(error.fields).length > 0) {
    return 'Something in the form needs a look; you will find a note next to it.';
  }
  return null;
}

export default function CheckInRoute() {
  return <SignedIn>{(user) => <CheckInScreen user={user} />}</SignedIn>;
}

function CheckInScreen({ user }: { user: User }) {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const queryClient = useQueryClient();
  const hint = search.get('relationship');
  const found = useQuery({
    queryKey: ['relationship-of-appointment', id, hint],
    queryFn: () => findRelationshipOf(queryClient, id, hint),
    staleTime: Number.POSITIVE_INFINITY,
  });

  if (found.isPending) return <p className="quiet">Loading…</p>;
  if (found.isError) {
    return (
      <Page title="Check-in" heading="We couldn't load this check-in">
        <p>{found.error.message}</p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void found.refetch()}
        >
          Try again
        </button>
      </Page>
    );
  }
  if (found.data === null) return <NoSuchSession />;
  return <CheckInFor user={user} relationshipId={found.data} appointmentId={id} />;
}

function NoSuchSession() {
  return (
    <Page title="Check-in" heading="We couldn't find that session">
      <p>The link may be old, or the session may belong to another account.</p>
      <p>
        <Link to="/">Go to Today</Link>
      </p>
    </Page>
  );
}

function CheckInFor({
  user,
  relationshipId,
  appointmentId,
}: {
  user: User;
  relationshipId: string;
  appointmentId: string;
}) {
  const page = useRelationshipPage(relationshipId);
  const [saved, setSaved] = useState<Checkin | null>(null);

  if (page.isPending) return <p className="quiet">Loading…</p>;
  if (page.isError) {
    return (
      <Page title="Check-in" heading="We couldn't load this check-in">
        <p>{page.error.message}</p>
      </Page>
    );
  }
  const appointment = page.data.appointments.find((a) => a.id === appointmentId);
  if (!appointment) return <NoSuchSession />;
  const mine =
    saved ??
    page.data.checkins.find((c) => c.appointmentId === appointmentId && c.respondent === user.role);
  if (mine) {
    return (
      <Done
        page={page.data}
        appointment={appointment}
        checkin={mine}
        role={user.role}
        justSaved={saved !== null}
      />
    );
  }
  if (
    new Date(appointment.startsAt).getTime() > Date.now() ||
    appointment.status === 'cancelled' ||
    appointment.status === 'missed'
  ) {
    return <NotYet page={page.data} appointment={appointment} />;
  }
  return (
    <CheckInForm
      user={user}
      page={page.data}
      appointment={appointment}
      onSaved={(checkin) => setSaved(checkin)}
    />
  );
}

function otherName(page: RelationshipPage, role: User['role']): string {
  return role === 'client' ? page.relationship.therapistName : page.clientName;
}

function NotYet({ page, appointment }: { page: RelationshipPage; appointment: Appointment }) {
  const future = new Date(appointment.startsAt).getTime() > Date.now();
  return (
    <Page title="Check-in" heading="This check-in isn't open">
      <p>
        {future
          ? `This session is on ${longDate(appointment.startsAt)}. The check-in opens once it has happened.`
          : `This session is marked as ${appointment.status}, so there is nothing to check in about. If it did happen, you can mark it as held in the schedule.`}
      </p>
      <p>
        <Link to={`/relationships/${page.relationship.id}?tab=schedule`}>Go to the schedule</Link>
      </p>
    </Page>
  );
}

function Done({
  page,
  appointment,
  checkin,
  role,
  justSaved,
}: {
  page: RelationshipPage;
  appointment: Appointment;
  checkin: Checkin;
  role: User['role'];
  justSaved: boolean;
}) {
  const other = otherName(page, role);
  const whoSees =
    role === 'therapist'
      ? `${other} can see it.`
      : checkin.shared && page.relationship.mode === 'connected'
        ? `It is shared with ${other}.`
        : 'Only you can see it.';
  return (
    <Page
      title="Check-in"
      heading={justSaved ? 'Thank you. Your check-in is saved.' : 'You already filled this in'}
      focusHeading={justSaved}
    >
      <p className="lead">
        {justSaved ? '' : 'Thank you for checking in. '}
        Your check-in for {longDate(appointment.startsAt)} adds up to {checkin.score} of {SCORE_MAX}
        ; tension: {tensionInWords(checkin.tension, checkin.resolved).toLowerCase()}. {whoSees}
      </p>
      {role === 'client' && page.relationship.mode === 'connected' ? (
        <p>You can change who sees it from the timeline whenever you like.</p>
      ) : null}
      <p className="actions">
        <Link className="button button-primary" to={`/relationships/${page.relationship.id}`}>
          See your timeline
        </Link>
        <Link className="button button-quiet" to="/">
          Back to Today
        </Link>
      </p>
    </Page>
  );
}

function CheckInForm({
  user,
  page,
  appointment,
  onSaved,
}: {
  user: User;
  page: RelationshipPage;
  appointment: Appointment;
  onSaved: (checkin: Checkin) => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Checkin>({ describe });
  const [draft, setDraft, clearDraft, restored] = useLocalDraft<Draft>(
    `checkin:${user.id}:${appointment.id}`,
    EMPTY,
    isDraft,
  );

  const isClient = user.role === 'client';
  const connected = page.relationship.mode === 'connected';
  const other = otherName(page, user.role);
  const shared = isClient ? (draft.shared ?? connected) : true;
  const tensionMessage = checks.message(tensionRule, draft.tension) ?? submit.fieldErrors.tension;

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([tensionRule(draft.tension)]) || draft.tension === null) return;
    const tension = draft.tension;
    const result = await submit.run(() =>
      createCheckin(appointment.id, {
        bond: draft.bond,
        goals: draft.goals,
        method: draft.method,
        overall: draft.overall,
        tension,
        ...(tension > 0 && draft.resolved !== null ? { resolved: draft.resolved } : {}),
        ...(draft.note.trim() ? { note: draft.note } : {}),
        ...(isClient ? { shared: connected && shared } : {}),
      }),
    );
    if (result.ok) {
      clearDraft();
      // Checking in says the session happened; the form said so before saving.
      if (appointment.status === 'scheduled') {
        await updateAppointment(appointment.id, { status: 'held' }).catch(() => undefined);
      }
      await refresh(queryClient, page.relationship.id);
      onSaved(result.value);
      announce('Your check-in is saved.');
    } else {
      // On a conflict the form stays as it is, so nothing typed disappears from under the person.
      checks.focusFirstInvalid();
    }
  }

  const lowWords = 'not at all';
  const highWords = 'completely';

  return (
    <Page title="Check-in" heading={howDidItFeel(appointment.startsAt)}>
      <p className="lead">
        Your session with {other} on {longDate(appointment.startsAt)}. It takes about two minutes,
        and there are no right answers.
      </p>
      {restored ? (
        <p className="note">We kept what you started last time on this device. It's all here.</p>
      ) : null}
      <Form
        ref={formRef}
        className="form checkin-form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-label="Check-in"
      >
        <FormMessage message={submit.message}>
          {submit.error?.status === 409 ? (
            <>
              {' '}
              <Link to={`/relationships/${page.relationship.id}`}>See it in the timeline</Link>
            </>
          ) : null}
        </FormMessage>
        <fieldset className="checkin-items">
          <legend className="field-label">How true is each of these?</legend>
          {ITEMS.map((item) => (
            <ScaleSlider
              key={item}
              label={itemWording(item, user.role, page.clientName)}
              value={draft[item]}
              onChange={(value) => set(item, value)}
              lowWords={lowWords}
              highWords={highWords}
            />
          ))}
        </fieldset>

        <RadioGroup
          name="tension"
          className="field choice-group"
          isRequired
          value={draft.tension === null ? null : String(draft.tension)}
          onChange={(value) => {
            const tension = Number(value);
            setDraft((current) => ({
              ...current,
              tension,
              resolved: tension === 0 ? null : current.resolved,
            }));
            submit.clearFieldError('tension');
          }}
          isInvalid={tensionMessage !== undefined && tensionMessage !== null}
        >
          <Label className="field-label">{TENSION_QUESTION}</Label>
          <div className="choice-row">
            {TENSION_WORDS.map((words, value) => (
              <Choice key={words} value={String(value)} title={words} compact />
            ))}
          </div>
          <FieldError className="field-error">{tensionMessage}</FieldError>
        </RadioGroup>

        {draft.tension !== null && draft.tension > 0 ? (
          <RadioGroup
            name="resolved"
            className="field choice-group"
            value={draft.resolved === null ? null : String(draft.resolved)}
            onChange={(value) => set('resolved', Number(value))}
          >
            <Label className="field-label">{EASED_QUESTION}</Label>
            <Text slot="description" className="field-description">
              Skip this if you're not sure.
            </Text>
            <div className="choice-row">
              {EASED_WORDS.map((words, value) => (
                <Choice key={words} value={String(value)} title={words} compact />
              ))}
            </div>
          </RadioGroup>
        ) : null}

        <TextField
          name="note"
          className="field"
          value={draft.note}
          onChange={(value) => set('note', value)}
        >
          <Label className="field-label">Anything else? (optional)</Label>
          <Text slot="description" className="field-description">
            Kept on this device as you type, until you save.
          </Text>
          <TextArea className="field-input field-textarea" rows={4} />
          <FieldError className="field-error" />
        </TextField>

        {isClient && connected ? (
          <RadioGroup
            name="shared"
            className="field choice-group"
            value={shared ? 'shared' : 'private'}
            onChange={(value) => set('shared', value === 'shared')}
          >
            <Label className="field-label">Who will see this check-in?</Label>
            <Choice value="shared" title={`Share with ${other}`}>
              {other} will see your answers and your note. You can stop sharing it later.
            </Choice>
            <Choice value="private" title="Keep private">
              Only you will see it. {other} won't know it exists. You can share it later.
            </Choice>
          </RadioGroup>
        ) : null}
        {isClient && !connected ? (
          <p className="note">
            Only you will see this check-in: {other} isn't connected to Attune. If you connect
            later, it stays private unless you choose to share it.
          </p>
        ) : null}
        {!isClient ? <p className="note">{other} will be able to see your check-in.</p> : null}

        {appointment.status === 'scheduled' ? (
          <p className="quiet small">Saving also marks this session as held.</p>
        ) : null}
        <p className="quiet small">{NOT_A_TEST}</p>

        <Button type="submit" className="button button-primary">
          {submit.pending
            ? 'Saving…'
            : isClient && connected && shared
              ? `Save and share with ${other}`
              : isClient
                ? 'Save, just for me'
                : 'Save check-in'}
        </Button>
      </Form>
    </Page>
  );
}
