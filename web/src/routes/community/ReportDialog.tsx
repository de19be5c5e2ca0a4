import { type FormEvent, useId, useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { LIMITS, type ReportReason, report, type TargetType } from '../../api/community';
import { useAnnounce } from '../../components/Announcer';
import { DialogActions } from './DialogActions';
import { TextAreaField } from './Fields';
import { REPORT_REASONS } from './words';

/**
 * Report a post or a profile to the moderators. "I'm worried about them" also sends its
 * writer a private, caring message that never says who sent it; that is said before sending.
 */
export function ReportButton({
  targetType,
  targetId,
  what,
}: {
  targetType: TargetType;
  targetId: string;
  /** For screen readers: "this question", "this answer", "Sam's profile". */
  what: string;
}) {
  return (
    <DialogTrigger>
      <Button className="button button-quiet button-small">
        Report<span className="visually-hidden"> {what}</span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <ReportForm targetType={targetType} targetId={targetId} what={what} close={close} />
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function ReportForm({
  targetType,
  targetId,
  what,
  close,
}: {
  targetType: TargetType;
  targetId: string;
  what: string;
  close: () => void;
}) {
  const ids = useId();
  const announce = useAnnounce();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState('');
  const [attempted, setAttempted] = useState(false);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<ReportReason | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    setAttempted(true);
    if (!reason) return;
    setPending(true);
    setProblem(null);
    try {
      await report({
        targetType,
        targetId,
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setSent(reason);
      announce('Thank you. Your report is sent.');
    } catch (error) {
      setProblem(
        error instanceof Error && error.message
          ? error.message
          : "We couldn't send this just now. Please try again in a moment.",
      );
    } finally {
      setPending(false);
    }
  }

  if (sent) {
    return (
      <>
        <Heading slot="title">Thank you for telling us</Heading>
        <p>
          A moderator will look at it. Nobody is told who sent the report.
          {sent === 'at-risk'
            ? ' The writer has been sent a private, caring message with places to find support.'
            : ''}
        </p>
        <div className="dialog-actions">
          <Button className="button button-primary" onPress={close} autoFocus>
            Close
          </Button>
        </div>
      </>
    );
  }

  const missing = attempted && !reason;
  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="form form-tight">
      <Heading slot="title">Report {what}</Heading>
      <p className="cm-dialog-lead">
        Moderators read every report. Whoever wrote it is never told who reported it.
      </p>
      <fieldset
        className="cm-fieldset"
        aria-describedby={missing ? `${ids}-missing` : undefined}
        aria-invalid={missing || undefined}
      >
        <legend>What's the matter?</legend>
        {REPORT_REASONS.map((option) => (
          <div key={option.value} className="cm-check">
            <label className="cm-check-label" htmlFor={`${ids}-${option.value}`}>
              <input
                id={`${ids}-${option.value}`}
                type="radio"
                name={`${ids}-reason`}
                value={option.value}
                checked={reason === option.value}
                onChange={() => setReason(option.value)}
                aria-describedby={`${ids}-${option.value}-detail`}
              />
              <span>{option.title}</span>
            </label>
            <span
              id={`${ids}-${option.value}-detail`}
              className="field-description cm-check-description"
            >
              {option.detail}
            </span>
          </div>
        ))}
        {missing ? (
          <span id={`${ids}-missing`} className="field-error">
            Please choose one.
          </span>
        ) : null}
      </fieldset>
      <TextAreaField
        label="Anything moderators should know (if you like)"
        description="Only moderators read this."
        value={note}
        onChange={setNote}
        maxLength={LIMITS.reportNote}
        rows={3}
      />
      <DialogActions
        problem={problem}
        close={close}
        cancel="Cancel"
        pending={pending}
        pendingLabel="Sending…"
        submit="Send report"
      />
    </form>
  );
}
