import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  type MouseEvent,
  useDeferredValue,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Link, Navigate, useParams, useSearchParams } from 'react-router';
import { ApiError, request } from '../../api/client';
import {
  createLetter,
  type Letter,
  letterExportUrl,
  refreshLetters,
  TITLE_MAX,
} from '../../api/letters';
import { type Message, refreshMessages, sendMessage } from '../../api/messages';
import { fetchRelationships, type Relationship, useRelationships } from '../../api/relationships';
import type { Rupture } from '../../api/ruptures';
import { useAnnounce } from '../../components/Announcer';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { shortDate, timeOfDay } from '../../words';
import {
  type DraftSnapshot,
  hasCopyOnDevice,
  type OpenedLetter,
  openLetter,
  type SaveState,
  type SetAside,
  useLetterDraft,
  wordCount,
} from './letterDraft';
import './letters.css';
import '../relationship/messages.css';

export default function LetterEditorRoute() {
  return <SignedIn>{() => <LetterRoute />}</SignedIn>;
}

function LetterRoute() {
  // `/letters/new` may have its own route (no id) or come through `/letters/:id`.
  const { id } = useParams();
  if (id === undefined || id === 'new') return <NewLetter />;
  return <OpenLetter key={id} id={id} />;
}

/** Letters live on the relationship page's Letters tab. */
function lettersTab(relationshipId: string): string {
  return `/relationships/${encodeURIComponent(relationshipId)}?tab=letters`;
}

// --- A new letter (from the Letters tab or from a rupture record) -----------------------------

/**
 * A gentle outline from a rupture record: its questions as headings, each followed by the
 * person's own words from the record, or left open for them.
 */
export function outlineFrom(rupture: Rupture): string {
  const sections: [string, string | null][] = [
    ['What happened', rupture.whatHappened],
    ['How it felt for me', rupture.myExperience],
  ];
  if (rupture.theirSide?.trim()) sections.push(['How I imagine it was for you', rupture.theirSide]);
  sections.push(['What it reminded me of', rupture.echoes], ['What I need', rupture.needs]);
  return sections.map(([heading, words]) => `${heading}\n${words?.trim() ?? ''}\n`).join('\n');
}

async function startLetter(relationshipId: string, ruptureId: string | null): Promise<Letter> {
  const relationships = await fetchRelationships();
  const relationship = relationships.find((r) => r.id === relationshipId);
  if (!relationship) {
    throw new ApiError(404, 'not_found', "We couldn't find that relationship.");
  }
  const greeting = `Letter to ${relationship.therapistName}`;
  if (!ruptureId) return createLetter(relationship.id, { title: greeting, body: '' });
  const { rupture } = await request<{ rupture: Rupture }>(
    'GET',
    `/api/ruptures/${encodeURIComponent(ruptureId)}`,
  );
  return createLetter(relationship.id, {
    title: `${greeting} about ${rupture.title.trim()}`.slice(0, TITLE_MAX).trim(),
    body: outlineFrom(rupture),
    ruptureId: rupture.id,
  });
}

function NewLetter() {
  const [search] = useSearchParams();
  const relationshipId = search.get('relationship') ?? '';
  const ruptureId = search.get('rupture');
  // A query, not a mutation, so that showing this page twice (StrictMode, a double click)
  // creates one letter.
  const created = useQuery({
    queryKey: ['new-letter', relationshipId, ruptureId],
    queryFn: () => startLetter(relationshipId, ruptureId),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  if (created.isPending) return <p className="quiet">Opening a new letter…</p>;
  if (created.isError) {
    return (
      <Page title="New letter" heading="We couldn't start your letter">
        <p>{created.error.message}</p>
        <p className="actions">
          <button
            type="button"
            className="button button-primary"
            onClick={() => void created.refetch()}
          >
            Try again
          </button>
          {relationshipId ? (
            <Link className="button button-quiet" to={lettersTab(relationshipId)}>
              Back to your letters
            </Link>
          ) : null}
        </p>
      </Page>
    );
  }
  return <Navigate to={`/letters/${created.data.id}`} replace />;
}

// --- An existing letter ---------------------------------------------------------------------

function OpenLetter({ id }: { id: string }) {
  const opened = useQuery({
    queryKey: ['letter-editor', id],
    queryFn: () => openLetter(id),
    // The draft keeps the letter from here on; nothing is fetched behind its back.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnReconnect: false,
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });

  if (opened.isPending) return <p className="quiet">Opening your letter…</p>;
  if (opened.isError) {
    if (opened.error instanceof ApiError && opened.error.status === 404) {
      return (
        <Page title="Not found" heading="We couldn't find this letter">
          <p>The link may be old, or it may belong to another account.</p>
          <p>
            <Link to="/">Go to Today</Link>
          </p>
        </Page>
      );
    }
    return (
      <Page title="Letter" heading="Your letter didn't open">
        <p>{opened.error.message}</p>
        {hasCopyOnDevice(id) ? (
          <p className="note">
            What you wrote on this device is safe here, and will be in the letter when it opens.
          </p>
        ) : null}
        <button
          type="button"
          className="button button-primary"
          onClick={() => void opened.refetch()}
        >
          Try again
        </button>
      </Page>
    );
  }
  return <Editor opened={opened.data} />;
}

const ON_DEVICE = 'Saved on this device';

/** The save state in words, as shown beside the letter. */
function stateWords(snapshot: DraftSnapshot): string {
  const kept = snapshot.onDevice ? ON_DEVICE : 'Not saved yet';
  switch (snapshot.state) {
    case 'saved':
      return 'Saved';
    case 'pending':
      return 'Saving…';
    case 'offline':
      return snapshot.onDevice
        ? `${ON_DEVICE} — will save to Attune when you're back online`
        : "Not saved yet — please keep this page open until you're back online";
    case 'unavailable':
      return `${kept} — Attune isn't answering just now; it will keep trying`;
    case 'conflict':
      return `${kept} — this letter was also changed elsewhere; both versions are here`;
    case 'needs-change':
      return `${kept} — ${
        snapshot.problem?.field === 'title'
          ? 'the title needs a look'
          : snapshot.problem?.field === 'body'
            ? 'the letter is longer than one letter can hold'
            : 'Attune could not take it as it is'
      }`;
    case 'signed-out':
      return `${kept} — sign in again to save it to Attune`;
    case 'gone':
      return `${kept} — Attune no longer has this letter, so please copy your text somewhere safe`;
  }
}

/** What a screen reader hears when the state changes (never on each keystroke). */
function stateAnnouncement(snapshot: DraftSnapshot): string {
  switch (snapshot.state) {
    case 'saved':
      return 'Saved';
    case 'conflict':
      return 'This letter was also changed in another tab or device. Your text here is kept; the other version is shown below it.';
    case 'needs-change':
      return snapshot.problem?.message ?? stateWords(snapshot);
    default:
      return `${stateWords(snapshot)}.`;
  }
}

function Editor({ opened }: { opened: OpenedLetter }) {
  const queryClient = useQueryClient();
  const { relationshipId } = opened.letter;
  const letterId = opened.letter.id;
  // The Letters tab shows when each letter was last saved, and how long it is.
  const [snapshot, draft] = useLetterDraft(opened, () => {
    void refreshLetters(queryClient, relationshipId);
  });
  const announce = useAnnounce();
  const relationships = useRelationships();
  const relationship = relationships.data?.find((r) => r.id === relationshipId);
  const therapistName = relationship?.therapistName;
  const [sentAt, setSentAt] = useState<string | null>(opened.letter.sentAt);
  const ids = useId();
  const titleId = `${ids}-title`;
  const bodyId = `${ids}-body`;
  const stateId = `${ids}-state`;
  const countId = `${ids}-count`;
  const problemId = `${ids}-problem`;
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [exportNote, setExportNote] = useState<string | null>(null);

  const { text, state, problem } = snapshot;
  // Counted when typing pauses for a moment, so a long letter never slows a keystroke.
  const deferredBody = useDeferredValue(text.body);
  const words = useMemo(() => wordCount(deferredBody), [deferredBody]);

  // Announce a change of state, not each save: "Saved" once, then again only after something
  // else (offline, two versions) was said. The state the page opens in is simply shown.
  const spoken = useRef<SaveState | null | undefined>(undefined);
  useEffect(() => {
    if (spoken.current === undefined) {
      spoken.current = state === 'saved' ? null : state;
      return;
    }
    if (state === 'pending' || state === spoken.current) return;
    spoken.current = state;
    announce(stateAnnouncement(draft.getSnapshot()));
  }, [state, announce, draft]);

  function download(event: MouseEvent<HTMLAnchorElement>) {
    const now = draft.getSnapshot();
    if (now.state === 'saved') {
      setExportNote(null);
      return;
    }
    event.preventDefault();
    if (now.conflict) {
      setExportNote(
        'There are two versions of this letter just now. Please choose one first; then the download holds it.',
      );
      return;
    }
    const link = event.currentTarget;
    void draft.saveNow().then((saved) => {
      if (saved) {
        setExportNote(null);
        link.click();
      } else {
        setExportNote(
          'The download holds what is saved in Attune, and your latest words are not there yet. They are safe on this device; please try again once it says "Saved".',
        );
      }
    });
  }

  function keepMine() {
    draft.keepMine();
    announce('Your text is kept and is being saved as the letter.');
    bodyRef.current?.focus();
  }

  function takeOther() {
    draft.takeOther();
    announce(
      'The other version is now in the editor. Your previous text is kept below it, under "Your previous text".',
    );
    bodyRef.current?.focus();
  }

  const titleProblem = problem?.field === 'title' ? problem.message : null;
  const bodyProblem = problem && problem.field !== 'title' ? problem.message : null;

  return (
    <Page
      title={text.title.trim() || 'Letter'}
      heading={therapistName ? `A letter to ${therapistName}` : 'Your letter'}
    >
      <p className="letter-intro quiet">
        {sentAt && therapistName
          ? `You sent this letter to ${therapistName} as a message on ${shortDate(sentAt)}. What you change here now stays with you. It saves as you write.`
          : 'Only you can see this letter; nothing is sent. It saves as you write.'}{' '}
        <Link to={lettersTab(relationshipId)}>Back to your letters</Link>
      </p>
      {snapshot.restored && !snapshot.conflict ? (
        <p className="note">We kept what you wrote on this device, and it's all here.</p>
      ) : null}

      <div className="letter-editor">
        <div className="field">
          <label htmlFor={titleId} className="field-label">
            Title
          </label>
          <input
            id={titleId}
            className="field-input letter-title"
            type="text"
            autoComplete="off"
            spellCheck
            value={text.title}
            onChange={(event) => draft.edit({ title: event.target.value })}
            onBlur={() => void draft.saveNow()}
            aria-invalid={titleProblem ? true : undefined}
            aria-describedby={titleProblem ? problemId : undefined}
          />
          {titleProblem ? (
            <p id={problemId} className="field-error">
              {titleProblem}
            </p>
          ) : null}
        </div>

        <div className="field">
          <div className="letter-bar">
            <label htmlFor={bodyId} className="field-label">
              Your letter
            </label>
            <p id={stateId} className="letter-state" data-state={state}>
              {stateWords(snapshot)}
              {state === 'conflict' ? (
                <>
                  {' '}
                  <a href="#letter-versions">See both</a>
                </>
              ) : null}
            </p>
          </div>
          <textarea
            ref={bodyRef}
            id={bodyId}
            className="field-input field-textarea letter-body"
            spellCheck
            autoCapitalize="sentences"
            value={text.body}
            onChange={(event) => draft.edit({ body: event.target.value })}
            onBlur={() => void draft.saveNow()}
            aria-invalid={bodyProblem ? true : undefined}
            aria-describedby={`${stateId} ${countId}${bodyProblem ? ` ${problemId}` : ''}`}
          />
          {bodyProblem ? (
            <p id={problemId} className="field-error">
              {bodyProblem}
            </p>
          ) : null}
          <p id={countId} className="letter-count quiet small">
            {words === 1 ? '1 word' : `${words.toLocaleString()} words`}
            {state === 'saved' ? (
              <>
                {' · '}last saved {shortDate(snapshot.saved.at)}, {timeOfDay(snapshot.saved.at)}
              </>
            ) : null}
          </p>
        </div>

        {snapshot.conflict ? (
          <Versions
            other={snapshot.conflict}
            myTitle={text.title}
            onKeepMine={keepMine}
            onUseOther={takeOther}
          />
        ) : null}
        {snapshot.setAside.length > 0 ? (
          <PreviousText
            items={snapshot.setAside}
            onForget={(at) => {
              draft.forgetSetAside(at);
              announce('That earlier text is removed from this device.');
              if (draft.getSnapshot().setAside.length === 0) bodyRef.current?.focus();
            }}
          />
        ) : null}

        <section className="letter-export" aria-labelledby={`${ids}-export`}>
          <h2 id={`${ids}-export`}>Keep a copy</h2>
          <p className="quiet small">
            A file of the letter as saved in Attune, to keep or to send in your own way.
          </p>
          <p className="actions">
            <a
              className="button button-quiet"
              href={letterExportUrl(letterId, 'md')}
              download
              onClick={download}
            >
              Download as Markdown
            </a>
            <a
              className="button button-quiet"
              href={letterExportUrl(letterId, 'pdf')}
              download
              onClick={download}
            >
              Download as PDF
            </a>
          </p>
          {exportNote ? <p className="note">{exportNote}</p> : null}
        </section>

        {relationship?.mode === 'connected' && relationship.status === 'active' ? (
          <SendAsMessage
            relationship={relationship}
            letterId={letterId}
            title={text.title}
            body={text.body}
            sentAt={sentAt}
            onSent={(message) => setSentAt(message.sentAt)}
          />
        ) : null}
      </div>
    </Page>
  );
}

function Versions({
  other,
  myTitle,
  onKeepMine,
  onUseOther,
}: {
  other: NonNullable<DraftSnapshot['conflict']>;
  myTitle: string;
  onKeepMine: () => void;
  onUseOther: () => void;
}) {
  const ids = useId();
  const otherTitle = other.title.trim();
  return (
    <section id="letter-versions" className="letter-versions" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`}>Two versions of this letter</h2>
      <p>
        This letter was also changed in another tab or device. Your text here is kept. The other
        version:
      </p>
      <div className="field">
        <label htmlFor={`${ids}-other`} className="field-label">
          The other version
          {otherTitle !== myTitle.trim() ? `, titled “${otherTitle}”` : ''}
          <span className="quiet small"> (read-only; you can copy from it)</span>
        </label>
        <textarea
          id={`${ids}-other`}
          className="field-input field-textarea letter-version"
          readOnly
          value={other.body}
        />
      </div>
      <p className="actions">
        <button type="button" className="button button-primary" onClick={onKeepMine}>
          Keep mine
        </button>
        <button type="button" className="button button-quiet" onClick={onUseOther}>
          Use the other version
        </button>
      </p>
      <p className="quiet small">
        “Keep mine” saves your text above as the letter. “Use the other version” puts the other text
        in the editor and keeps yours on this device, under “Your previous text”.
      </p>
    </section>
  );
}

function PreviousText({ items, onForget }: { items: SetAside[]; onForget: (at: number) => void }) {
  return (
    <details className="letter-previous">
      <summary>Your previous text</summary>
      {items.map((item) => (
        <PreviousItem key={item.at} item={item} onForget={() => onForget(item.at)} />
      ))}
    </details>
  );
}

/** One set-aside text; letting it go takes a second, explicit "yes". */
function PreviousItem({ item, onForget }: { item: SetAside; onForget: () => void }) {
  const ids = useId();
  const [asking, setAsking] = useState(false);
  const keepRef = useRef<HTMLButtonElement>(null);
  const askRef = useRef<HTMLButtonElement>(null);
  const at = new Date(item.at).toISOString();

  useEffect(() => {
    if (asking) keepRef.current?.focus();
  }, [asking]);

  return (
    <div className="letter-previous-item">
      <div className="field">
        <label htmlFor={`${ids}-text`} className="field-label">
          Your text from {shortDate(at)}, {timeOfDay(at)}
          {item.title.trim() ? `, titled “${item.title.trim()}”` : ''}
        </label>
        <textarea
          id={`${ids}-text`}
          className="field-input field-textarea letter-version"
          readOnly
          value={item.body}
        />
      </div>
      {asking ? (
        <div className="letter-forget">
          <p id={`${ids}-ask`}>Remove this text from this device? It is not saved anywhere else.</p>
          <p className="actions">
            <button
              ref={keepRef}
              type="button"
              aria-describedby={`${ids}-ask`}
              className="button button-primary button-small"
              onClick={() => {
                setAsking(false);
                // Back to where the question was asked.
                requestAnimationFrame(() => askRef.current?.focus());
              }}
            >
              Keep it
            </button>
            <button type="button" className="button button-quiet button-small" onClick={onForget}>
              Yes, remove it
            </button>
          </p>
        </div>
      ) : (
        <button
          ref={askRef}
          type="button"
          className="button button-quiet button-small"
          onClick={() => setAsking(true)}
        >
          I don't need this text any more
        </button>
      )}
    </div>
  );
}

/** What is sent when a letter goes as a message: its title, a blank line, and the letter. */
function messageText(title: string, body: string): string {
  const heading = title.trim();
  return heading ? `${heading}\n\n${body}` : body;
}

/**
 * Sending the letter to a connected therapist as a message: first the exact text and who will see
 * it, then, only on "Send", the message.
 */
function SendAsMessage({
  relationship,
  letterId,
  title,
  body,
  sentAt,
  onSent,
}: {
  relationship: Relationship;
  letterId: string;
  title: string;
  body: string;
  sentAt: string | null;
  onSent: (message: Message) => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const ids = useId();
  const name = relationship.therapistName;
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // What the dialog shows is exactly what is sent, fixed when it opens.
  const [shown, setShown] = useState('');
  const empty = body.trim() === '';

  async function send(close: () => void) {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      const message = await sendMessage(relationship.id, { body: shown, letterId });
      onSent(message);
      close();
      await Promise.all([
        refreshMessages(queryClient, relationship.id),
        refreshLetters(queryClient, relationship.id),
      ]);
      announce(`Sent to ${name}. It's in your messages.`);
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error.message
          : "We couldn't send it just now. Your letter is safe here; please try again.",
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="letter-send" aria-labelledby={`${ids}-send`}>
      <h2 id={`${ids}-send`}>Send it to {name}</h2>
      {sentAt ? (
        <p>
          Sent on {shortDate(sentAt)}, {timeOfDay(sentAt)}.{' '}
          <Link to={`/relationships/${encodeURIComponent(relationship.id)}?tab=messages`}>
            See it in your messages
          </Link>
        </p>
      ) : (
        <p className="quiet small">
          When you're ready, you can send this letter to {name} as a message. You'll see exactly
          what goes first.
        </p>
      )}
      {empty ? (
        <p className="quiet small">Once there are words in your letter, you can send it.</p>
      ) : (
        <DialogTrigger
          onOpenChange={(open) => {
            if (open) setShown(messageText(title, body));
            setProblem(null);
          }}
        >
          <Button className="button button-quiet">
            {sentAt ? `Send to ${name} again as a message` : `Send to ${name} as a message`}
          </Button>
          <ModalOverlay className="modal-overlay" isDismissable={!pending}>
            <Modal className="modal">
              <Dialog className="dialog">
                {({ close }) => (
                  <>
                    <Heading slot="title">Send this letter to {name}?</Heading>
                    <p id={`${ids}-who`}>
                      {name} will see this in your messages. You can't unsend it.
                    </p>
                    <div className="field">
                      <label className="field-label" htmlFor={`${ids}-what`}>
                        What will be sent
                      </label>
                      <textarea
                        id={`${ids}-what`}
                        className="field-input field-textarea send-preview"
                        readOnly
                        value={shown}
                      />
                    </div>
                    {problem ? (
                      <p role="alert" className="form-message">
                        {problem}
                      </p>
                    ) : null}
                    <div className="dialog-actions">
                      <Button className="button button-quiet" onPress={close} autoFocus>
                        Not now
                      </Button>
                      <Button
                        className="button button-primary"
                        onPress={() => void send(close)}
                        aria-describedby={`${ids}-who`}
                      >
                        {pending ? 'Sending…' : `Send it to ${name}`}
                      </Button>
                    </div>
                  </>
                )}
              </Dialog>
            </Modal>
          </ModalOverlay>
        </DialogTrigger>
      )}
    </section>
  );
}
