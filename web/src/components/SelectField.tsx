import { type ReactNode, useId } from 'react';

type SelectFieldProps = {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
  description?: ReactNode;
  className?: string;
  /** What needs a change, shown under the select and tied to it. */
  error?: string | null;
};

/**
 * A native select: on phones it opens the system's own picker, and every browser and screen
 * reader knows it well. An `error` is shown under it and tied to it.
 */
export function SelectField({
  label,
  value,
  onChange,
  options,
  name,
  description,
  className,
  error,
}: SelectFieldProps) {
  const id = useId();
  const described = [description ? `${id}-description` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {description ? (
        <span id={`${id}-description`} className="field-description">
          {description}
        </span>
      ) : null}
      <select
        id={id}
        name={name}
        className="field-input field-select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={described || undefined}
        aria-invalid={error ? true : undefined}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
