import { type ReactNode, type Ref, useId } from 'react';

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

export function TextField({
  label,
  description,
  error,
  value,
  onChange,
  name,
  required,
  maxLength,
  autoComplete = 'off',
  inputRef,
}: BaseProps & { autoComplete?: string; inputRef?: Ref<HTMLInputElement> }) {
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
      <input
        ref={inputRef}
        id={id}
        name={name}
        className="field-input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, description, error)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        maxLength={maxLength}
        autoComplete={autoComplete}
        spellCheck={false}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function TextAreaField({
  label,
  description,
  error,
  value,
  onChange,
  name,
  required,
  maxLength,
  rows = 6,
  inputRef,
}: BaseProps & { rows?: number; inputRef?: Ref<HTMLTextAreaElement> }) {
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
      <textarea
        ref={inputRef}
        id={id}
        name={name}
        className="field-input field-textarea"
        value={value}
        rows={rows}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={describedBy(id, description, error)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        maxLength={maxLength}
        spellCheck
      />
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
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
