import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef } from 'react';
import { Button, Form } from 'react-aria-components';
import { createSlot, refreshSchedule, type Weekday } from '../../../api/schedule';
import { useSubmit } from '../../../api/useSubmit';
import { useAnnounce } from '../../../components/Announcer';
import { FormMessage } from '../../../components/FormMessage';
import { SelectField } from '../../../components/SelectField';
import {
  EVERY_WEEKS_OPTIONS,
  lengthOptions,
  WEEKDAY_OPTIONS,
} from '../../../components/scheduleChoices';
import { TextInput } from '../../../components/TextInput';
import { useFormChecks } from '../../../components/useFormChecks';
import { useLocalDraft } from '../../../components/useLocalDraft';
import { knownZones, todayLocal, viewerZone } from '../../../time';
import { KIND_WORDS } from '../../../words';

type Draft = {
  weekday: string;
  time: string;
  timezone: string;
  everyWeeks: '1' | '2';
  durationMinutes: string;
  kind: 'individual' | 'phone';
  startsOn: string;
  endsOn: string;
};

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const keys: (keyof Draft)[] = [
    'weekday',
    'time',
    'timezone',
    'everyWeeks',
    'durationMinutes',
    'kind',
    'startsOn',
    'endsOn',
  ];
  return keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'string');
}

const timeRule = (value: string) =>
  /^\d{2}:\d{2}$/.test(value) ? null : 'Please choose the time it starts, like 16:00.';
const startRule = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Please choose the first day.';

/** The regular time's form: drafts survive a reload until it is saved. */
export function SlotForm({
  relationshipId,
  onDone,
}: {
  relationshipId: string;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const [draft, setDraft, clearDraft] = useLocalDraft<Draft>(
    `slot:${relationshipId}`,
    {
      weekday: '1',
      time: '',
      timezone: viewerZone(),
      everyWeeks: '1',
      durationMinutes: '50',
      kind: 'individual',
      startsOn: todayLocal(),
      endsOn: '',
    },
    isDraft,
  );
  const submit = useSubmit<unknown>({
    describe: (error) =>
      error.code === 'slot_overlap'
        ? `This time overlaps another regular time. ${error.message}`
        : null,
  });
  const endRule = (value: string) =>
    value === '' || value >= draft.startsOn ? null : 'The last day can’t be before the first.';

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    submit.clearFieldError(key);
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([timeRule(draft.time), startRule(draft.startsOn), endRule(draft.endsOn)]))
      return;
    const result = await submit.run(() =>
      createSlot(relationshipId, {
        weekday: Number(draft.weekday) as Weekday,
        time: draft.time,
        timezone: draft.timezone,
        everyWeeks: draft.everyWeeks === '2' ? 2 : 1,
        durationMinutes: Number(draft.durationMinutes),
        kind: draft.kind,
        startsOn: draft.startsOn,
        endsOn: draft.endsOn === '' ? null : draft.endsOn,
      }),
    );
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    clearDraft();
    await refreshSchedule(queryClient, relationshipId);
    announce('The regular time is set, and its appointments for the coming 12 weeks are planned.');
    onDone();
  }

  const zones = knownZones();
  return (
    <Form
      ref={formRef}
      className="form form-tight schedule-form"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-label="Set a regular time"
    >
      <FormMessage message={submit.message} />
      <div className="field-pair">
        <SelectField
          label="Day"
          name="weekday"
          value={draft.weekday}
          onChange={(value) => set('weekday', value)}
          options={WEEKDAY_OPTIONS}
        />
        <TextInput
          label="Starts at"
          name="time"
          type="time"
          isRequired
          value={draft.time}
          onChange={(value) => set('time', value)}
          validate={checks.show(timeRule)}
        />
      </div>
      <SelectField
        label="Time zone"
        name="timezone"
        value={draft.timezone}
        onChange={(value) => set('timezone', value)}
        description={`This device is in ${viewerZone()}. The time stays the same in this zone when the clocks change.`}
        options={zones.map((zone) => ({ value: zone, label: zone }))}
      />
      <div className="field-pair">
        <SelectField
          label="How often"
          name="everyWeeks"
          value={draft.everyWeeks}
          onChange={(value) => set('everyWeeks', value === '2' ? '2' : '1')}
          options={EVERY_WEEKS_OPTIONS}
        />
        <SelectField
          label="How long"
          name="durationMinutes"
          value={draft.durationMinutes}
          onChange={(value) => set('durationMinutes', value)}
          options={lengthOptions()}
        />
      </div>
      <SelectField
        label="Type of session"
        name="kind"
        value={draft.kind}
        onChange={(value) => set('kind', value === 'phone' ? 'phone' : 'individual')}
        options={[
          { value: 'individual', label: KIND_WORDS.individual },
          { value: 'phone', label: KIND_WORDS.phone },
        ]}
      />
      <div className="field-pair">
        <TextInput
          label="First day"
          name="startsOn"
          type="date"
          isRequired
          value={draft.startsOn}
          onChange={(value) => set('startsOn', value)}
          validate={checks.show(startRule)}
        />
        <TextInput
          label="Last day (optional)"
          name="endsOn"
          type="date"
          value={draft.endsOn}
          onChange={(value) => set('endsOn', value)}
          validate={checks.show(endRule)}
        />
      </div>
      <div className="actions">
        <Button type="submit" className="button button-primary">
          {submit.pending ? 'Saving…' : 'Save the regular time'}
        </Button>
        <Button type="button" className="button button-quiet" onPress={onDone}>
          Not now
        </Button>
      </div>
    </Form>
  );
}
