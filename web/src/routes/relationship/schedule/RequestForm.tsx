import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef } from 'react';
import { Button, FieldError, Form, Label, TextArea, TextField } from 'react-aria-components';
import type { FieldErrors } from '../../../api/client';
import { NOTE_MAX } from '../../../api/messages';
import { createRequest, refreshSchedule } from '../../../api/schedule';
import { useSubmit } from '../../../api/useSubmit';
import { useAnnounce } from '../../../components/Announcer';
import { FormMessage } from '../../../components/FormMessage';
import { SelectField } from '../../../components/SelectField';
import { lengthOptions } from '../../../components/scheduleChoices';
import { TextInput } from '../../../components/TextInput';
import { useFormChecks } from '../../../components/useFormChecks';
import { useLocalDraft } from '../../../components/useLocalDraft';
import { isFutureLocal, localToIso, viewerZone } from '../../../time';

const LENGTHS = [30, 45, 50, 60, 75, 90];
const MAX_OPTIONS = 3;

type Option = { key: string; date: string; time: string };

const newOption = (): Option => ({ key: Math.random().toString(36).slice(2), date: '', time: '' });
type Draft = { options: Option[]; durationMinutes: string; note: string };

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const draft = value as Partial<Draft>;
  return (
    Array.isArray(draft.options) &&
    draft.options.every(
      (o: unknown) =>
        typeof o === 'object' &&
        o !== null &&
        typeof (o as Option).key === 'string' &&
        typeof (o as Option).date === 'string' &&
        typeof (o as Option).time === 'string',
    ) &&
    typeof draft.durationMinutes === 'string' &&
    typeof draft.note === 'string'
  );
}

const empty = (): Draft => ({ options: [newOption()], durationMinutes: '50', note: '' });

const dateRule = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Please choose a day.';
const timeRule = (value: string) => (/^\d{2}:\d{2}$/.test(value) ? null : 'Please choose a time.');
const noteRule = (value: string) =>
  value.length <= NOTE_MAX ? null : `Please keep the note under ${NOTE_MAX} characters.`;

/** The server names option fields "options.0.startsAt"; the form's are "date-0" and "time-0". */
function fieldsFor(fields: FieldErrors): FieldErrors {
  const mapped: FieldErrors = { ...fields };
  for (const [key, message] of Object.entries(fields)) {
    const match = /^options\.(\d+)\.(startsAt|durationMinutes)$/.exec(key);
    if (match?.[2] === 'startsAt') mapped[`date-${match[1]}`] = message;
    if (match?.[2] === 'durationMinutes') mapped.durationMinutes = message;
  }
  return mapped;
}

/** Asking for an extra appointment: one to three times that would suit, in this device's zone. */
export function RequestForm({
  relationshipId,
  therapistName,
}: {
  relationshipId: string;
  therapistName: string;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const [draft, setDraft, clearDraft] = useLocalDraft<Draft>(
    `appointment-request:${relationshipId}`,
    empty(),
    isDraft,
  );
  const submit = useSubmit<unknown>({ fieldsFor: (error) => fieldsFor(error.fields) });
  const futureRule = (option: Option) =>
    dateRule(option.date) === null &&
    timeRule(option.time) === null &&
    !isFutureLocal(option.date, option.time)
      ? 'Please choose a time still to come.'
      : null;

  const setOption = (index: number, change: Partial<Option>) => {
    setDraft((current) => ({
      ...current,
      options: current.options.map((o, i) => (i === index ? { ...o, ...change } : o)),
    }));
    submit.clearFieldError(`date-${index}`);
    submit.clearFieldError(`time-${index}`);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const answers = draft.options.flatMap((o) => [
      dateRule(o.date) ?? futureRule(o),
      timeRule(o.time),
    ]);
    if (!checks.passes([...answers, noteRule(draft.note)])) return;
    const durationMinutes = Number(draft.durationMinutes);
    const result = await submit.run(() =>
      createRequest(relationshipId, {
        options: draft.options.map((o) => ({
          startsAt: localToIso(o.date, o.time),
          durationMinutes,
        })),
        note: draft.note.trim() === '' ? null : draft.note.trim(),
      }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    // Empty the form, then forget the stored draft (clearing last, so nothing is stored again).
    setDraft(empty());
    clearDraft();
    checks.reset();
    await refreshSchedule(queryClient, relationshipId);
    announce(`Your request is sent. ${therapistName} will answer here.`);
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight schedule-form"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-labelledby="request-form-heading"
    >
      <h4 id="request-form-heading">Ask for an extra appointment</h4>
      <p className="field-description">
        Suggest up to three times that would suit you, in your zone ({viewerZone()}).{' '}
        {therapistName} sees your request and your note, and can offer one of them.
      </p>
      <FormMessage message={submit.message} />
      {draft.options.map((option, index) => (
        <fieldset className="request-option" key={option.key}>
          <legend>Time {index + 1}</legend>
          <div className="field-pair">
            <TextInput
              label={`Day for time ${index + 1}`}
              name={`date-${index}`}
              type="date"
              isRequired
              value={option.date}
              onChange={(value) => setOption(index, { date: value })}
              validate={checks.show(() => dateRule(option.date) ?? futureRule(option))}
            />
            <TextInput
              label={`Starting time for time ${index + 1}`}
              name={`time-${index}`}
              type="time"
              isRequired
              value={option.time}
              onChange={(value) => setOption(index, { time: value })}
              validate={checks.show(timeRule)}
            />
          </div>
          {index > 0 ? (
            <Button
              className="button button-quiet button-small"
              onPress={() =>
                setDraft((current) => ({
                  ...current,
                  options: current.options.filter((_, i) => i !== index),
                }))
              }
            >
              Leave out time {index + 1}
            </Button>
          ) : null}
        </fieldset>
      ))}
      {draft.options.length < MAX_OPTIONS ? (
        <Button
          className="button button-quiet button-small"
          onPress={() =>
            setDraft((current) => ({
              ...current,
              options: [...current.options, newOption()],
            }))
          }
        >
          Suggest another time
        </Button>
      ) : null}
      <SelectField
        label="How long"
        name="durationMinutes"
        value={draft.durationMinutes}
        onChange={(value) => setDraft((current) => ({ ...current, durationMinutes: value }))}
        options={lengthOptions(LENGTHS)}
      />
      <TextField
        className="field"
        name="note"
        value={draft.note}
        onChange={(value) => {
          setDraft((current) => ({ ...current, note: value }));
          submit.clearFieldError('note');
        }}
        validate={checks.show(noteRule)}
      >
        <Label className="field-label">A note for {therapistName} (optional)</Label>
        <TextArea className="field-input field-textarea" rows={3} />
        <FieldError className="field-error" />
      </TextField>
      <Button type="submit" className="button button-primary">
        {submit.pending ? 'Sending…' : 'Send the request'}
      </Button>
    </Form>
  );
}
