import { useEffect, useId, useRef, useState } from 'react';
import type { User } from '../../api/auth';
import { ApiError } from '../../api/client';
import { CHECKINS_CSV_URL, fetchExport, formatBytes } from '../../api/export';
import { useAnnounce } from '../../components/Announcer';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';

export default function ExportRoute() {
  return <SignedIn>{(user) => <Export user={user} />}</SignedIn>;
}

const TITLE = 'Export your data';

/** How often the "received" line may change while the file arrives. */
const PROGRESS_EVERY_MS = 150;

type State =
  | { step: 'idle' }
  | { step: 'preparing'; bytes: number }
  | { step: 'ready'; url: string; filename: string; bytes: number }
  | { step: 'failed'; message: string; signedOut: boolean };

const LIST_STYLE = { margin: '0.5rem 0 0', paddingLeft: '1.25rem' } as const;

function Export({ user }: { user: User }) {
  const announce = useAnnounce();
  const [state, setState] = useState<State>({ step: 'idle' });
  const abortRef = useRef<AbortController | null>(null);
  const urlRef = useRef<string | null>(null);
  const downloadRef = useRef<HTMLAnchorElement>(null);
  const progressId = useId();
  const includedId = useId();
  const keepSafeId = useId();

  // The file lives in memory until the page is left; then it is let go, and a request still
  // under way is stopped.
  useEffect(
    () => () => {
      abortRef.current?.abort();
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    },
    [],
  );

  useEffect(() => {
    if (state.step === 'ready') downloadRef.current?.focus();
  }, [state.step]);

  async function prepare() {
    if (state.step === 'preparing') return;
    if (urlRef.current) {
      URL.revokeObjectURL(urlRef.current);
      urlRef.current = null;
    }
    const controller = new AbortController();
    abortRef.current = controller;
    setState({ step: 'preparing', bytes: 0 });
    announce('Preparing your file. This can take a little while.');
    let shownAt = 0;
    try {
      const file = await fetchExport((bytes) => {
        const now = Date.now();
        if (now - shownAt < PROGRESS_EVERY_MS) return;
        shownAt = now;
        setState({ step: 'preparing', bytes });
      }, controller.signal);
      const url = URL.createObjectURL(file.blob);
      urlRef.current = url;
      setState({ step: 'ready', url, filename: file.filename, bytes: file.blob.size });
      announce(`Your file is ready to download: ${formatBytes(file.blob.size)}.`);
    } catch (error) {
      if (controller.signal.aborted) return;
      const signedOut = error instanceof ApiError && error.status === 401;
      const message =
        error instanceof ApiError
          ? error.message
          : 'Something went wrong on our side. Please try again in a moment.';
      setState({ step: 'failed', message, signedOut });
      announce(`We couldn't prepare your file. ${message}`);
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
  }

  function stop() {
    abortRef.current?.abort();
    abortRef.current = null;
    setState({ step: 'idle' });
    announce('Stopped. Nothing was saved.');
  }

  const isClient = user.role === 'client';

  return (
    <Page title={TITLE}>
      <p className="lead">
        You can take a copy of what you have put into Attune, to keep or to bring somewhere else.
      </p>

      <section className="card" aria-labelledby={includedId}>
        <h2 id={includedId}>What the file holds</h2>
        {isClient ? (
          <ul style={LIST_STYLE}>
            <li>Your account: your name, email and when you joined.</li>
            <li>Your relationships and appointments.</li>
            <li>Your check-ins, including the ones you kept private.</li>
            <li>
              Your rupture records with their repair steps, your parts, letters (drafts too), good
              moments and what you wanted to bring to sessions.
            </li>
            <li>
              The agreements you wrote or acknowledged, and the messages you sent and received.
            </li>
            <li>Your appointment requests and notification settings.</li>
          </ul>
        ) : (
          <ul style={LIST_STYLE}>
            <li>Your account: your name, email and when you joined.</li>
            <li>Your relationships with clients, and their appointments.</li>
            <li>Your own check-ins and the repair steps you wrote.</li>
            <li>
              The agreements you wrote or acknowledged, and the messages you sent and received.
            </li>
            <li>Your regular slots, time off, open times and notification settings.</li>
          </ul>
        )}
        {isClient ? null : (
          <p className="note">
            It holds what you wrote. Your clients' own writing — their check-ins, records and
            letters — stays theirs and is not in it.
          </p>
        )}
        <p className="quiet">
          The file is JSON. Your check-ins are also in it as FHIR questionnaire responses, a format
          many health record systems can read. Passwords and sign-in details are never included.
        </p>
      </section>

      <section className="card" aria-labelledby={keepSafeId}>
        <h2 id={keepSafeId}>Please keep it safe</h2>
        <p>
          {isClient
            ? 'This file holds private writing: your check-in notes, records, letters and messages.'
            : 'This file holds private writing: your notes and your messages with clients.'}{' '}
          Anyone who opens it can read all of it. Keep it somewhere only you can reach, and think
          twice before emailing it or leaving it on a shared device.
        </p>
      </section>

      <div aria-describedby={progressId}>
        {state.step === 'ready' ? (
          <p>
            <a
              ref={downloadRef}
              className="button button-primary"
              href={state.url}
              download={state.filename}
            >
              Download your file ({formatBytes(state.bytes)})
            </a>
          </p>
        ) : (
          <p>
            <button
              type="button"
              className="button button-primary"
              aria-disabled={state.step === 'preparing' || undefined}
              onClick={() => void prepare()}
            >
              {state.step === 'preparing'
                ? 'Preparing…'
                : state.step === 'failed'
                  ? 'Try again'
                  : 'Prepare my file'}
            </button>
            {state.step === 'preparing' ? (
              <>
                {' '}
                <button type="button" className="button button-quiet" onClick={stop}>
                  Stop
                </button>
              </>
            ) : null}
          </p>
        )}
        <p id={progressId} className="quiet">
          {state.step === 'preparing'
            ? `Preparing… ${formatBytes(state.bytes)} received.`
            : state.step === 'ready'
              ? `Ready: ${state.filename}.`
              : null}
        </p>
        {state.step === 'ready' ? (
          <p>
            <button type="button" className="button button-quiet" onClick={() => void prepare()}>
              Prepare a fresh copy
            </button>
          </p>
        ) : null}
        {state.step === 'failed' ? (
          <div className="form-message" role="alert">
            <p>
              We couldn't prepare your file. {state.message}
              {state.signedOut ? (
                <>
                  {' '}
                  <a href="/sign-in">Sign in again</a>
                </>
              ) : null}
            </p>
          </div>
        ) : null}
      </div>

      <p>
        Only want your check-ins?{' '}
        <a href={CHECKINS_CSV_URL} download>
          Download your check-ins as a spreadsheet (CSV)
        </a>
        .
      </p>
    </Page>
  );
}
