import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Checkbox,
  CheckboxGroup,
  Label,
  RadioGroup,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { User } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useParts } from '../../api/parts';
import type { MarkerKind, RelationshipPage } from '../../api/relationships';
import { useRelationshipPage } from '../../api/relationships';
import {
  RUPTURE_KINDS,
  type Rupture,
  refreshRuptures,
  updateRupture,
  useRupture,
  useRupturePreview,
} from '../../api/ruptures';
import { useAnnounce } from '../../components/Announcer';
import { Choice } from '../../components/Choice';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { TextInput } from '../../components/TextInput';
import { longDate } from '../../words';
import { RuptureRecord } from './RuptureRecord';
import { INTENSITY_WORDS, KIND_WORDS, RUPTURE_MEANING } from './ruptureWords';
import { dayOf, type Fields, type SaveState, todayIso, useRuptureDraft } from './useRuptureDraft';
import './ruptures.css';

const STEPS = [
  'What happened',
  'How it felt',
  'What it echoes',
  'Which parts',
  'What I need',
  'Private or shared',
] as const;
const LAST = STEPS.length - 1;
const MARKER_KINDS: readonly MarkerKind[] = [
  'drop',
  'tension',
  'unnoticed',
  'overdue-reply',
  'gap',
];

const stepKey = (id: string) => `attune:rupture-step:${id}`;

function rememberedStep(id: string | null): number {
  if (!id) return 0;
  try {
    const n = Number(window.localStorage.getItem(stepKey(id)));
    return Number.isInteger(n) && n >= 0 && n <= LAST ? n : 0;
  } catch {
    return 0;
  }
}

export default function RuptureFlowRoute() {
  return <SignedIn>{(user) => <RuptureFlowScreen user={user} />}</SignedIn>;
}

function RuptureFlowScreen({ user }: { user: User }) {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const ruptureId = search.get('rupture');
  const page = useRelationshipPage(id);
  const existing = useRupture(ruptureId ?? '');
  // The record is loaded once; after that the flow's own copy is the truth while writing.
  const [loaded] = useState(() => ruptureId);

  if (user.role !== 'client') return <NotYours />;
  // A copy of the record cached earlier (say, before the crisis page and back) may be older than
  // what was saved since; the flow starts from a fresh one, or it would save the old words back.
  const waiting =
    loaded && !existing.isError && (existing.isPending || !existing.isFetchedAfterMount);
  if (page.isPending || waiting) return <p className="quiet">Loading…</p>;
  if (page.isError || (loaded && existing.isError)) {
    const error = page.error ?? existing.error;
    if (error instanceof ApiError && error.status === 404) return <NotYours />;
    return (
      <Page title="Write about it" heading="This page didn't load">
        <p>{error?.message}</p>
      </Page>
    );
  }
  return <RuptureFlow page={page.data} rupture={loaded ? (existing.data ?? null) : null} />;
}

function NotYours() {
  return (
    <Page title="Not found" heading="We couldn't find this">
      <p>The link may be old, or it may belong to another account.</p>
      <p>
        <Link to="/">Go to Today</Link>
      </p>
    </Page>
  );
}

/** Who can see what is saved: only the client, unless this record is already shared. */
function whoSees(shared: boolean, therapist: string): string {
  return shared
    ? `You shared this record, so ${therapist} sees each change as it is saved.`
    : 'Only you can see it.';
}

function saveWords(state: SaveState, id: string | null, who: string): string {
  switch (state) {
    case 'saving':
      return 'Saving…';
    case 'saved':
      return `Saved. ${who}`;
    case 'offline':
      return "Kept on this device. It will save to Attune when you're back online.";
    case 'refused':
      return 'Kept on this device. A field above needs another look before it can be saved.';
    default:
      return id
        ? `Saved. ${who}`
        : 'Nothing is saved until you start writing. What you write stays private unless you choose to share it at the end.';
  }
}

/** The words of a marker's explanation, without the question it ends with. */
function statement(explanation: string): string {
  return explanation
    .split(/(?<=[.?])\s+/)
    .filter((sentence) => !sentence.trim().endsWith('?'))
    .join(' ');
}

function RuptureFlow({ page, rupture }: { page: RelationshipPage; rupture: Rupture | null }) {
  const relationshipId = page.relationship.id;
  const therapist = page.relationship.therapistName;
  const connected = page.relationship.mode === 'connected';
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const headingRef = useRef<HTMLHeadingElement>(null);

  const markerParam = search.get('marker') as MarkerKind | null;
  const appointmentParam = search.get('appointment');
  const fromAppointment = page.appointments.find((a) => a.id === appointmentParam);
  const marker = fromAppointment
    ? page.markers.find(
        (m) => m.appointmentId === fromAppointment.id && (!markerParam || m.kind === markerParam),
      )
    : undefined;
  const fromMarker = useMemo(
    () =>
      rupture || !fromAppointment
        ? undefined
        : {
            appointmentId: fromAppointment.id,
            ...(markerParam && MARKER_KINDS.includes(markerParam)
              ? { markerKind: markerParam }
              : {}),
          },
    [rupture, fromAppointment, markerParam],
  );

  const onCreated = useCallback(
    (created: Rupture) => {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('rupture', created.id);
          next.delete('marker');
          next.delete('appointment');
          return next;
        },
        { replace: true },
      );
      void refreshRuptures(queryClient, relationshipId);
    },
    [setSearch, queryClient, relationshipId],
  );

  const draft = useRuptureDraft({
    relationshipId,
    rupture,
    fromMarker,
    initialDay: fromAppointment ? dayOf(fromAppointment.startsAt) : todayIso(),
    onCreated,
  });
  const { fields, setFields, state, fieldErrors } = draft;
  // Whether the therapist already sees this record; changed only by finishing the flow.
  const [shared, setShared] = useState(rupture?.visibility === 'shared');
  const who = whoSees(shared, therapist);

  const requestedStep = Number(search.get('step'));
  const [step, setStepState] = useState(() =>
    search.has('step') && Number.isInteger(requestedStep) && requestedStep >= 1
      ? Math.min(requestedStep - 1, LAST)
      : rememberedStep(rupture?.id ?? null),
  );
  const firstRender = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new step is what moves focus.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);
  useEffect(() => {
    if (!draft.id) return;
    try {
      window.localStorage.setItem(stepKey(draft.id), String(step));
    } catch {
      // fine
    }
  }, [draft.id, step]);

  const goTo = (next: number) => {
    setStepState(next);
    setSearch(
      (current) => {
        const params = new URLSearchParams(current);
        params.set('step', String(next + 1));
        return params;
      },
      { replace: true },
    );
    if (draft.id || next > 0) void draft.save();
  };

  const [leaving, setLeaving] = useState<string | null>(null);
  const saveAndLeave = async () => {
    setLeaving(null);
    const ok = await draft.save();
    if (!ok) {
      setLeaving(
        "It couldn't be saved to Attune just now, so it is kept on this device. You can leave; it will be here when you come back on this device.",
      );
      return;
    }
    // Read after saving: this save may be the one that created the record.
    const id = draft.currentId();
    announce(
      id
        ? 'Saved. You can come back to it any time.'
        : 'Nothing was written yet, so there was nothing to save.',
    );
    navigate(id ? `/ruptures/${id}` : `/relationships/${relationshipId}?tab=ruptures`);
  };

  return (
    <Page title="Write about what happened">
      <p className="lead">
        {RUPTURE_MEANING} Every question can be skipped, and you can stop at any point.
      </p>
      <p>
        {shared
          ? `You shared this record with ${therapist}, so ${therapist} sees what you change here once it is saved. You can stop sharing at the last step.`
          : connected
            ? `It saves as you type and stays private. At the end you choose whether ${therapist} sees it, after seeing exactly what would be shared.`
            : `It saves as you type, and only you can see it: ${therapist} isn't connected to Attune.`}
      </p>
      <nav aria-label="Steps" className="flow-steps">
        <ol>
          {STEPS.map((name, i) => (
            <li key={name} aria-current={i === step ? 'step' : undefined}>
              <button
                type="button"
                className="flow-step"
                onClick={() => goTo(i)}
                aria-label={`Step ${i + 1} of ${STEPS.length}: ${name}`}
              >
                <span aria-hidden="true">{i + 1}</span>
                <span className="flow-step-name">{name}</span>
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <section aria-labelledby="step-heading" className="flow-card card">
        <h2 id="step-heading" ref={headingRef} tabIndex={-1}>
          <span className="quiet small">
            Step {step + 1} of {STEPS.length}
          </span>{' '}
          {STEPS[step]}
        </h2>
        <StepFields
          step={step}
          fields={fields}
          setFields={setFields}
          errors={fieldErrors}
          therapist={therapist}
          connected={connected}
          ruptureId={draft.id}
          shared={shared}
          fromMarker={
            fromMarker && fromAppointment
              ? {
                  day: fromAppointment.startsAt,
                  why: marker ? statement(marker.explanation) : null,
                }
              : null
          }
          flush={draft.save}
          onFinish={async (visibility) => {
            setLeaving(null);
            const saved = await draft.save();
            const id = draft.currentId();
            if (!saved || !id) {
              setLeaving(
                shared
                  ? "It couldn't be saved to Attune just now. Your words are kept on this device; nothing about the sharing has changed."
                  : "It couldn't be saved to Attune just now, so nothing was shared. Your words are kept on this device.",
              );
              return;
            }
            if ((visibility === 'shared') !== shared) {
              try {
                await updateRupture(id, { visibility });
              } catch {
                setLeaving(
                  visibility === 'shared'
                    ? `Your words are saved, but it couldn't be shared just now, so ${therapist} doesn't see it yet. Please try again in a moment.`
                    : `Your words are saved, but sharing couldn't be stopped just now, so ${therapist} can still see it. Please try again in a moment.`,
                );
                return;
              }
              setShared(visibility === 'shared');
            }
            await refreshRuptures(queryClient, relationshipId);
            announce(
              visibility === 'shared'
                ? `Saved and shared with ${therapist}.`
                : shared
                  ? `Saved. ${therapist} can no longer see it.`
                  : 'Saved. Only you can see it.',
            );
            navigate(`/ruptures/${id}`);
          }}
        />
        <div className="flow-nav">
          {step > 0 ? (
            <button type="button" className="button button-quiet" onClick={() => goTo(step - 1)}>
              Back
            </button>
          ) : null}
          {step < LAST ? (
            <button type="button" className="button button-primary" onClick={() => goTo(step + 1)}>
              Next
            </button>
          ) : null}
        </div>
      </section>
      <div className="flow-footer">
        <p role="status" className="save-state">
          {saveWords(state, draft.id, who)}
        </p>
        <button type="button" className="button button-quiet" onClick={() => void saveAndLeave()}>
          Save and come back later
        </button>
      </div>
      <FormMessage message={leaving} />
    </Page>
  );
}

type StepProps = {
  step: number;
  fields: Fields;
  setFields: (change: Partial<Fields>) => void;
  errors: Record<string, string>;
  therapist: string;
  connected: boolean;
  ruptureId: string | null;
  /** Whether the therapist already sees this record. */
  shared: boolean;
  /** When written from something Attune noticed: the session's day, and what was noticed. */
  fromMarker: { day: string; why: string | null } | null;
  flush: () => Promise<boolean>;
  onFinish: (visibility: 'private' | 'shared') => Promise<void>;
};

function LongText({
  label,
  description,
  value,
  onChange,
  error,
}: {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      className="field"
      isInvalid={Boolean(error)}
      maxLength={100_000}
    >
      <Label className="field-label">{label}</Label>
      {description ? (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      ) : null}
      <TextArea className="field-input field-textarea flow-textarea" rows={7} />
      {error ? (
        <Text slot="errorMessage" className="field-error">
          {error}
        </Text>
      ) : null}
    </TextField>
  );
}

function StepFields(props: StepProps) {
  const { step, fields, setFields, errors, therapist } = props;
  const kindGroup = useRef<HTMLDivElement>(null);
  switch (step) {
    case 0:
      return (
        <>
          {props.fromMarker ? (
            <p className="note">
              The date is the day of your session on {longDate(props.fromMarker.day)}
              {props.fromMarker.why
                ? `, because of what Attune noticed: ${props.fromMarker.why}`
                : ', where Attune noticed something.'}{' '}
              You can change it.
            </p>
          ) : null}
          <TextInput
            label="A few words to name it"
            description='For example "The shoes" or "The email that went unanswered".'
            value={fields.title}
            onChange={(title) => setFields({ title })}
            maxLength={200}
            validationBehavior="aria"
            validate={() => errors.title ?? null}
          />
          <div className="field">
            <label className="field-label" htmlFor="occurred-on">
              When it happened
            </label>
            <input
              id="occurred-on"
              type="date"
              className="field-input"
              value={fields.occurredOn}
              max={todayIso()}
              onChange={(e) => setFields({ occurredOn: e.currentTarget.value || todayIso() })}
            />
          </div>
          <LongText
            label="What happened"
            description="In your own words, as much or as little as you like."
            value={fields.whatHappened}
            onChange={(whatHappened) => setFields({ whatHappened })}
            error={errors.whatHappened}
          />
          <LongText
            label={`${therapist}'s side, as you understand it (if you like)`}
            value={fields.theirSide}
            onChange={(theirSide) => setFields({ theirSide })}
            error={errors.theirSide}
          />
        </>
      );
    case 1:
      return (
        <>
          <LongText
            label="How it felt for you"
            value={fields.myExperience}
            onChange={(myExperience) => setFields({ myExperience })}
            error={errors.myExperience}
          />
          <RadioGroup
            value={String(fields.intensity)}
            onChange={(v) => setFields({ intensity: Number(v) })}
            className="choice-group"
            orientation="horizontal"
          >
            <Label className="field-label">How strong was it?</Label>
            <Text slot="description" className="field-description">
              From 1 (a little) to 5 (very much). Starts in the middle; change it if you like.
            </Text>
            <div className="intensity-row">
              {[1, 2, 3, 4, 5].map((n) => (
                <Choice key={n} value={String(n)} title={`${n}`} compact>
                  {INTENSITY_WORDS[n]}
                </Choice>
              ))}
            </div>
          </RadioGroup>
          {/* null, not '': with a value no radio has, React Aria takes every radio out of the
              tab order and the group cannot be reached from the keyboard. */}
          <RadioGroup
            ref={kindGroup}
            value={fields.kind}
            onChange={(v) => setFields({ kind: v ? (v as Fields['kind']) : null })}
            className="choice-group"
          >
            <Label className="field-label">What did you do when it happened?</Label>
            <Text slot="description" className="field-description">
              There is no right answer. It can help to notice the shape it took.
            </Text>
            {RUPTURE_KINDS.map((kind) => (
              <Choice key={kind} value={kind} title={KIND_WORDS[kind].title}>
                {KIND_WORDS[kind].detail}
              </Choice>
            ))}
          </RadioGroup>
          {fields.kind ? (
            <p>
              <button
                type="button"
                className="button button-quiet button-small"
                onClick={() => {
                  setFields({ kind: null });
                  // The button goes away with the answer; focus goes back to the choices.
                  kindGroup.current?.querySelector('input')?.focus();
                }}
              >
                Leave this one unanswered
              </button>
            </p>
          ) : null}
        </>
      );
    case 2:
      return (
        <LongText
          label="Does it remind you of anything from before?"
          description="Sometimes a moment in therapy echoes something older: a parent, a school, another relationship. Only if it helps."
          value={fields.echoes}
          onChange={(echoes) => setFields({ echoes })}
          error={errors.echoes}
        />
      );
    case 3:
      return <PartsStep {...props} />;
    case 4:
      return (
        <LongText
          label="What do you need now?"
          description={`From ${therapist}, from yourself, or from the next session.`}
          value={fields.needs}
          onChange={(needs) => setFields({ needs })}
          error={errors.needs}
        />
      );
    default:
      return <ShareStep {...props} />;
  }
}

function PartsStep({ fields, setFields, errors }: StepProps) {
  const parts = useParts();
  if (parts.isPending) return <p className="quiet">Loading…</p>;
  const items = parts.data ?? [];
  if (items.length === 0) {
    return (
      <p>
        Some people notice different parts of themselves in moments like this. If that fits you, you
        can name them in <Link to="/parts">your parts</Link> and tag them here later. If it doesn't,
        skip this step.
      </p>
    );
  }
  return (
    <CheckboxGroup
      value={fields.partIds}
      onChange={(partIds) => setFields({ partIds })}
      className="choice-group"
      isInvalid={Boolean(errors.partIds)}
    >
      <Label className="field-label">Which parts of you were there?</Label>
      <Text slot="description" className="field-description">
        Only you see these, even if you share the record.
      </Text>
      {items.map((part) => (
        <Checkbox key={part.id} value={part.id} className="check">
          <span className="check-box" aria-hidden="true" />
          {part.name}
        </Checkbox>
      ))}
      {errors.partIds ? (
        <Text slot="errorMessage" className="field-error">
          {errors.partIds}
        </Text>
      ) : null}
    </CheckboxGroup>
  );
}

function ShareStep({ therapist, connected, ruptureId, shared, flush, onFinish }: StepProps) {
  // Starts from how things are now: a shared record is not made private by just finishing.
  const [choice, setChoice] = useState<'private' | 'shared'>(shared ? 'shared' : 'private');
  const [pending, setPending] = useState(false);
  // The preview is of what Attune has: everything typed is saved first.
  const [flushed, setFlushed] = useState(false);
  useEffect(() => {
    if (choice !== 'shared') return;
    let live = true;
    void flush().then((ok) => {
      if (live) setFlushed(ok);
    });
    return () => {
      live = false;
    };
  }, [choice, flush]);
  const preview = useRupturePreview(ruptureId ?? '', Boolean(ruptureId) && connected && flushed);
  const finish = async () => {
    setPending(true);
    try {
      await onFinish(choice);
    } finally {
      setPending(false);
    }
  };
  if (!connected) {
    return (
      <>
        <p>
          This stays yours: {therapist} isn't connected to Attune, so nobody else can see it. If
          {` ${therapist}`} joins you later, you can choose then whether to share it.
        </p>
        <button
          type="button"
          className="button button-primary"
          disabled={pending}
          onClick={() => void finish()}
        >
          Finish
        </button>
      </>
    );
  }
  return (
    <>
      <RadioGroup
        value={choice}
        onChange={(v) => setChoice(v === 'shared' ? 'shared' : 'private')}
        className="choice-group"
      >
        <Label className="field-label">Who should see this?</Label>
        <Choice value="private" title={shared ? 'Stop sharing it' : 'Keep it private'}>
          {shared
            ? `Only you. ${therapist} will no longer see it. You can share it again later.`
            : 'Only you. You can share it later, or never.'}
        </Choice>
        <Choice
          value="shared"
          title={shared ? `Keep sharing it with ${therapist}` : `Share it with ${therapist}`}
        >
          {therapist} will see exactly what is shown below, and can add steps toward repair. You can
          stop sharing at any time.
        </Choice>
      </RadioGroup>
      {choice === 'shared' ? (
        <section aria-labelledby="preview-heading" className="preview">
          <h3 id="preview-heading">What {therapist} will see</h3>
          {!ruptureId ? (
            <p>Write something first; then you can see what would be shared.</p>
          ) : !flushed || preview.isPending ? (
            <p className="quiet">Loading the preview…</p>
          ) : preview.isError ? (
            <p>{preview.error.message}</p>
          ) : (
            <RuptureRecord rupture={preview.data} therapist={therapist} viewer="therapist" />
          )}
          <p className="quiet small">Your parts are not shared.</p>
        </section>
      ) : null}
      <button
        type="button"
        className="button button-primary"
        disabled={pending || (choice === 'shared' && !preview.data)}
        onClick={() => void finish()}
      >
        {choice === 'shared'
          ? `Save and share with ${therapist}`
          : shared
            ? 'Save and stop sharing'
            : 'Save, just for me'}
      </button>
    </>
  );
}
