import { type ReactNode, useId } from 'react';

type SelectFieldProps = {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
  description?: ReactNode;
  className?: string;
};

/**
 * A native select: on phones it opens the system's own picker, and every browser and screen
 * reader knows it well.
 */
export function SelectField({
  label,
  value,
  onChange,
  options,
  name,
  description,
  className,
}: SelectFieldProps) {
  const id = useId();
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
        aria-describedby={description ? `${id}-description` : undefined}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
