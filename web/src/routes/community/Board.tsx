import { Link, useSearchParams } from 'react-router';
import { type Question, useBoard, useTags } from '../../api/community';
import { LoadFailed } from '../../components/LoadFailed';
import { Page } from '../../components/Page';
import { SelectField } from '../../components/SelectField';
import { QuestionBody, questionHeading } from './Post';
import { type CommunityContext, CommunityShell } from './Shell';
import { tagWords } from './words';

export default function BoardRoute() {
  return (
    <CommunityShell needs="guidelines">{(context) => <Board context={context} />}</CommunityShell>
  );
}

function answersWords(question: Question): string {
  const count = question.answers.length + question.followUps.length;
  if (question.answers.length === 0) {
    return question.followUps.length > 0 ? 'Read the follow-ups' : 'Read it and answer';
  }
  return count === 1 ? 'Read the answer' : 'Read the answers';
}

function Board({ context }: { context: CommunityContext }) {
  const [search, setSearch] = useSearchParams();
  const tag = search.get('tag') || null;
  const tags = useTags();
  const board = useBoard(tag);
  const questions = board.data?.pages.flatMap((page) => page.items) ?? [];

  const chooseTag = (value: string) => {
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set('tag', value);
        else next.delete('tag');
        return next;
      },
      { replace: true },
    );
  };

  return (
    <Page title={tag ? `Community: ${tagWords(tag)}` : 'Community'} heading="Community board">
      <p className="lead">
        Questions and answers from people in therapy, under pseudonyms. Take what helps and leave
        the rest.
      </p>
      {context.profile ? (
        <p className="actions">
          <Link className="button button-primary" to="/community/ask">
            Ask the community
          </Link>
          <Link className="button button-quiet" to="/community/guidelines">
            Guidelines
          </Link>
        </p>
      ) : (
        <p className="note">
          You're reading without a profile. <Link to="/community/profile">Set one up</Link> when
          you'd like to ask or answer.
        </p>
      )}
      <div className="cm-filter">
        <SelectField
          label="Show questions about"
          value={tag ?? ''}
          onChange={chooseTag}
          options={[
            { value: '', label: 'All topics' },
            ...(tags.data ?? (tag ? [tag] : [])).map((t) => ({ value: t, label: tagWords(t) })),
          ]}
        />
      </div>
      {board.isPending ? (
        <p className="quiet">Loading…</p>
      ) : board.isError ? (
        <LoadFailed what="the board" error={board.error} onRetry={board.refetch} />
      ) : questions.length === 0 ? (
        <p className="empty">
          {tag
            ? `Nothing about ${tagWords(tag)} yet. You could be the first to ask.`
            : 'Nothing here yet. When you are ready, you could ask the first question.'}
        </p>
      ) : (
        <ul className="cm-list" aria-label={tag ? `Questions about ${tagWords(tag)}` : 'Questions'}>
          {questions.map((question) => (
            <li key={question.id}>
              <article className="card cm-post" aria-labelledby={`q-${question.id}`}>
                <h2 id={`q-${question.id}`} className="cm-post-title">
                  <Link to={`/community/questions/${question.id}`}>
                    {questionHeading(question)}
                  </Link>
                </h2>
                <QuestionBody question={question} />
                <p className="cm-read-more">
                  <Link to={`/community/questions/${question.id}`}>
                    {answersWords(question)}
                    <span className="visually-hidden">: {questionHeading(question)}</span>
                  </Link>
                </p>
              </article>
            </li>
          ))}
        </ul>
      )}
      {board.hasNextPage ? (
        <p>
          <button
            type="button"
            className="button button-quiet"
            aria-disabled={board.isFetchingNextPage || undefined}
            onClick={() => {
              if (!board.isFetchingNextPage) void board.fetchNextPage();
            }}
          >
            {board.isFetchingNextPage ? 'Loading…' : 'Show more'}
          </button>
        </p>
      ) : null}
    </Page>
  );
}
