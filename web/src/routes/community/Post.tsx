import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { Link } from 'react-router';
import {
  type Answer,
  type Helped,
  markHelped,
  type Question,
  refreshCommunity,
} from '../../api/community';
import { useAnnounce } from '../../components/Announcer';
import { ReportButton } from './ReportDialog';
import { excerpt, postDate, statusWords, tagWords } from './words';

/**
 * A post's words, folded when it carries a content note or one of my muted words: the note is
 * read first, and the words show only when the person chooses.
 */
export function Fold({
  contentWarning,
  collapsed,
  mine = false,
  children,
}: {
  contentWarning: string | null;
  collapsed: boolean;
  /** The writer's own words are not hidden from them; the note still shows. */
  mine?: boolean;
  children: ReactNode;
}) {
  const id = useId();
  const folds = collapsed || Boolean(contentWarning);
  const [open, setOpen] = useState(!folds || mine);
  if (!folds) return <>{children}</>;
  return (
    <div className="cm-fold">
      <p className="cm-fold-line">
        {collapsed ? <span>Hidden because it has a word you muted</span> : null}
        {collapsed && contentWarning ? <span> · </span> : null}
        {contentWarning ? (
          <span>
            Content note: <span className="cm-fold-note">{contentWarning}</span>
          </span>
        ) : null}
        <span aria-hidden="true"> · </span>
        <button
          type="button"
          className="cm-link-button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((current) => !current)}
        >
          {open ? 'Hide' : 'Show'}
          <span className="visually-hidden"> the words</span>
        </button>
      </p>
      <div id={id} hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}

/** The text of a post, its paragraphs kept. */
export function Body({ text }: { text: string }) {
  return <div className="cm-body">{text}</div>;
}

/** "This helped": a toggle for others' posts, with no counts; only whether anybody has. */
export function HelpedButton({
  target,
  id,
  helped,
  mine,
}: {
  target: 'question' | 'answer';
  id: string;
  helped: Helped;
  mine: boolean;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [state, setState] = useState<Helped>(helped);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (mine) {
    return state.someone ? <p className="quiet small cm-helped">This helped someone.</p> : null;
  }

  async function toggle() {
    if (pending) return;
    const next = !state.byMe;
    setPending(true);
    setProblem(null);
    setState((current) => ({ byMe: next, someone: next || current.someone }));
    try {
      setState(await markHelped(target, id, next));
      announce(next ? 'Marked as helpful.' : 'No longer marked as helpful.');
      void refreshCommunity(queryClient);
    } catch {
      setState(helped);
      setProblem("That didn't save just now. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="cm-helped">
      <button
        type="button"
        className="button button-quiet button-small"
        aria-pressed={state.byMe}
        onClick={() => void toggle()}
      >
        {state.byMe ? '✓ This helped' : 'This helped'}
      </button>
      {state.someone && !state.byMe ? (
        <span className="quiet small">It helped someone.</span>
      ) : null}
      {problem ? (
        <span role="alert" className="field-error">
          {problem}
        </span>
      ) : null}
    </span>
  );
}

function Byline({ author, anonymous }: { author: Question['asker']; anonymous: boolean }) {
  if (author) {
    return (
      <Link to={`/community/people/${encodeURIComponent(author.pseudonym)}`}>
        {author.pseudonym}
      </Link>
    );
  }
  return <span>{anonymous ? 'someone anonymous' : 'someone no longer here'}</span>;
}

/** The heading of a question: its title, or its first words when they are not folded. */
export function questionHeading(question: Question): string {
  if (question.title) return question.title;
  if (question.contentWarning || question.collapsed) return 'A question';
  return excerpt(question.body);
}

/** Whether a question's heading already says all of it (short, untitled, not folded). */
export function headingIsBody(question: Question): boolean {
  return questionHeading(question) === question.body.replace(/\s+/g, ' ').trim();
}

export function QuestionMeta({ question }: { question: Question }) {
  const status = statusWords(question.status, question.mine);
  return (
    <p className="quiet small cm-meta">
      {question.mine ? (
        <span>You asked{question.anonymous ? ' anonymously' : ''}</span>
      ) : (
        <span>
          Asked by <Byline author={question.asker} anonymous={question.anonymous} />
        </span>
      )}
      {question.to ? (
        <span>
          {' '}
          · to{' '}
          <Link to={`/community/people/${encodeURIComponent(question.to.pseudonym)}`}>
            {question.to.pseudonym}
          </Link>
          's ask box
        </span>
      ) : null}
      <span> · {postDate(question.createdAt)}</span>
      {status ? <span> · {status}</span> : null}
    </p>
  );
}

export function Tags({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <ul className="cm-tags" aria-label="Topics">
      {tags.map((tag) => (
        <li key={tag}>
          <Link to={`/community?tag=${encodeURIComponent(tag)}`}>{tagWords(tag)}</Link>
        </li>
      ))}
    </ul>
  );
}

/** Beside words that hold crisis language: a quiet way to help, never an alarm. */
export function CareLine({ mine }: { mine: boolean }) {
  return (
    <p className="cm-care small">
      {mine
        ? "If things feel like too much right now, you don't have to hold it alone: "
        : 'If this is close to how you feel, you are not alone: '}
      <Link to="/help">people you can talk to now</Link>.
    </p>
  );
}

/** A question's own words, its meta line and actions, without its answers. */
export function QuestionBody({ question }: { question: Question }) {
  return (
    <>
      <QuestionMeta question={question} />
      {/* A short question without a title is its own heading: it is not said twice. */}
      {headingIsBody(question) ? null : (
        <Fold
          contentWarning={question.contentWarning}
          collapsed={question.collapsed}
          mine={question.mine}
        >
          <Body text={question.body} />
        </Fold>
      )}
      <Tags tags={question.tags} />
      {question.crisisLanguage ? <CareLine mine={question.mine} /> : null}
      <div className="cm-actions">
        {question.status !== 'held' && question.status !== 'removed' ? (
          <HelpedButton
            target="question"
            id={question.id}
            helped={question.helped}
            mine={question.mine}
          />
        ) : null}
        {!question.mine ? (
          <ReportButton targetType="question" targetId={question.id} what="this question" />
        ) : null}
      </div>
    </>
  );
}

function answerLine(answer: Answer, question: Question): ReactNode {
  const who = answer.mine ? (
    'You answered'
  ) : (
    <>
      Answer from{' '}
      {answer.author ? (
        <Link to={`/community/people/${encodeURIComponent(answer.author.pseudonym)}`}>
          {answer.author.pseudonym}
        </Link>
      ) : (
        'someone no longer here'
      )}
    </>
  );
  const privately = answer.private
    ? answer.mine
      ? ` · privately, only ${question.asker?.pseudonym ?? 'the asker'} and you see it`
      : ' · privately, only you and they see it'
    : '';
  const status =
    answer.status === 'held'
      ? ' · waiting for a moderator before it is on the board'
      : answer.status === 'removed'
        ? ' · taken down by a moderator'
        : '';
  return (
    <>
      {who}
      {privately}
      <span> · {postDate(answer.createdAt)}</span>
      {status}
    </>
  );
}

export function AnswerView({
  answer,
  question,
  headingLevel = 3,
}: {
  answer: Answer;
  question: Question;
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const label = answer.mine
    ? 'Your answer'
    : `Answer from ${answer.author?.pseudonym ?? 'someone no longer here'}`;
  return (
    <li className="cm-answer">
      <article aria-label={label}>
        <Heading className="visually-hidden">{label}</Heading>
        <p className="quiet small cm-meta">{answerLine(answer, question)}</p>
        <Fold
          contentWarning={answer.contentWarning}
          collapsed={answer.collapsed}
          mine={answer.mine}
        >
          <Body text={answer.body} />
        </Fold>
        {answer.crisisLanguage ? <CareLine mine={answer.mine} /> : null}
        <div className="cm-actions">
          {answer.status === 'published' ? (
            <HelpedButton
              target="answer"
              id={answer.id}
              helped={answer.helped}
              mine={answer.mine}
            />
          ) : null}
          {!answer.mine ? (
            <ReportButton targetType="answer" targetId={answer.id} what="this answer" />
          ) : null}
        </div>
      </article>
    </li>
  );
}

/** Answers, leaving out people I muted (the board does that on the server; the page does it here). */
export function AnswerList({
  question,
  muted,
  headingLevel = 3,
}: {
  question: Question;
  muted: ReadonlySet<string>;
  headingLevel?: 3 | 4;
}) {
  const shown = question.answers.filter(
    (answer) => !(answer.author && muted.has(answer.author.pseudonym.toLowerCase())),
  );
  const hidden = question.answers.length - shown.length;
  return (
    <>
      {shown.length > 0 ? (
        <ol className="cm-answers">
          {shown.map((answer) => (
            <AnswerView
              key={answer.id}
              answer={answer}
              question={question}
              headingLevel={headingLevel}
            />
          ))}
        </ol>
      ) : null}
      {hidden > 0 ? (
        <p className="quiet small">
          {hidden === 1
            ? 'An answer from someone you muted is left out.'
            : 'Answers from people you muted are left out.'}
        </p>
      ) : null}
    </>
  );
}
