import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  Heading,
  Label,
  Modal,
  ModalOverlay,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Link, useLocation } from 'react-router';
import type { ApiError } from '../../api/client';
import {
  createGoodMoment,
  deleteGoodMoment,
  type GoodMoment,
  momentKeys,
  refreshGoodMoments,
  updateGoodMoment,
  useGoodMoments,
} from '../../api/moments';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { useLocalDraft } from '../../components/useLocalDraft';
import { longDate } from '../../words';
import './moments.css';

/** "2025-11-03": the day of `date` in this device's time zone, as a date field shows it. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Moves focus to an element by id once the screen has caught up: after the list has changed,
 * and after a closing dialog has put focus back where it was opened from, when it does.
 */
export function useFocusLater(): (id: string) => void {
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (target === null) return;
    const frame = requestAnimationFrame(() => {
      document.getElementById(target)?.focus();
      setTarget(null);
    });
    return () => cancelAnimationFrame(frame);
  }, [target]);
  return setTarget;
}

/** How many the compact list (beside a rupture) shows. */
const COMPACT_COUNT = 3;

const textRule = (value: string) => (value.trim() === '' ? 'Please write what went well.' : null);
const dateRule = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'Please choose the day it happened.';
  return value > localDay(new Date()) ? 'Please choose today or a day before.' : null;
};

/** The server names `at`; the screen calls it the date. */
const fieldsFor = (error: ApiError) => {
  const fields = { ...error.fields };
  if (fields.at) fields.date = fields.at;
  return fields;
};
const describe = (error: ApiError) => (Object.keys(error.fields).length > 0 ? '' : null);

const isText = (value: unknown): value is string => typeof value === 'string';

/** The day chosen, as a time: now when it is today (so it sorts first), else midday. */
function dayToIso(day: string): string {
  if (day === localDay(new Date())) return new Date().toISOString();
  return new Date(`${day}T12:00`).toISOString();
}

type Props = {
  relationshipId: string;
  therapistName: string;
  /** Beside a rupture: the latest few, a link to all of them, and a small form to add one. */
  compact?: boolean;
  /** The level of the section's heading, to fit the page it is placed in. */
  headingLevel?: 2 | 3;
};

/** What went well with the therapist, kept to hold onto: the client's own, never shared. */
export function GoodMoments({
  relationshipId,
  therapistName,
  compact = false,
  headingLevel = 2,
}: Props) {
  const moments = useGoodMoments(relationshipId);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusLater = useFocusLater();
  const location = useLocation();
  const arrived = useRef(false);
  const Heading2or3 = headingLevel === 3 ? 'h3' : 'h2';
  const items = moments.data ?? [];
  const shown = compact ? items.slice(0, COMPACT_COUNT) : items;

  // Arriving from "All good moments": bring the list into view and start reading there. Later
  // than the page's own focus on its main heading, which it moves when a page opens.
  useEffect(() => {
    if (compact || arrived.current || !moments.isSuccess) return;
    if (location.hash !== '#good-moments') return;
    arrived.current = true;
    const timer = window.setTimeout(() => headingRef.current?.focus(), 50);
    return () => window.clearTimeout(timer);
  }, [compact, moments.isSuccess, location.hash]);

  return (
    // The page places the "good-moments" anchor around the full list.
    <section
      aria-labelledby={headingId}
      className={compact ? 'good-moments good-moments-compact' : 'good-moments'}
    >
      <Heading2or3 id={headingId} ref={headingRef} tabIndex={-1} className="moments-heading">
        Things that went well with {therapistName}
      </Heading2or3>
      <p className="quiet small">Only you see this.</p>

      {moments.isPending ? <p className="quiet">Loading…</p> : null}
      {moments.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your good moments just now.</p>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void moments.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {moments.isSuccess && items.length === 0 ? (
        <p className="moments-empty">
          When something goes well — a moment you felt understood — you can keep it here to hold
          onto.
        </p>
      ) : null}
      {shown.length > 0 ? (
        <ul className="moment-list">
          {shown.map((moment) => (
            <MomentRow
              key={moment.id}
              moment={moment}
              editable={!compact}
              onRemoved={() => focusLater(headingId)}
              focusLater={focusLater}
            />
          ))}
        </ul>
      ) : null}
      {compact && items.length > 0 ? (
        <p>
          <Link to={`/relationships/${relationshipId}?tab=ruptures#good-moments`}>
            All good moments
          </Link>
          {items.length > COMPACT_COUNT ? (
            <span className="quiet"> ({items.length} in all)</span>
          ) : null}
        </p>
      ) : null}

      <AddGoodMoment relationshipId={relationshipId} compact={compact} />
    </section>
  );
}

function MomentRow({
  moment,
  editable,
  onRemoved,
  focusLater,
}: {
  moment: GoodMoment;
  editable: boolean;
  onRemoved: () => void;
  focusLater: (id: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const editId = `moment-edit-${moment.id}`;
  const when = longDate(moment.at);

  if (editing) {
    return (
      <li className="moment">
        <EditGoodMoment
          moment={moment}
          onDone={() => {
            setEditing(false);
            focusLater(editId);
          }}
        />
      </li>
    );
  }

  return (
    <li className="moment">
      <p className="moment-date">
        <time dateTime={moment.at}>{when}</time>
      </p>
      <p className="moment-text">{moment.text}</p>
      {editable ? (
        <div className="actions moment-actions">
          <button
            id={editId}
            type="button"
            className="button button-quiet button-small"
            onClick={() => setEditing(true)}
          >
            Edit<span className="visually-hidden"> the moment from {when}</span>
          </button>
          <RemoveGoodMoment moment={moment} when={when} onRemoved={onRemoved} />
        </div>
      ) : null}
    </li>
  );
}

function MomentFields({
  text,
  date,
  onText,
  onDate,
  checks,
  rows,
}: {
  text: string;
  date: string;
  onText: (value: string) => void;
  onDate: (value: string) => void;
  checks: ReturnType<typeof useFormChecks>;
  rows: number;
}) {
  return (
    <>
      <TextField
        name="text"
        className="field"
        isRequired
        value={text}
        onChange={onText}
        validate={checks.show(textRule)}
      >
        <Label className="field-label">What went well?</Label>
        <Text slot="description" className="field-description">
          A few words are enough.
        </Text>
        <TextArea className="field-input field-textarea moment-textarea" rows={rows} />
        <FieldError className="field-error" />
      </TextField>
      <div className="moment-date-field">
        <TextInput
          label="When"
          name="date"
          type="date"
          isRequired
          value={date}
          onChange={onDate}
          validate={checks.show(dateRule)}
        />
      </div>
    </>
  );
}

function AddGoodMoment({ relationshipId, compact }: { relationshipId: string; compact: boolean }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<GoodMoment>({ describe, fieldsFor });
  const headingId = useId();
  // What is typed survives a reload until it is kept.
  const [text, setText, clearText] = useLocalDraft(`good-moment:${relationshipId}`, '', isText);
  const [date, setDate] = useState(() => localDay(new Date()));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([textRule(text), dateRule(date)])) return;
    const result = await submit.run(() =>
      createGoodMoment(relationshipId, { at: dayToIso(date), text: text.trim() }),
    );
    if (result.ok) {
      queryClient.setQueryData<GoodMoment[]>(momentKeys.goodMoments(relationshipId), (current) =>
        current
          ? [result.value, ...current].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
          : current,
      );
      void refreshGoodMoments(queryClient, relationshipId);
      setText('');
      clearText();
      setDate(localDay(new Date()));
      checks.reset();
      announce('Added. It’s in your good moments.');
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <div className={compact ? 'moment-add moment-add-compact' : 'card moment-add'}>
      <h3 id={headingId} className={compact ? 'visually-hidden' : 'moment-add-heading'}>
        Keep a good moment
      </h3>
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby={headingId}
      >
        <FormMessage message={submit.message} />
        <MomentFields
          text={text}
          date={date}
          onText={(value) => {
            setText(value);
            submit.clearFieldError('text');
          }}
          onDate={(value) => {
            setDate(value);
            submit.clearFieldError('date');
          }}
          checks={checks}
          rows={compact ? 2 : 3}
        />
        <Button
          type="submit"
          className={
            compact ? 'button button-quiet button-small' : 'button button-primary button-small'
          }
        >
          {submit.pending ? 'Keeping…' : 'Keep this moment'}
        </Button>
      </Form>
    </div>
  );
}

function EditGoodMoment({ moment, onDone }: { moment: GoodMoment; onDone: () => void }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<GoodMoment>({ describe, fieldsFor });
  const startDay = localDay(new Date(moment.at));
  const [text, setText] = useState(moment.text);
  const [date, setDate] = useState(startDay);

  useEffect(() => {
    formRef.current?.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([textRule(text), dateRule(date)])) return;
    const result = await submit.run(() =>
      updateGoodMoment(moment.id, {
        text: text.trim(),
        // An unchanged day keeps the moment's own time.
        ...(date !== startDay ? { at: dayToIso(date) } : {}),
      }),
    );
    if (result.ok) {
      queryClient.setQueryData<GoodMoment[]>(
        momentKeys.goodMoments(moment.relationshipId),
        (current) =>
          current
            ?.map((m) => (m.id === moment.id ? result.value : m))
            .sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
      );
      void refreshGoodMoments(queryClient, moment.relationshipId);
      announce('Saved.');
      onDone();
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight moment-edit"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-label={`Edit the moment from ${longDate(moment.at)}`}
    >
      <FormMessage message={submit.message} />
      <MomentFields
        text={text}
        date={date}
        onText={(value) => {
          setText(value);
          submit.clearFieldError('text');
        }}
        onDate={(value) => {
          setDate(value);
          submit.clearFieldError('date');
        }}
        checks={checks}
        rows={3}
      />
      <div className="actions">
        <Button type="submit" className="button button-primary button-small">
          {submit.pending ? 'Saving…' : 'Save'}
        </Button>
        <Button className="button button-quiet button-small" onPress={onDone}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

function RemoveGoodMoment({
  moment,
  when,
  onRemoved,
}: {
  moment: GoodMoment;
  when: string;
  onRemoved: () => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function remove(close: () => void) {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await deleteGoodMoment(moment.id);
    } catch {
      setPending(false);
      setProblem("We couldn't remove it just now. Please try again.");
      return;
    }
    close();
    queryClient.setQueryData<GoodMoment[]>(
      momentKeys.goodMoments(moment.relationshipId),
      (current) => current?.filter((m) => m.id !== moment.id),
    );
    void refreshGoodMoments(queryClient, moment.relationshipId);
    announce('Removed.');
    onRemoved();
  }

  return (
    <DialogTrigger onOpenChange={() => setProblem(null)}>
      <Button className="button button-quiet button-small">
        Remove<span className="visually-hidden"> the moment from {when}</span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">Remove this moment?</Heading>
                <p className="moment-quote">{moment.text}</p>
                <p>What you wrote will be gone from Attune. This can't be undone.</p>
                {problem ? (
                  <p role="alert" className="form-message">
                    {problem}
                  </p>
                ) : null}
                <div className="dialog-actions">
                  <Button className="button button-quiet" onPress={close} autoFocus>
                    Keep it
                  </Button>
                  <Button className="button button-primary" onPress={() => void remove(close)}>
                    {pending ? 'Removing…' : 'Remove it'}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
