import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Button, FieldError, Form, Label, Text, TextArea, TextField } from 'react-aria-components';
import {
  type Agreement,
  agreementKeys,
  LIMITS,
  type Role,
  refreshAgreement,
  saveAgreement,
} from '../../../api/agreement';
import { useSubmit } from '../../../api/useSubmit';
import { useAnnounce } from '../../../components/Announcer';
import { FormMessage } from '../../../components/FormMessage';
import { SelectField } from '../../../components/SelectField';
import { TextInput } from '../../../components/TextInput';
import { useFormChecks } from '../../../components/useFormChecks';
import { useLocalDraft } from '../../../components/useLocalDraft';
import {
  appliesOrder,
  appliesToOf,
  type Draft,
  type DraftText,
  draftOf,
  frequencyRule,
  inputOf,
  isDraft,
  newRuleKey,
  type RuleDraft,
  replyRule,
  ruleTextRule,
} from './agreementDraft';
import { useFocusLater } from './agreementFocus';
import { fieldName, type People } from './agreementWords';

const TEXT_HELP: Record<DraftText, string> = {
  contact: 'For example: messages here for anything that can wait; the phone for changes today.',
  availability: 'Days and hours, and when messages are read.',
  scheduling: 'How sessions are booked, moved or cancelled, and with how much notice.',
  roomRules:
    'In your own words. You can also list single rules below, each saying whom it applies to.',
  emergency: 'What to do when it cannot wait for a session or a reply.',
};

/** The form that writes a new version; closed until opened, its draft kept on this device. */
export function AgreementEditor({
  agreement,
  people,
  relationshipId,
  openId,
  onDone,
}: {
  agreement: Agreement | null;
  people: People;
  relationshipId: string;
  /** The id of the button that opens the form. */
  openId: string;
  /** After saving or discarding: the form starts afresh (closed) from the latest version. */
  onDone: (outcome: 'saved' | 'discarded') => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const focusLater = useFocusLater();
  const headingId = useId();
  const [draft, setDraft, clearDraft, restored] = useLocalDraft<Draft>(
    `agreement:${relationshipId}`,
    draftOf(agreement),
    isDraft,
  );
  const [open, setOpen] = useState(restored);
  const [touched, setTouched] = useState(restored);
  const submit = useSubmit<Agreement>({
    describe: (error) =>
      Object.keys(error.fields).length > 0
        ? 'Some answers need another look; there is a note beside each of them.'
        : null,
  });

  const current = agreement?.version ?? 0;
  const next = current + 1;
  const solo = people.solo;
  const mine = people.viewer;
  const otherRole: Role = mine === 'client' ? 'therapist' : 'client';

  const change = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched(true);
    submit.clearFieldError(field);
  };
  const changeRule = (key: string, patch: Partial<RuleDraft>) => {
    setDraft((d) => ({
      ...d,
      rules: d.rules.map((rule) => (rule.key === key ? { ...rule, ...patch } : rule)),
    }));
    setTouched(true);
  };
  const addRule = () => {
    const key = newRuleKey();
    setDraft((d) => ({ ...d, rules: [...d.rules, { key, text: '', appliesTo: 'both' }] }));
    setTouched(true);
    focusLater(`rule-${key}`);
  };
  const removeRule = (key: string) => {
    const index = draft.rules.findIndex((rule) => rule.key === key);
    const after = draft.rules[index + 1] ?? draft.rules[index - 1];
    setDraft((d) => ({ ...d, rules: d.rules.filter((rule) => rule.key !== key) }));
    setTouched(true);
    focusLater(after ? `rule-${after.key}` : `${openId}-add-rule`);
    announce('Rule removed from the draft.');
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    const answers = [
      replyRule(draft.replyTimeHours),
      frequencyRule(draft.sessionFrequencyDays),
      ...draft.rules.map((rule) => ruleTextRule(rule.text)),
    ];
    if (!checks.passes(answers)) return;
    const result = await submit.run(() => saveAgreement(relationshipId, inputOf(draft)));
    if (!result.ok) {
      checks.focusFirstInvalid();
      return;
    }
    const saved = result.value;
    clearDraft();
    announce(
      saved.version === current
        ? `Nothing had changed, so it is still version ${saved.version}.`
        : solo
          ? `Saved as version ${saved.version}.`
          : `Saved as version ${saved.version}. ${people.other} will be asked to acknowledge it.`,
    );
    queryClient.setQueryData(agreementKeys.latest(relationshipId), saved);
    onDone('saved');
    await refreshAgreement(queryClient, relationshipId);
  }

  function discard() {
    clearDraft();
    announce('Your changes were discarded.');
    onDone('discarded');
  }

  const openLabel = agreement
    ? 'Edit the agreement'
    : solo
      ? 'Write down what was agreed'
      : 'Write the agreement';

  if (!open) {
    return (
      <p className="actions agreement-edit-open">
        <button
          id={openId}
          type="button"
          className={agreement ? 'button button-quiet' : 'button button-primary'}
          onClick={() => {
            setOpen(true);
            focusLater(headingId);
          }}
        >
          {openLabel}
        </button>
        {touched ? (
          <span className="quiet small">Your unsaved changes are kept on this device.</span>
        ) : null}
      </p>
    );
  }

  const appliesOptions = [
    { value: 'both', label: 'Both of us' },
    { value: mine, label: 'Me' },
    { value: otherRole, label: people.other },
  ].sort((x, y) => appliesOrder(x.value) - appliesOrder(y.value));

  return (
    <section aria-labelledby={headingId} className="card agreement-editor">
      <h3 id={headingId} tabIndex={-1}>
        {agreement ? openLabel : solo ? 'What you understood was agreed' : 'Write the agreement'}
      </h3>
      {solo ? (
        <p className="small">
          Write down what you understood was agreed with {people.other}, in your own words. Only you
          can see it.
        </p>
      ) : null}
      {restored && touched ? (
        <p className="note small">
          Your unsaved changes from before are here, kept on this device.
        </p>
      ) : null}
      {agreement && draft.from !== 0 && draft.from !== current ? (
        <p className="note small">
          These changes were started from version {draft.from}; version {current} has been saved
          since. Saving makes what you see here version {next}.
        </p>
      ) : null}
      <Form
        ref={formRef}
        className="form form-tight"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={submit.fieldErrors}
        aria-labelledby={headingId}
      >
        <FormMessage message={submit.message} />
        <AgreementText
          field="contact"
          label={fieldName('contact', people)}
          value={draft.contact}
          onChange={(v) => change('contact', v)}
        />
        <div className="field-pair">
          <TextInput
            label="Reply time (in hours)"
            description="How soon a message is answered. 24 is a day, 48 two days; at most 720."
            name="replyTimeHours"
            inputMode="numeric"
            isRequired
            value={draft.replyTimeHours}
            onChange={(v) => change('replyTimeHours', v)}
            validate={checks.show(replyRule)}
          />
          <TextInput
            label="How often we meet (days between sessions)"
            description="7 for weekly, 14 for every two weeks. Leave it empty if it isn't set."
            name="sessionFrequencyDays"
            inputMode="numeric"
            value={draft.sessionFrequencyDays}
            onChange={(v) => change('sessionFrequencyDays', v)}
            validate={checks.show(frequencyRule)}
          />
        </div>
        <AgreementText
          field="availability"
          label={
            mine === 'therapist'
              ? 'When you are available'
              : `When ${people.therapistName} is available`
          }
          value={draft.availability}
          onChange={(v) => change('availability', v)}
        />
        <AgreementText
          field="scheduling"
          label={fieldName('scheduling', people)}
          value={draft.scheduling}
          onChange={(v) => change('scheduling', v)}
        />
        <AgreementText
          field="roomRules"
          label="Rules of the room"
          value={draft.roomRules}
          onChange={(v) => change('roomRules', v)}
        />
        <fieldset className="rules-editor">
          <legend>Rules of the room, one by one</legend>
          <p className="field-description">
            Each rule says whom it applies to, so a rule that holds for only one of you is plain to
            see.
          </p>
          {draft.rules.length === 0 ? <p className="quiet small">No single rules yet.</p> : null}
          <ol className="rule-drafts">
            {draft.rules.map((rule, index) => (
              <li key={rule.key} className="rule-draft">
                <TextField
                  name={`rules.${index}.text`}
                  className="field"
                  isRequired
                  value={rule.text}
                  maxLength={LIMITS.rule}
                  onChange={(v) => {
                    changeRule(rule.key, { text: v });
                    submit.clearFieldError(`rules.${index}.text`);
                  }}
                  validate={checks.show(ruleTextRule)}
                >
                  <Label className="field-label">Rule {index + 1}</Label>
                  <TextArea
                    id={`rule-${rule.key}`}
                    className="field-input rule-textarea"
                    rows={2}
                  />
                  <FieldError className="field-error" />
                </TextField>
                <div className="rule-draft-row">
                  <SelectField
                    label={`Rule ${index + 1} applies to`}
                    value={rule.appliesTo}
                    options={appliesOptions}
                    onChange={(v) => changeRule(rule.key, { appliesTo: appliesToOf(v) })}
                  />
                  <button
                    type="button"
                    className="button button-quiet button-small"
                    onClick={() => removeRule(rule.key)}
                  >
                    Remove rule {index + 1}
                  </button>
                </div>
              </li>
            ))}
          </ol>
          {draft.rules.length < LIMITS.rules ? (
            <button
              id={`${openId}-add-rule`}
              type="button"
              className="button button-quiet button-small"
              onClick={addRule}
            >
              Add a rule
            </button>
          ) : null}
        </fieldset>
        <AgreementText
          field="emergency"
          label="Emergencies"
          value={draft.emergency}
          onChange={(v) => change('emergency', v)}
        />
        <p className="note agreement-save-note">
          Saving makes version {next}.{' '}
          {solo
            ? 'Only you can see it; no one is told.'
            : `${people.other} will be told and asked to acknowledge it.`}{' '}
          What you type is kept on this device until then.
        </p>
        <div className="actions">
          <Button type="submit" className="button button-primary">
            {submit.pending ? 'Saving…' : `Save as version ${next}`}
          </Button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setOpen(false);
              focusLater(openId);
            }}
          >
            Close for now
          </button>
          {touched ? (
            <button type="button" className="button button-quiet" onClick={discard}>
              Discard my changes
            </button>
          ) : null}
        </div>
      </Form>
    </section>
  );
}

function AgreementText({
  field,
  label,
  value,
  onChange,
}: {
  field: DraftText;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      name={field}
      className="field"
      value={value}
      onChange={onChange}
      maxLength={LIMITS.text}
    >
      <Label className="field-label">{label}</Label>
      <Text slot="description" className="field-description">
        {TEXT_HELP[field]}
      </Text>
      <TextArea className="field-input field-textarea" rows={4} />
      <FieldError className="field-error" />
    </TextField>
  );
}
