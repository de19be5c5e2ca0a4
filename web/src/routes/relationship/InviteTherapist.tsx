import { type RefObject, useId, useRef, useState } from 'react';
import { createInvite, type Invite, type Relationship } from '../../api/relationships';
import { useAnnounce } from '../../components/Announcer';
import { longDate, timeOfDay } from '../../words';

/**
 * Inviting the therapist: first what connecting means, in plain words, and only then, on
 * request, the single-use code and its link.
 */
export function InviteTherapist({ relationship }: { relationship: Relationship }) {
  const name = relationship.therapistName;
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const announce = useAnnounce();
  const codeRef = useRef<HTMLParagraphElement>(null);

  async function make() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      const made = await createInvite(relationship.id);
      setInvite(made);
      announce(`Your invite code is ready: ${made.code.split('').join(' ')}.`);
      // The code replaces the button that made it: keep the keyboard where the code is.
      window.setTimeout(() => codeRef.current?.focus(), 0);
    } catch {
      setProblem("We couldn't make a code just now. Please try again in a moment.");
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby={`${panelId}-heading`} className="card invite">
      <h2 id={`${panelId}-heading`}>Invite your therapist</h2>
      <p>If {name} uses Attune too, you can connect. Until then, everything here is yours alone.</p>
      {!open ? (
        <button
          type="button"
          className="button button-quiet"
          aria-expanded="false"
          aria-controls={panelId}
          onClick={() => setOpen(true)}
        >
          Invite your therapist
        </button>
      ) : null}
      <div id={panelId} hidden={!open}>
        <h3>What {name} will see once connected</h3>
        <ul className="plain-list">
          <li>Your sessions: the dates, times and kinds you and {name} record.</li>
          <li>
            The check-ins you choose to share from then on. Each new check-in asks you first, and
            you can keep any one private.
          </li>
          <li>What Attune notices in the check-ins they can see, such as a lower score.</li>
        </ul>
        <h3>What stays yours</h3>
        <ul className="plain-list">
          <li>
            Your earlier check-ins stay private. Nothing you recorded before is shared, unless you
            choose to share a check-in later.
          </li>
          <li>You can make a shared check-in private again at any time.</li>
        </ul>
        <p>{name}'s own check-ins will be visible to you.</p>
        {invite ? (
          <InviteCode invite={invite} name={name} codeRef={codeRef} />
        ) : (
          <p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => void make()}
              aria-disabled={pending || undefined}
            >
              {pending ? 'Making a code…' : 'Make an invite code'}
            </button>
          </p>
        )}
        {problem ? (
          <p role="alert" className="form-message">
            {problem}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function InviteCode({
  invite,
  name,
  codeRef,
}: {
  invite: Invite;
  name: string;
  codeRef: RefObject<HTMLParagraphElement | null>;
}) {
  const link = `${window.location.origin}/invite/${invite.code}`;
  const linkId = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('The link is copied. You can paste it into a message to your therapist.');
    } catch {
      // Without clipboard access (e.g. an address that is not https), select it for copying.
      inputRef.current?.select();
      setCopied("We couldn't copy it for you: the link is selected, so you can copy it yourself.");
    }
  }

  return (
    <div className="invite-code">
      <p className="field-label">Your invite code</p>
      <p className="code" ref={codeRef} tabIndex={-1}>
        {invite.code}
      </p>
      <label className="field-label" htmlFor={linkId}>
        Or share this link
      </label>
      <div className="copy-row">
        <input
          id={linkId}
          ref={inputRef}
          className="field-input"
          readOnly
          value={link}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" className="button button-quiet" onClick={() => void copy()}>
          Copy link
        </button>
      </div>
      <p className="quiet small" aria-live="polite">
        {copied}
      </p>
      <p>
        The code works once, for one therapist, and expires in 7 days ({longDate(invite.expiresAt)},{' '}
        {timeOfDay(invite.expiresAt)}). Send it to {name} in the way you usually get in touch. If it
        runs out, you can make a new one here.
      </p>
    </div>
  );
}
