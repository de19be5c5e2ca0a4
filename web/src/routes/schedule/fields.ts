import type { ApiError } from '../../api/client';
import { lengthOptions, SESSION_LENGTHS } from '../../components/scheduleChoices';
import { isFutureLocal } from '../../time';

export const LENGTHS = SESSION_LENGTHS;

/** The lengths as a select's options: "30 minutes" … "2 hours". */
export const LENGTH_OPTIONS = lengthOptions();

export const dateRule = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : 'Please choose a date.';

export const timeRule = (value: string) =>
  /^\d{2}:\d{2}$/.test(value) ? null : 'Please choose a time, like 16:00.';

/** The time's rule for something still to come on `date`. */
export const futureTimeRule = (date: string) => (value: string) =>
  timeRule(value) ??
  (dateRule(date) || isFutureLocal(date, value) ? null : 'Please choose a time still to come.');

/** The server's note on `startsAt`, shown on the date field too. */
export const startsAtOnDate = (error: ApiError) =>
  error.fields.startsAt ? { ...error.fields, date: error.fields.startsAt } : error.fields;

/** The form's note when the server names fields: each field says what to change. */
export const fieldsNote = (error: ApiError) =>
  Object.keys(error.fields).length > 0 ? 'Please check the fields with a note below.' : null;
