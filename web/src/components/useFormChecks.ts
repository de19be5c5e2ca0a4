import { type RefObject, useEffect, useState } from 'react';

type Rule<T> = (value: T) => string | null;

/**
 * Our own checks for a form (React Aria's `aria` validation behaviour). Notes appear only after
 * the first try to submit, then follow the typing, so a note never vanishes on blur and moves
 * the submit button from under a pointer. After a refused try, focus goes to the first field
 * that needs a change, so its note is read out with its label.
 */
export function useFormChecks(formRef: RefObject<HTMLFormElement | null>) {
  const [attempted, setAttempted] = useState(false);
  const [focusRequest, setFocusRequest] = useState(0);

  useEffect(() => {
    if (focusRequest === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequest, formRef]);

  return {
    /** The rule for a field's `validate`, once the person has tried to submit. */
    show<T>(rule: Rule<T>): Rule<T> | undefined {
      return attempted ? rule : undefined;
    },
    /**
     * The note itself, for fields whose value can be empty (React Aria does not run `validate`
     * on a null value, e.g. a radio group with nothing chosen).
     */
    message<T>(rule: Rule<T>, value: T): string | null {
      return attempted ? rule(value) : null;
    },
    /** Call on submit with every rule's answer; true when all pass. */
    passes(answers: (string | null)[]): boolean {
      setAttempted(true);
      const ok = answers.every((answer) => answer === null);
      if (!ok) setFocusRequest((n) => n + 1);
      return ok;
    },
    /** After a successful submit that empties the form: no notes until the next try. */
    reset(): void {
      setAttempted(false);
    },
    /** After the server refused: move focus to the first field it named. */
    focusFirstInvalid(): void {
      setFocusRequest((n) => n + 1);
    },
  };
}
