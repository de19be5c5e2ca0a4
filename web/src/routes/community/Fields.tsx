import { type ReactNode, type Ref, useId } from 'react';
import type { FieldErrors } from '../../api/client';
import { LIMITS } from '../../api/community';

/**
 * Plain, native fields for the community's forms: every one labelled, its description and its
 * note tied to it with aria-describedby, and what was typed never cleared by a refusal.
 */

type BaseProps = {
  label: ReactNode;
  description?: ReactNode;
  /** What needs a change, shown under the field and tied to it. */
  error?: string | null;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  required?: boolean;
  maxLength?: number;
};

function describedBy(id: string, description: unknown, error: unknown): string | undefined {
  return (
    [description ? `${id}-description` : '', error ? `${id}-error` : '']
      .filter(Boolean)
      .join(' ') || undefined
  );
}

/** The label, description and error around one control, and the props that tie them to it. */
function Field({
  label,
  description,
  error,
  value,
  onChange,
  name,
  required,
  maxLength,
  children,
}: BaseProps & { children: (control: ControlProps) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {description ? (
        <span id={`${id}-description`} className="field-description">
          {description}
        </span>
      ) : null}
      {children({
        id,
        name,
        value,
        onChange: (event) => onChange(event.target.value),
        'aria-describedby': describedBy(id, description, error),
        'aria-invalid': error ? true : undefined,
        'aria-required': required || undefined,
        maxLength,
      })}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** What an input or a textarea takes from its field. */
type ControlProps = {
  id: string;
  name: string | undefined;
  value: string;
  onChange: (event: { target: { value: string } }) => void;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  'aria-required': true | undefined;
  maxLength: number | undefined;
};

export function TextField({
  autoComplete = 'off',
  inputRef,
  ...props
}: BaseProps & { autoComplete?: string; inputRef?: Ref<HTMLInputElement> }) {
  return (
    <Field {...props}>
      {(control) => (
        <input
          ref={inputRef}
          className="field-input"
          {...control}
          autoComplete={autoComplete}
          spellCheck={false}
        />
      )}
    </Field>
  );
}

export function TextAreaField({
  rows = 6,
  inputRef,
  ...props
}: BaseProps & { rows?: number; inputRef?: Ref<HTMLTextAreaElement> }) {
  return (
    <Field {...props}>
      {(control) => (
        <textarea
          ref={inputRef}
          className="field-input field-textarea"
          rows={rows}
          {...control}
          spellCheck
        />
      )}
    </Field>
  );
}

/**
 * The body of a question or an answer, kept on this device as it is typed: `problem` is what is
 * wrong with it now; after a refusal about the body, `check` says what (until it is changed).
 */
export function DraftBodyField({
  label,
  restored,
  value,
  onChange,
  problem,
  check,
  submit,
  maxLength,
  inputRef,
}: {
  label: string;
  /** Whether what was written before was brought back. */
  restored: boolean;
  value: string;
  onChange: (value: string) => void;
  problem: string | null;
  check: (body: string) => string | null;
  submit: { fieldErrors: FieldErrors; clearFieldError: (name: string) => void };
  maxLength: number;
  inputRef: Ref<HTMLTextAreaElement>;
}) {
  return (
    <TextAreaField
      label={label}
      description={`Kept on this device as you type${restored ? ', and what you wrote before is here' : ''}.`}
      value={value}
      onChange={(body) => {
        onChange(body);
        submit.clearFieldError('body');
      }}
      error={problem ?? (submit.fieldErrors.body ? (check(value) ?? 'Please check this.') : null)}
      required
      maxLength={maxLength}
      rows={8}
      inputRef={inputRef}
    />
  );
}

/** The content note of a question or an answer. */
export function ContentNoteField({
  description,
  value,
  onChange,
  tooLong,
}: {
  description: string;
  value: string;
  onChange: (value: string) => void;
  /** Whether the server said it is too long. */
  tooLong: boolean;
}) {
  return (
    <TextField
      label="Content note (if it's needed)"
      description={description}
      value={value}
      onChange={onChange}
      maxLength={LIMITS.contentWarning}
      error={tooLong ? `Please keep it under ${LIMITS.contentWarning} characters.` : null}
    />
  );
}

export function CheckField({
  label,
  description,
  checked,
  onChange,
  disabled,
}: {
  label: ReactNode;
  description?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="cm-check">
      <label className="cm-check-label" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
          aria-describedby={description ? `${id}-description` : undefined}
        />
        <span>{label}</span>
      </label>
      {description ? (
        <span id={`${id}-description`} className="field-description cm-check-description">
          {description}
        </span>
      ) : null}
    </div>
  );
}
