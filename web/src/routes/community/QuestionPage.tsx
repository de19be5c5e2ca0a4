import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  type Answer,
  type AnswerInput,
  LIMITS,
  type OwnProfile,
  answer as postAnswer,
  type Question,
  refreshCommunity,
  useMutes,
  useQuestion,
} from '../../api/community';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { useLocalDraft } from '../../components/useLocalDraft';
import type { Posted } from './Ask';
import { BlockAsker } from './BlockAsker';
import { useCrisisCheck } from './CrisisCheck';
import { ContentNoteField, DraftBodyField } from './Fields';
import { GuidelinesLink } from './Guidelines';
import { AnswerList, QuestionBody, questionHeading } from './Post';
import { type CommunityContext, CommunityShell } from './Shell';
import { describePostError } from './words';

export default function QuestionRoute() {
  return (
    <CommunityShell needs="guidelines">
      {(context) => <QuestionScreen context={context} />}
    </CommunityShell>
  );
}

function samePerson(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function PostedNote({ posted }: { posted: Posted }) {
  const words: Record<Posted['posted'], string> = {
    board: 'Posted. It is on the board now.',
    held: "Thank you. Because it's your first post on the board, a moderator reads it before it appears there. You'll get a notification when it's up; only you can see it until then.",
    ask: `Sent to ${posted.to ? `${posted.to}'s` : 'their'} ask box. You'll get a notification when there's an answer.`,
    answer: 'Your answer is posted, and the asker is told.',
    'answer-held':
      "Thank you. Because it's your first public answer, a moderator reads it before it's on the board. The asker can already see it.",
  };
  return (
    <p className="note" role="status">
      {words[posted.posted]}
    </p>
  );
}

function QuestionScreen({ context }: { context: CommunityContext }) {
  const { id = '' } = useParams();
  const location = useLocation();
  const posted = (location.state as Posted | null)?.posted ? (location.state as Posted) : null;
  const question = useQuestion(id);
  const mutes = useMutes(context.profile !== null);
  const muted = useMemo(
    () => new Set((mutes.data ?? []).map((m) => m.pseudonym.toLowerCase())),
    [mutes.data],
  );

  if (question.isPending) return <p className="quiet">Loading…</p>;
  if (question.isError) {
    const missing = question.error instanceof ApiError && question.error.status === 404;
    return (
      <Page
        title={missing ? 'Not found' : 'Community'}
        heading={missing ? "We couldn't find this" : "This didn't load"}
      >
        <p>
          {missing
            ? 'It may have been taken down, or it may be meant for someone else.'
            : question.error.message}
        </p>
        <p>
          <Link to="/community">Back to the board</Link>
        </p>
      </Page>
    );
  }
  const q = question.data;
  const me = context.profile;
  const isRecipient = q.to !== null && samePerson(q.to.pseudonym, me?.pseudonym) && !q.mine;
  const visible = q.status !== 'held' && q.status !== 'removed';
  const mayAnswer =
    me !== null && visible && (q.to === null ? true : isRecipient) && !(q.to !== null && q.mine);
  const mayFollowUp = me !== null && visible && (q.to === null || q.mine) && q.followUpOf === null;

  return (
    <Page title={questionHeading(q)}>
      {posted ? <PostedNote posted={posted} /> : null}
      {q.followUpOf ? (
        <p>
          A follow-up.{' '}
          <Link to={`/community/questions/${q.followUpOf}`}>Read the first question</Link>
        </p>
      ) : null}
      <article className="card cm-post" aria-label="The question">
        <QuestionBody question={q} />
      </article>
      {isRecipient ? (
        <p className="cm-section">
          <BlockAsker question={q} />
        </p>
      ) : null}
      <section aria-labelledby="answers-heading" className="cm-section">
        <h2 id="answers-heading">Answers</h2>
        {q.answers.length === 0 ? (
          <p className="quiet">
            {q.to
              ? q.mine
                ? `No answer yet. ${q.to.pseudonym} answers when they're ready, and you'll get a notification.`
                : 'No answer yet.'
              : 'No answers yet.'}
          </p>
        ) : (
          <AnswerList question={q} muted={muted} />
        )}
      </section>
      {q.followUps.length > 0 ? (
        <section aria-labelledby="follow-ups-heading" className="cm-section">
          <h2 id="follow-ups-heading">Follow-up questions</h2>
          <ol className="cm-list">
            {q.followUps.map((followUp) => (
              <li key={followUp.id}>
                <article className="card cm-post" aria-labelledby={`f-${followUp.id}`}>
                  <h3 id={`f-${followUp.id}`} className="cm-post-title">
                    <Link to={`/community/questions/${followUp.id}`}>
                      {questionHeading(followUp)}
                    </Link>
                  </h3>
                  <QuestionBody question={followUp} />
                  <AnswerList question={followUp} muted={muted} headingLevel={4} />
                  {me && followUp.status === 'open' && (followUp.to === null || isRecipient) ? (
                    <p>
                      <Link to={`/community/questions/${followUp.id}`}>Answer this follow-up</Link>
                    </p>
                  ) : null}
                </article>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {mayFollowUp ? (
        <p className="cm-section">
          <Link className="button button-quiet" to={`/community/ask?followUpOf=${q.id}`}>
            Ask a follow-up
          </Link>
        </p>
      ) : null}
      {mayAnswer && me ? (
        <AnswerForm question={q} me={me} />
      ) : me === null && visible && q.to === null ? (
        <p className="quiet cm-section">
          <Link to="/community/profile">Set up a profile</Link> to answer.
        </p>
      ) : null}
    </Page>
  );
}

type AnswerDraft = { body: string; contentWarning: string; private: boolean };

function isAnswerDraft(value: unknown): value is AnswerDraft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AnswerDraft>;
  return (
    typeof v.body === 'string' &&
    typeof v.contentWarning === 'string' &&
    typeof v.private === 'boolean'
  );
}

function answerProblem(body: string): string | null {
  if (body.trim() === '') return 'Please write your answer.';
  if (body.length > LIMITS.answer) {
    return `Please keep it under ${LIMITS.answer.toLocaleString()} characters.`;
  }
  return null;
}

function AnswerForm({ question, me }: { question: Question; me: OwnProfile }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [draft, setDraft, clearDraft, restored] = useLocalDraft<AnswerDraft>(
    `community:answer:${question.id}`,
    { body: '', contentWarning: '', private: false },
    isAnswerDraft,
  );
  const [attempted, setAttempted] = useState(false);
  const [posted, setPosted] = useState<Answer | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const submit = useSubmit<Answer>({
    describe: (error) =>
      error.fields.private
        ? 'Only someone who asked with their name can get a private answer. You can answer on the board instead.'
        : describePostError(error),
  });
  const crisis = useCrisisCheck();
  const asker = question.asker?.pseudonym ?? null;
  const isAsk = question.to !== null;
  const canBePrivate = isAsk && asker !== null;
  const privately = canBePrivate && draft.private;
  const problem = attempted ? answerProblem(draft.body) : null;
  const change = (patch: Partial<AnswerDraft>) => setDraft((current) => ({ ...current, ...patch }));

  async function post() {
    const input: AnswerInput = { body: draft.body.trim() };
    if (draft.contentWarning.trim()) input.contentWarning = draft.contentWarning.trim();
    if (privately) input.private = true;
    const result = await submit.run(() => postAnswer(question.id, input));
    if (!result.ok) {
      bodyRef.current?.focus();
      return;
    }
    setDraft({ body: '', contentWarning: '', private: false });
    clearDraft();
    setAttempted(false);
    setPosted(result.value);
    announce(
      result.value.status === 'held'
        ? 'Thank you. A moderator reads your first public answer before it is on the board.'
        : 'Your answer is posted.',
    );
    await refreshCommunity(queryClient);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    setAttempted(true);
    if (answerProblem(draft.body)) {
      bodyRef.current?.focus();
      return;
    }
    await crisis.beforePosting([draft.body, draft.contentWarning].filter(Boolean).join('\n'), post);
  }

  const askerName = asker ?? 'the person who asked';
  const whoSees = privately
    ? `Only ${askerName} and you will see this answer. It won't be on the board.`
    : isAsk
      ? `Everyone in the community will see your answer on the board, with the question, under your pseudonym, ${me.pseudonym}.${
          asker === null ? ' The person who asked stays anonymous.' : ''
        }`
      : `Everyone in the community will see your answer, under your pseudonym, ${me.pseudonym}.`;

  return (
    <section aria-labelledby={`${ids}-heading`} className="cm-section card">
      <h2 id={`${ids}-heading`}>{isAsk ? `Answer ${asker ?? 'this ask'}` : 'Your answer'}</h2>
      {posted ? (
        <p className="note" role="status">
          {posted.status === 'held'
            ? "Thank you. Because it's your first public answer, a moderator reads it before it's on the board. The asker can already see it."
            : 'Your answer is posted, and the asker is told.'}
        </p>
      ) : null}
      <form
        className="form form-tight"
        onSubmit={(event) => void onSubmit(event)}
        aria-labelledby={`${ids}-heading`}
        noValidate
      >
        {canBePrivate ? (
          <fieldset className="cm-fieldset">
            <legend>Who sees your answer</legend>
            <label className="cm-check-label">
              <input
                type="radio"
                name={`${ids}-where`}
                checked={!draft.private}
                onChange={() => change({ private: false })}
              />
              <span>Everyone, on the board</span>
            </label>
            <label className="cm-check-label">
              <input
                type="radio"
                name={`${ids}-where`}
                checked={draft.private}
                onChange={() => change({ private: true })}
              />
              <span>Only {asker}</span>
            </label>
          </fieldset>
        ) : null}
        <p className="cm-who">
          <strong>Who sees this: </strong>
          {whoSees}
          {!privately && !me.trusted
            ? ' Your first public answer is read by a moderator before it appears on the board.'
            : ''}
        </p>
        <FormMessage message={submit.message} />
        <DraftBodyField
          label="Your answer"
          restored={restored}
          value={draft.body}
          onChange={(body) => change({ body })}
          problem={problem}
          check={answerProblem}
          submit={submit}
          maxLength={LIMITS.answer}
          inputRef={bodyRef}
        />
        <ContentNoteField
          description="If your answer touches on something heavy, name it in a few words."
          value={draft.contentWarning}
          onChange={(contentWarning) => change({ contentWarning })}
          tooLong={Boolean(submit.fieldErrors.contentWarning)}
        />
        <GuidelinesLink />
        <button
          type="submit"
          className="button button-primary"
          aria-disabled={submit.pending || undefined}
        >
          {submit.pending ? 'Posting…' : privately ? `Send to ${asker}` : 'Post the answer'}
        </button>
      </form>
      {crisis.dialog}
    </section>
  );
}
