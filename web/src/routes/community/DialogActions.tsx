import { Button } from 'react-aria-components';

/** The foot of a dialog's form: what went wrong, if anything, then cancel and submit. */
export function DialogActions({
  problem,
  close,
  cancel,
  pending,
  pendingLabel,
  submit,
}: {
  problem: string | null;
  close: () => void;
  /** The cancel button's words. */
  cancel: string;
  pending: boolean;
  /** The submit button's words while it is pending. */
  pendingLabel: string;
  /** The submit button's words. */
  submit: string;
}) {
  return (
    <>
      {problem ? (
        <p role="alert" className="form-message">
          {problem}
        </p>
      ) : null}
      <div className="dialog-actions">
        <Button className="button button-quiet" onPress={close} autoFocus>
          {cancel}
        </Button>
        <Button type="submit" className="button button-primary" isPending={pending}>
          {pending ? pendingLabel : submit}
        </Button>
      </div>
    </>
  );
}
