import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { Link } from 'react-router';
import type { ApiError } from '../../api/client';
import {
  type Agenda as AgendaData,
  type AgendaItem,
  type AgendaSuggestion,
  createAgendaItem,
  deleteAgendaItem,
  momentKeys,
  refreshAgenda,
  updateAgendaItem,
  useAgenda,
} from '../../api/moments';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import { useLocalDraft } from '../../components/useLocalDraft';
import { longDate } from '../../words';
import { useFocusLater } from './GoodMoments';
import './moments.css';

/** Talked-about items shown before "Show all". */
const DONE_SHOWN = 5;

const textRule = (value: string) =>
  value.trim() === '' ? 'Please write what you want to bring up.' : null;
const describe = (error: ApiError) => (Object.keys(error.fields).length > 0 ? '' : null);
const isText = (value: unknown): value is string => typeof value === 'string';

const checkboxId = (item: AgendaItem) => `agenda-item-${item.id}`;

type Props = {
  relationshipId: string;
  therapistName: string;
  /** When given, the heading names the day of the next session. */
  nextAppointmentAt?: string | null;
  /** The level of the section's heading, to fit the page it is placed in. */
  headingLevel?: 2 | 3;
};

/**
 * What the client wants to bring to the next session: their own notes, and suggestions from
 * what is still open, to add only if they want. The client's own; never shared.
 */
export function Agenda({
  relationshipId,
  therapistName,
  nextAppointmentAt = null,
  headingLevel = 2,
}: Props) {
  const agenda = useAgenda(relationshipId);
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const focusLater = useFocusLater();
  const headingId = useId();
  const doneHeadingId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [showAllDone, setShowAllDone] = useState(false);
  const busy = useRef(new Set<string>());
  const Title = headingLevel === 3 ? 'h3' : 'h2';
  const Sub = headingLevel === 3 ? 'h4' : 'h3';
  const key = momentKeys.agenda(relationshipId);

  const items = agenda.data?.items ?? [];
  const suggestions = agenda.data?.suggestions ?? [];
  const open = items.filter((item) => !item.done);
  const done = items
    .filter((item) => item.done)
    .sort((a, b) => Date.parse(b.doneAt ?? b.updatedAt) - Date.parse(a.doneAt ?? a.updatedAt));
  const doneShown = showAllDone ? done : done.slice(0, DONE_SHOWN);

  const change = (update: (current: AgendaData) => AgendaData) =>
    queryClient.setQueryData<AgendaData>(key, (current) => (current ? update(current) : current));
  const replace = (next: AgendaItem) =>
    change((current) => ({
      ...current,
      items: current.items.map((item) => (item.id === next.id ? next : item)),
    }));

  async function toggle(item: AgendaItem) {
    if (busy.current.has(item.id)) return;
    busy.current.add(item.id);
    setProblem(null);
    const nextDone = !item.done;
    // The item moves at once; focus goes with it to its new place.
    replace({ ...item, done: nextDone, doneAt: nextDone ? new Date().toISOString() : null });
    focusLater(checkboxId(item));
    try {
      replace(await updateAgendaItem(item.id, { done: nextDone }));
      announce(nextDone ? 'Checked off. It’s under “Talked about”.' : 'Back on your list.');
    } catch {
      replace(item);
      focusLater(checkboxId(item));
      setProblem("We couldn't change that just now. Please try again.");
    } finally {
      busy.current.delete(item.id);
    }
    void refreshAgenda(queryClient, relationshipId);
  }

  async function remove(item: AgendaItem) {
    if (busy.current.has(item.id)) return;
    busy.current.add(item.id);
    setProblem(null);
    // Focus goes to the item that takes its place, or the one before, or the heading.
    const list = item.done ? doneShown : open;
    const index = list.findIndex((i) => i.id === item.id);
    const neighbour = list[index + 1] ?? list[index - 1];
    try {
      await deleteAgendaItem(item.id);
      change((current) => ({
        ...current,
        items: current.items.filter((i) => i.id !== item.id),
      }));
      focusLater(neighbour ? checkboxId(neighbour) : headingId);
      announce('Removed.');
      void refreshAgenda(queryClient, relationshipId);
    } catch {
      setProblem("We couldn't remove that just now. Please try again.");
    } finally {
      busy.current.delete(item.id);
    }
  }

  async function addSuggestion(suggestion: AgendaSuggestion) {
    const id = `suggestion-${suggestion.ruptureId}`;
    if (busy.current.has(id)) return;
    busy.current.add(id);
    setProblem(null);
    try {
      const item = await createAgendaItem(relationshipId, {
        text: suggestion.text,
        ruptureId: suggestion.ruptureId,
      });
      change((current) => ({
        items: [...current.items, item],
        suggestions: current.suggestions.filter((s) => s.ruptureId !== suggestion.ruptureId),
      }));
      focusLater(checkboxId(item));
      announce('Added to your list.');
      void refreshAgenda(queryClient, relationshipId);
    } catch {
      setProblem("We couldn't add that just now. Please try again.");
    } finally {
      busy.current.delete(id);
    }
  }

  const row = (item: AgendaItem) => (
    <AgendaRow
      key={item.id}
      item={item}
      onToggle={() => void toggle(item)}
      onRemove={() => void remove(item)}
    />
  );

  return (
    <section aria-labelledby={headingId} className="agenda">
      <Title id={headingId} tabIndex={-1} className="moments-heading">
        For your next session
        {nextAppointmentAt ? (
          <span className="agenda-day">, {longDate(nextAppointmentAt)}</span>
        ) : null}
      </Title>
      <p className="quiet small">
        What you'd like to bring up with {therapistName}. Only you see this list.
      </p>
      <div role="alert" className={problem ? 'form-message agenda-problem' : undefined}>
        {problem}
      </div>

      {agenda.isPending ? <p className="quiet">Loading…</p> : null}
      {agenda.isError ? (
        <div className="form-message" role="alert">
          <p>We couldn't load your list just now.</p>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void agenda.refetch()}
          >
            Try again
          </button>
        </div>
      ) : null}
      {agenda.isSuccess && open.length === 0 ? (
        <p className="agenda-empty">
          Nothing on your list yet. If something comes to mind that you'd like to bring up, you can
          note it here so it's there when you need it.
        </p>
      ) : null}
      {open.length > 0 ? <ul className="agenda-list">{open.map(row)}</ul> : null}

      {suggestions.length > 0 ? (
        <div className="agenda-suggestions">
          <p className="quiet small">From what you're working through, only if you'd like:</p>
          <ul className="agenda-list">
            {suggestions.map((suggestion) => (
              <li key={suggestion.ruptureId} className="agenda-suggestion">
                <span>Suggested: {suggestion.text}</span>
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-label={`Add to agenda: ${suggestion.text}`}
                  onClick={() => void addSuggestion(suggestion)}
                >
                  Add to agenda
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <AddAgendaItem relationshipId={relationshipId} />

      {done.length > 0 ? (
        <section aria-labelledby={doneHeadingId} className="agenda-done">
          <Sub id={doneHeadingId} className="agenda-done-heading">
            Talked about
          </Sub>
          <ul className="agenda-list">{doneShown.map(row)}</ul>
          {done.length > DONE_SHOWN ? (
            <button
              type="button"
              className="button button-quiet button-small"
              aria-expanded={showAllDone}
              onClick={() => setShowAllDone((all) => !all)}
            >
              {showAllDone ? 'Show only the latest' : `Show all ${done.length}`}
            </button>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}

function AgendaRow({
  item,
  onToggle,
  onRemove,
}: {
  item: AgendaItem;
  onToggle: () => void;
  onRemove: () => void;
}) {
  const id = checkboxId(item);
  return (
    <li className={item.done ? 'agenda-item agenda-item-done' : 'agenda-item'}>
      <div className="agenda-check">
        <input id={id} type="checkbox" checked={item.done} onChange={onToggle} />
        <label htmlFor={id}>{item.text}</label>
      </div>
      <div className="agenda-item-actions">
        {item.ruptureId ? (
          <Link to={`/ruptures/${item.ruptureId}`} className="agenda-record">
            Open the record<span className="visually-hidden"> for “{item.text}”</span>
          </Link>
        ) : null}
        <button type="button" className="button button-quiet button-small" onClick={onRemove}>
          Remove<span className="visually-hidden"> “{item.text}”</span>
        </button>
      </div>
    </li>
  );
}

function AddAgendaItem({ relationshipId }: { relationshipId: string }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<AgendaItem>({ describe });
  const [text, setText, clearText] = useLocalDraft(`agenda:${relationshipId}`, '', isText);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([textRule(text)])) return;
    const result = await submit.run(() => createAgendaItem(relationshipId, { text: text.trim() }));
    if (result.ok) {
      queryClient.setQueryData<AgendaData>(momentKeys.agenda(relationshipId), (current) =>
        current ? { ...current, items: [...current.items, result.value] } : current,
      );
      void refreshAgenda(queryClient, relationshipId);
      setText('');
      clearText();
      checks.reset();
      announce('Added to your list.');
      // Ready for the next one.
      formRef.current?.querySelector<HTMLInputElement>('input[name="text"]')?.focus();
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight agenda-add"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-label="Add to your list for the next session"
    >
      <FormMessage message={submit.message} />
      <TextInput
        label="Something to bring up"
        name="text"
        autoComplete="off"
        isRequired
        value={text}
        onChange={(value) => {
          setText(value);
          submit.clearFieldError('text');
        }}
        validate={checks.show(textRule)}
      />
      <Button type="submit" className="button button-quiet button-small">
        {submit.pending ? 'Adding…' : 'Add to agenda'}
      </Button>
    </Form>
  );
}
