import type { ReactNode } from 'react';
import { TextInput } from './TextInput';

type Rule = (value: string) => string | null;

type DateTimeFieldsProps = {
  date: string;
  time: string;
  onDateChange: (value: string) => void;
  onTimeChange: (value: string) => void;
  /** Each field's `validate` (e.g. from useFormChecks' `show`), once notes are due. */
  validateDate?: Rule;
  validateTime?: Rule;
  dateLabel?: string;
  timeLabel?: string;
  /** The fields' names, for the form's `validationErrors`. */
  dateName?: string;
  timeName?: string;
  dateDescription?: ReactNode;
};

/** A required date and a required time, side by side. */
export function DateTimeFields({
  date,
  time,
  onDateChange,
  onTimeChange,
  validateDate,
  validateTime,
  dateLabel = 'Date',
  timeLabel = 'Time',
  dateName,
  timeName,
  dateDescription,
}: DateTimeFieldsProps) {
  return (
    <div className="field-pair">
      <TextInput
        label={dateLabel}
        name={dateName}
        description={dateDescription}
        type="date"
        isRequired
        value={date}
        onChange={onDateChange}
        validate={validateDate}
      />
      <TextInput
        label={timeLabel}
        name={timeName}
        type="time"
        isRequired
        value={time}
        onChange={onTimeChange}
        validate={validateTime}
      />
    </div>
  );
}
