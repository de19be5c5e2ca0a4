import { useCallback, useState } from 'react';
import { ApiError, type FieldErrors } from './client';

type SubmitState = {
  pending: boolean;
  /** The message for the whole form, shown in its alert region. */
  message: string | null;
  /** Server errors by field name, for React Aria's Form `validationErrors`. */
  fieldErrors: FieldErrors;
  /** The last refusal, for screens that react to its status or code. */
  error: ApiError | null;
};

type Options = {
  /** Our own words for a refusal; null keeps the server's message. */
  describe?: (error: ApiError) => string | null;
  /** Which fields a refusal is about; defaults to the server's `fields`. */
  fieldsFor?: (error: ApiError) => FieldErrors;
};

const idle: SubmitState = { pending: false, message: null, fieldErrors: {}, error: null };

/**
 * Runs a form's request and turns a refusal into words for the form. What was typed is
 * never touched here: the fields keep their values whatever happens.
 */
export function useSubmit<T>({ describe, fieldsFor }: Options = {}) {
  const [state, setState] = useState<SubmitState>(idle);

  async function run(
    action: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
    setState({ ...idle, pending: true });
    try {
      const value = await action();
      setState(idle);
      return { ok: true, value };
    } catch (caught) {
      const error =
        caught instanceof ApiError
          ? caught
          : new ApiError(0, 'unknown', 'Something went wrong. Please try again in a moment.');
      setState({
        pending: false,
        message: describe?.(error) ?? error.message,
        fieldErrors: fieldsFor?.(error) ?? error.fields,
        error,
      });
      return { ok: false, error };
    }
  }

  /**
   * Forgets the server's note on a field as soon as it is edited, so the note does not vanish
   * later, on blur, and shift the layout under a pointer on its way to the submit button.
   */
  const clearFieldError = useCallback((name: string) => {
    setState((current) => {
      if (!(name in current.fieldErrors)) return current;
      const { [name]: _cleared, ...rest } = current.fieldErrors;
      return { ...current, fieldErrors: rest };
    });
  }, []);

  return { ...state, run, clearFieldError };
}
