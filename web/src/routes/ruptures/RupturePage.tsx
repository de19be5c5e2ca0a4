import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { User } from '../../api/auth';
import { ApiError } from '../../api/client';
import { type RelationshipPage, useRelationshipPage } from '../../api/relationships';
import {
  addRepair,
  deleteRupture,
  REPAIR_KINDS,
  type Repair,
  type RepairKind,
  RUPTURE_STATUSES,
  type Rupture,
  type RuptureStatus,
  refreshRuptures,
  updateRepair,
  updateRupture,
  useRupture,
  useRupturePreview,
} from '../../api/ruptures';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { SelectField } from '../../components/SelectField';
import { SignedIn } from '../../components/SignedIn';
import { longDate, shortDate } from '../../words';
import { GoodMoments } from '../relationship/GoodMoments';
import { RuptureRecord } from './RuptureRecord';
import { DEFENSIVE_WORDS, HEARD_WORDS, repairWords, STATUS_WORDS } from './ruptureWords';
import { dayOf, todayIso } from './useRuptureDraft';
import './ruptures.css';

/**
 * A choice that saves as soon as it changes (a native select). The new choice shows at once
 * instead of jumping back while Attune saves, and when choices come quickly (arrow keys on a
 * closed select change it at every press) only the newest waits behind the one being saved: the
 * last choice made is the one Attune keeps.
 */
function useSavedChoice<T>(saved: T, save: (value: T) => Promise<unknown>) {
  const [chosen, setChosen] = useState<{ value: T } | null>(null);
  const saveRef = useRef(save);
  saveRef.current = save;
  const queued = useRef<{ value: T } | null>(null);
  const running = useRef(false);
  const choose = async (value: T) => {
    setChosen({ value });
    queued.current = { value };
    if (running.current) return;
    running.current = true;
    try {
      while (queued.current) {
        const next = queued.current;
        queued.current = null;
        await saveRef.current(next.value);
      }
    } finally {
      running.current = false;
      // What Attune has from here on: the saved choice, or the earlier one if saving failed.
      setChosen(null);
    }
  };
  return [chosen ? chosen.value : saved, choose] as const;
}

/** Moves focus to the element that replaced the control just used, once it is on the page. */
function useFocusAfter<K extends string>(targets: Record<K, { current: HTMLElement | null }>) {
  const [target, setTarget] = useState<K | null>(null);
  useEffect(() => {
    if (!target) return;
    const element = targets[target].current;
    if (element) {
      element.focus();
      setTarget(null);
    }
  });
  return setTarget;
}

export default function RupturePageRoute() {
  return <SignedIn>{(user) => <RuptureScreen user={user} />}</SignedIn>;
}

function RuptureScreen({ user }: { user: User }) {
  const { id = '' } = useParams();
  const rupture = useRupture(id);
  const page = useRelationshipPage(rupture.data?.relationshipId ?? '');
  if (rupture.isError || page.isError) {
    const error = rupture.error ?? page.error;
    if (error instanceof ApiError && error.status === 404) {
      return (
        <Page title="Not found" heading="We couldn't find this">
          <p>It may have been removed, made private again, or the link is not quite right.</p>
          <p>
            <Link to="/">Go to Today</Link>
          </p>
        </Page>
      );
    }
    return (
      <Page title="Rupture" heading="This page didn't load">
        <p>{error?.message}</p>
      </Page>
    );
  }
  if (rupture.isPending || page.isPending) return <p className="quiet">Loading…</p>;
  return <RuptureView rupture={rupture.data} page={page.data} viewer={user.role} />;
}

function RuptureView({
  rupture,
  page,
  viewer,
}: {
  rupture: Rupture;
  page: RelationshipPage;
  viewer: User['role'];
}) {
  const therapist = page.relationship.therapistName;
  const client = page.clientName;
  const relationshipLink = `/relationships/${rupture.relationshipId}?tab=ruptures`;
  const working = rupture.status === 'open' || rupture.status === 'repairing';
  return (
    <Page title={rupture.title}>
      <p className="quiet">
        {longDate(rupture.occurredAt)} · {STATUS_WORDS[rupture.status]}
        {viewer === 'therapist' ? ` · shared by ${client}` : ''}
      </p>
      <p>
        <Link to={relationshipLink}>
          Back to {viewer === 'client' ? `you and ${therapist}` : `you and ${client}`}
        </Link>
      </p>
      {viewer === 'client' ? (
        <>
          <SharingPanel rupture={rupture} page={page} />
          <p className="actions">
            <Link
              className="button button-quiet"
              to={`/relationships/${rupture.relationshipId}/ruptures/write?rupture=${rupture.id}`}
            >
              Continue writing
            </Link>
            <Link
              className="button button-quiet"
              to={`/letters/new?relationship=${rupture.relationshipId}&rupture=${rupture.id}`}
            >
              Write a letter about this
            </Link>
          </p>
        </>
      ) : (
        <p className="note">
          {client} chose to share this with you. These are {client}'s words; you can add what you do
          toward repair.
        </p>
      )}
      <section aria-labelledby="record-heading" className="card">
        <h2 id="record-heading">The record</h2>
        <RuptureRecord rupture={rupture} therapist={therapist} viewer={viewer} />
      </section>
      {viewer === 'client' ? <StatusPanel rupture={rupture} /> : null}
      <RepairSteps rupture={rupture} page={page} viewer={viewer} />
      {viewer === 'client' && working ? (
        <GoodMoments relationshipId={rupture.relationshipId} therapistName={therapist} compact />
      ) : null}
      {viewer === 'client' ? <Reflection rupture={rupture} therapist={therapist} /> : null}
      {viewer === 'client' && rupture.status === 'repaired' ? (
        <ShareStory rupture={rupture} />
      ) : null}
      {viewer === 'client' ? <RemoveRecord rupture={rupture} therapist={therapist} /> : null}
    </Page>
  );
}

function SharingPanel({ rupture, page }: { rupture: Rupture; page: RelationshipPage }) {
  const therapist = page.relationship.therapistName;
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [previewing, setPreviewing] = useState(false);
  const preview = useRupturePreview(rupture.id, previewing);
  const submit = useSubmit<Rupture>();
  const stopRef = useRef<HTMLButtonElement>(null);
  const shareRef = useRef<HTMLButtonElement>(null);
  const previewRef = useRef<HTMLHeadingElement>(null);
  // Each of these buttons is replaced by what it opens: focus follows, instead of being lost.
  const focusAfter = useFocusAfter({ stop: stopRef, share: shareRef, preview: previewRef });
  const change = async (visibility: 'private' | 'shared') => {
    const result = await submit.run(() => updateRupture(rupture.id, { visibility }));
    if (!result.ok) return;
    // Focus moves as soon as the new state is on the page, in the same commit.
    focusAfter(visibility === 'shared' ? 'stop' : 'share');
    setPreviewing(false);
    await refreshRuptures(queryClient, rupture.relationshipId);
    announce(
      visibility === 'shared'
        ? `Shared with ${therapist}.`
        : `Private again. ${therapist} can no longer see it.`,
    );
  };

  if (page.relationship.mode !== 'connected') {
    return (
      <p className="sharing-state">Only you can see this. {therapist} isn't connected to Attune.</p>
    );
  }
  if (rupture.visibility === 'shared') {
    return (
      <section aria-label="Sharing" className="sharing-state">
        <p>
          Shared with {therapist}
          {rupture.sharedAt ? ` since ${shortDate(rupture.sharedAt)}` : ''}. {therapist} sees the
          record and the repair steps, not your parts.
        </p>
        <button
          ref={stopRef}
          type="button"
          className="button button-quiet button-small"
          aria-disabled={submit.pending || undefined}
          onClick={() => {
            if (!submit.pending) void change('private');
          }}
        >
          Stop sharing
        </button>
        <FormMessage message={submit.message} />
      </section>
    );
  }
  return (
    <section aria-label="Sharing" className="sharing-state">
      <p>Private: only you can see this.</p>
      {previewing ? (
        <div className="preview">
          <h2 ref={previewRef} tabIndex={-1}>
            What {therapist} will see
          </h2>
          {preview.isPending ? (
            <p className="quiet">Loading the preview…</p>
          ) : preview.isError ? (
            <p>{preview.error.message}</p>
          ) : (
            <RuptureRecord rupture={preview.data} therapist={therapist} viewer="therapist" />
          )}
          <p className="quiet small">
            Plus the repair steps ({rupture.repairs.length}) and your answers about them. Your parts
            are not shared. You can stop sharing at any time.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button-primary"
              disabled={submit.pending || !preview.data}
              onClick={() => void change('shared')}
            >
              Share it with {therapist}
            </button>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setPreviewing(false);
                focusAfter('share');
              }}
            >
              Not now
            </button>
          </div>
        </div>
      ) : (
        <button
          ref={shareRef}
          type="button"
          className="button button-quiet button-small"
          onClick={() => {
            setPreviewing(true);
            focusAfter('preview');
          }}
        >
          Share with {therapist}…
        </button>
      )}
      <FormMessage message={submit.message} />
    </section>
  );
}

function StatusPanel({ rupture }: { rupture: Rupture }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const submit = useSubmit<Rupture>();
  const [status, choose] = useSavedChoice(rupture.status, async (status: RuptureStatus) => {
    const result = await submit.run(() => updateRupture(rupture.id, { status }));
    if (!result.ok) return;
    await refreshRuptures(queryClient, rupture.relationshipId);
    announce(`Marked as ${STATUS_WORDS[status].toLowerCase()}.`);
  });
  return (
    <section aria-labelledby="status-heading" className="card">
      <h2 id="status-heading">Where it is now</h2>
      <SelectField
        label="Status"
        description={`Only you decide this. When you add the first step toward repair, Attune moves a record that is still open to "${STATUS_WORDS.repairing}"; you can change it back.`}
        value={status}
        options={RUPTURE_STATUSES.map((s) => ({ value: s, label: STATUS_WORDS[s] }))}
        onChange={(value) => void choose(value as RuptureStatus)}
      />
      <FormMessage message={submit.message} />
    </section>
  );
}

function RepairSteps({
  rupture,
  page,
  viewer,
}: {
  rupture: Rupture;
  page: RelationshipPage;
  viewer: User['role'];
}) {
  const therapist = page.relationship.therapistName;
  return (
    <section aria-labelledby="repairs-heading" className="card">
      <h2 id="repairs-heading">Steps toward repair</h2>
      {rupture.repairs.length === 0 ? (
        <p className="empty">
          {viewer === 'client'
            ? 'Nothing yet. Repair can be talking it out, writing it out, waiting it out or feeling it out.'
            : 'Nothing yet.'}
        </p>
      ) : (
        <ol className="repair-list">
          {rupture.repairs.map((repair) => (
            <RepairEntry
              key={repair.id}
              repair={repair}
              rupture={rupture}
              page={page}
              viewer={viewer}
            />
          ))}
        </ol>
      )}
      <AddRepair rupture={rupture} therapist={therapist} client={page.clientName} viewer={viewer} />
    </section>
  );
}

function RepairEntry({
  repair,
  rupture,
  page,
  viewer,
}: {
  repair: Repair;
  rupture: Rupture;
  page: RelationshipPage;
  viewer: User['role'];
}) {
  const therapist = page.relationship.therapistName;
  const writer =
    repair.writtenBy === viewer
      ? 'you'
      : repair.writtenBy === 'therapist'
        ? therapist
        : page.clientName;
  return (
    <li className="repair-entry">
      <p>
        <strong>{repairWords(repair.kind, viewer === 'client' ? therapist : 'You')}</strong>
        <span className="quiet">
          {' '}
          · {shortDate(repair.at)} · written down by {writer}
        </span>
      </p>
      {repair.note ? <p className="repair-note">{repair.note}</p> : null}
      {viewer === 'client' ? (
        <Ratings repair={repair} rupture={rupture} therapist={therapist} />
      ) : repair.feltHeard !== null || repair.defensiveness !== null ? (
        <p className="quiet small">
          {page.clientName}'s answers:
          {repair.feltHeard !== null ? ` felt heard ${repair.feltHeard} of 4.` : ''}
          {repair.defensiveness !== null ? ` Defensive ${repair.defensiveness} of 4.` : ''}
        </p>
      ) : null}
    </li>
  );
}

const scaleOptions = (words: string[]) => [
  { value: '', label: 'No answer' },
  ...words.map((w, i) => ({ value: String(i), label: `${i} · ${w}` })),
];

function Ratings({
  repair,
  rupture,
  therapist,
}: {
  repair: Repair;
  rupture: Rupture;
  therapist: string;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const submit = useSubmit<Repair>();
  const rate = async (change: { feltHeard?: number | null; defensiveness?: number | null }) => {
    const result = await submit.run(() => updateRepair(repair.id, change));
    if (!result.ok) return;
    await refreshRuptures(queryClient, rupture.relationshipId);
    announce('Answer saved.');
  };
  const asValue = (n: number | null) => (n === null ? '' : String(n));
  const asNumber = (v: string) => (v === '' ? null : Number(v));
  const [heard, chooseHeard] = useSavedChoice(asValue(repair.feltHeard), (v: string) =>
    rate({ feltHeard: asNumber(v) }),
  );
  const [defensive, chooseDefensive] = useSavedChoice(asValue(repair.defensiveness), (v: string) =>
    rate({ defensiveness: asNumber(v) }),
  );
  return (
    <div className="ratings">
      {/* Who sees the answers is said before they are given. */}
      <p className="quiet small ratings-note">
        {rupture.visibility === 'shared'
          ? `If you like: your answers are part of the shared record, so ${therapist} can see them.`
          : `If you like: your answers stay with you unless you share this record.`}
      </p>
      <SelectField
        label="Did you feel heard?"
        value={heard}
        options={scaleOptions(HEARD_WORDS)}
        onChange={(v) => void chooseHeard(v)}
      />
      <SelectField
        label={`Was ${therapist} defensive?`}
        value={defensive}
        options={scaleOptions(DEFENSIVE_WORDS)}
        onChange={(v) => void chooseDefensive(v)}
      />
      <FormMessage message={submit.message} />
    </div>
  );
}

const THERAPIST_KINDS: readonly RepairKind[] = REPAIR_KINDS.filter((k) =>
  k.startsWith('therapist-'),
);

function AddRepair({
  rupture,
  therapist,
  client,
  viewer,
}: {
  rupture: Rupture;
  therapist: string;
  client: string;
  viewer: User['role'];
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const submit = useSubmit<Repair>();
  const [kind, setKind] = useState<RepairKind>(
    viewer === 'therapist' ? 'therapist-apologized' : 'talked-in-session',
  );
  const [by, setBy] = useState<'client' | 'therapist'>(viewer);
  const [day, setDay] = useState(todayIso());
  const [note, setNote] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const effectiveBy = THERAPIST_KINDS.includes(kind) ? 'therapist' : by;
  const label = (k: RepairKind) => repairWords(k, viewer === 'client' ? therapist : 'I');

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const [y, m, d] = day.split('-').map(Number);
    const at =
      day === todayIso() || !y || !m || !d
        ? new Date().toISOString()
        : new Date(y, m - 1, d, 12).toISOString();
    const result = await submit.run(() =>
      addRepair(rupture.id, { at, kind, by: effectiveBy, note: note.trim() ? note : null }),
    );
    if (!result.ok) return;
    setNote('');
    await refreshRuptures(queryClient, rupture.relationshipId);
    announce('Step added.');
  };

  return (
    <form className="form form-tight add-repair" onSubmit={(e) => void onSubmit(e)}>
      <h3>Add a step</h3>
      <SelectField
        label="What happened toward repair?"
        value={kind}
        options={REPAIR_KINDS.map((k) => ({ value: k, label: label(k) }))}
        onChange={(v) => setKind(v as RepairKind)}
      />
      {THERAPIST_KINDS.includes(kind) ? null : (
        <SelectField
          label="Who did it?"
          value={by}
          options={[
            { value: 'client', label: viewer === 'client' ? 'I did' : 'They did' },
            { value: 'therapist', label: viewer === 'client' ? therapist : 'I did' },
          ]}
          onChange={(v) => setBy(v === 'therapist' ? 'therapist' : 'client')}
        />
      )}
      <div className="field">
        <label className="field-label" htmlFor={`repair-day-${rupture.id}`}>
          When
        </label>
        <input
          id={`repair-day-${rupture.id}`}
          type="date"
          className="field-input"
          value={day}
          max={todayIso()}
          min={dayOf(rupture.occurredAt)}
          onChange={(e) => setDay(e.currentTarget.value || todayIso())}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor={`repair-note-${rupture.id}`}>
          A note (if you like)
        </label>
        <textarea
          id={`repair-note-${rupture.id}`}
          ref={noteRef}
          className="field-input field-textarea"
          rows={3}
          value={note}
          maxLength={100_000}
          onChange={(e) => setNote(e.currentTarget.value)}
        />
      </div>
      <p className="quiet small">
        {viewer === 'therapist'
          ? `${client} sees this step and can say whether they felt heard.`
          : rupture.visibility === 'shared'
            ? `${therapist} sees the steps too, because you shared this record.`
            : 'Only you see the steps unless you share this record.'}
      </p>
      <button type="submit" className="button button-primary" disabled={submit.pending}>
        Add the step
      </button>
      <FormMessage message={submit.message} />
    </form>
  );
}

function Reflection({ rupture, therapist }: { rupture: Rupture; therapist: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const key = `attune:rupture-reflection:${rupture.id}`;
  const [text, setText] = useState(() => {
    try {
      return window.localStorage.getItem(key) ?? rupture.reflection ?? '';
    } catch {
      return rupture.reflection ?? '';
    }
  });
  const submit = useSubmit<Rupture>();
  const unsaved = text !== (rupture.reflection ?? '');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const result = await submit.run(() =>
      updateRupture(rupture.id, { reflection: text.trim() ? text : null }),
    );
    if (!result.ok) return;
    try {
      window.localStorage.removeItem(key);
    } catch {
      // fine
    }
    await refreshRuptures(queryClient, rupture.relationshipId);
    announce('Reflection saved.');
  };
  return (
    <section aria-labelledby="reflection-heading" className="card">
      <h2 id="reflection-heading">Looking back</h2>
      <form className="form form-tight" onSubmit={(e) => void save(e)}>
        <div className="field">
          <label className="field-label" htmlFor="reflection">
            What do you make of it now?
          </label>
          <span id="reflection-description" className="field-description">
            Whenever you are ready; it is kept on this device as you type.{' '}
            {rupture.visibility === 'shared'
              ? `Once you save it, ${therapist} can see it too, because you shared this record.`
              : 'Once you save it, it is part of the record, which only you can see.'}
          </span>
          <textarea
            id="reflection"
            aria-describedby="reflection-description"
            className="field-input field-textarea"
            rows={5}
            value={text}
            maxLength={100_000}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setText(next);
              try {
                window.localStorage.setItem(key, next);
              } catch {
                // fine
              }
            }}
          />
        </div>
        <button
          type="submit"
          className="button button-primary"
          disabled={submit.pending || !unsaved}
        >
          Save reflection
        </button>
        <FormMessage message={submit.message} />
      </form>
    </section>
  );
}

function RemoveRecord({ rupture, therapist }: { rupture: Rupture; therapist: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [confirming, setConfirming] = useState(false);
  const submit = useSubmit<void>();
  const openRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLParagraphElement>(null);
  const focusAfter = useFocusAfter({ open: openRef, ask: askRef });
  if (!confirming) {
    return (
      <p>
        <button
          ref={openRef}
          type="button"
          className="button button-quiet button-small"
          onClick={() => {
            setConfirming(true);
            focusAfter('ask');
          }}
        >
          Remove this record…
        </button>
      </p>
    );
  }
  return (
    <section className="card" aria-label="Remove this record">
      <p ref={askRef} tabIndex={-1}>
        This removes the record and its repair steps for good
        {rupture.visibility === 'shared' ? `, also from what ${therapist} sees` : ''}. Letters you
        wrote from it stay.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button button-primary"
          disabled={submit.pending}
          onClick={async () => {
            const result = await submit.run(() => deleteRupture(rupture.id));
            if (!result.ok) return;
            await refreshRuptures(queryClient, rupture.relationshipId);
            announce('Removed.');
            navigate(`/relationships/${rupture.relationshipId}?tab=ruptures`);
          }}
        >
          Remove it
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            setConfirming(false);
            focusAfter('open');
          }}
        >
          Keep it
        </button>
      </div>
      <FormMessage message={submit.message} />
    </section>
  );
}

/**
 * A repaired rupture can help someone else: this opens the community's ask form with a draft made
 * from the record, on this device only, for the person to edit. Nothing is posted from here.
 */
function ShareStory({ rupture }: { rupture: Rupture }) {
  return (
    <section aria-labelledby="share-story-heading" className="card">
      <h2 id="share-story-heading">Could your story help someone?</h2>
      <p>
        You can share how this went with the community, under your pseudonym. You get a draft from
        this record to change as you like; nothing is posted until you choose to. Please take out
        names, your therapist's and anyone else's.
      </p>
      <p>
        <Link to={`/community/ask?story=${encodeURIComponent(rupture.id)}`}>
          Share this with the community
        </Link>
      </p>
    </section>
  );
}
