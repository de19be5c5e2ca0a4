import { type ReactNode, useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

type ConfirmDialogProps = {
  /** The trigger button's content, e.g. "Remove". */
  trigger: ReactNode;
  /** More of the trigger's words for screen readers only, e.g. "Robin's Tuesday slot". */
  what?: string;
  /** The question in the dialog's heading. */
  title: string;
  /** What it does, in words. */
  children: ReactNode;
  /** The confirming button's words, e.g. "Remove the slot". */
  confirm: string;
  /** The button that leaves things as they are. */
  keep?: string;
  /** The confirming button's words while it works. */
  pendingLabel?: string;
  /**
   * The note shown when it is refused; without it, the refusal's own message (or a general
   * note) is shown.
   */
  failure?: string;
  /** Does it; a refusal keeps the dialog open with a note. */
  onConfirm: () => Promise<void>;
  triggerClassName?: string;
};

/**
 * A button that asks first, in a modal dialog: focus is held in the dialog and starts on the
 * button that keeps things as they are, Escape closes it, and focus goes back to the trigger after.
 */
export function ConfirmDialog({
  trigger,
  what,
  title,
  children,
  confirm,
  keep = 'Keep it',
  pendingLabel = 'One moment…',
  failure,
  onConfirm,
  triggerClassName = 'button button-quiet button-small',
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function go(close: () => void) {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await onConfirm();
      close();
    } catch (error) {
      setProblem(
        failure ??
          (error instanceof Error && error.message
            ? error.message
            : "We couldn't do that just now. Please try again in a moment."),
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <DialogTrigger onOpenChange={() => setProblem(null)}>
      <Button className={triggerClassName}>
        {trigger}
        {what ? <span className="visually-hidden"> {what}</span> : null}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable={!pending}>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                {children}
                {problem ? (
                  <p role="alert" className="form-message">
                    {problem}
                  </p>
                ) : null}
                <div className="dialog-actions">
                  <Button className="button button-quiet" onPress={close} autoFocus>
                    {keep}
                  </Button>
                  <Button
                    className="button button-primary"
                    onPress={() => void go(close)}
                    isPending={pending}
                  >
                    {pending ? pendingLabel : confirm}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
