import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import {
  type AskInput,
  ask,
  LIMITS,
  type OwnProfile,
  type Profile,
  type Question,
  refreshCommunity,
  useProfile,
  useQuestion,
  useTags,
} from '../../api/community';
import { useRelationshipPage } from '../../api/relationships';
import { type Rupture, useRupture } from '../../api/ruptures';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { useLocalDraft } from '../../components/useLocalDraft';
import { repairWords } from '../ruptures/ruptureWords';
import { useCrisisCheck } from './CrisisCheck';
import { CheckField, ContentNoteField, DraftBodyField, TextField } from './Fields';
import { GuidelinesLink } from './Guidelines';
import { questionHeading } from './Post';
import { CommunityShell, type WithProfile } from './Shell';
import { describePostError, tagWords } from './words';

export default function AskRoute() {
  return (
    <CommunityShell>
      {(context) =>
        context.profile ? (
          <AskScreen me={(context as WithProfile).profile} ownName={context.user.displayName} />
        ) : null
      }
    </CommunityShell>
  );
}

export type AskDraft = {
  title: string;
  body: string;
  tags: string[];
  contentWarning: string;
  anonymous: boolean;
};

const EMPTY: AskDraft = { title: '', body: '', tags: [], contentWarning: '', anonymous: false };

function isAskDraft(value: unknown): value is AskDraft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AskDraft>;
  return (
    typeof v.title === 'string' &&
    typeof v.body === 'string' &&
    Array.isArray(v.tags) &&
    v.tags.every((t) => typeof t === 'string') &&
    typeof v.contentWarning === 'string' &&
    typeof v.anonymous === 'boolean'
  );
}

/** After posting, the question's page says what happened to it. */
export type Posted = { posted: 'board' | 'held' | 'ask' | 'answer' | 'answer-held'; to?: string };

function Problem({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Page title={title}>
      {children}
      <p>
        <Link to="/community">Back to the board</Link>
      </p>
    </Page>
  );
}

function AskScreen({ me, ownName }: { me: OwnProfile; ownName: string }) {
  const [search] = useSearchParams();
  const followUpOf = search.get('followUpOf') ?? '';
  const story = search.get('story') ?? '';
  const original = useQuestion(followUpOf);
  const toName = followUpOf ? (original.data?.to?.pseudonym ?? '') : (search.get('to') ?? '');
  const target = useProfile(toName);

  if (followUpOf) {
    if (original.isPending) return <p className="quiet">Loading…</p>;
    if (original.isError) {
      return (
        <Problem title="Ask a follow-up">
          <p>We couldn't find the question you're following up on. It may have been taken down.</p>
        </Problem>
      );
    }
  }
  if (toName) {
    if (target.isPending) return <p className="quiet">Loading…</p>;
    if (target.isError) {
      return (
        <Problem title="Ask">
          <p>
            {target.error instanceof ApiError && target.error.status === 404
              ? `We couldn't find anyone called ${toName} in the community.`
              : target.error.message}
          </p>
        </Problem>
      );
    }
    if (target.data.pseudonym.toLowerCase() === me.pseudonym.toLowerCase()) {
      return (
        <Problem title="Ask">
          <p>This is your own ask box. Others can ask you things here.</p>
        </Problem>
      );
    }
    if (!target.data.askBoxOpen) {
      return (
        <Problem title={`Ask ${target.data.pseudonym}`}>
          <p>
            {target.data.pseudonym}'s ask box is closed right now. You could ask the whole community
            on the board instead.
          </p>
        </Problem>
      );
    }
  }
  const followUp = followUpOf ? (original.data ?? null) : null;
  const to = toName ? (target.data ?? null) : null;
  if (story) return <StoryAsk ruptureId={story} me={me} ownName={ownName} />;
  return <AskForm me={me} to={to} followUp={followUp} />;
}

/** Sharing a repaired rupture: the person's own words become a draft they edit before posting. */
function StoryAsk({
  ruptureId,
  me,
  ownName,
}: {
  ruptureId: string;
  me: OwnProfile;
  ownName: string;
}) {
  const rupture = useRupture(ruptureId);
  if (rupture.isPending) return <p className="quiet">Loading…</p>;
  if (rupture.isError) {
    return (
      <Problem title="Share a story">
        <p>We couldn't find that record. You can still ask the community in your own words.</p>
      </Problem>
    );
  }
  return <StoryAskWithName rupture={rupture.data} me={me} ownName={ownName} />;
}

function StoryAskWithName({
  rupture,
  me,
  ownName,
}: {
  rupture: Rupture;
  me: OwnProfile;
  ownName: string;
}) {
  const page = useRelationshipPage(rupture.relationshipId);
  if (page.isPending) return <p className="quiet">Loading…</p>;
  const therapist = page.data?.relationship.therapistName ?? null;
  return <AskForm me={me} to={null} followUp={null} story={{ rupture, therapist, ownName }} />;
}

function storyDraft(rupture: Rupture): AskDraft {
  const parts = [`What happened: ${rupture.whatHappened.trim()}`];
  if (rupture.myExperience?.trim()) parts.push(`How it was for me: ${rupture.myExperience.trim()}`);
  if (rupture.repairs.length > 0) {
    const steps = [...new Set(rupture.repairs.map((r) => repairWords(r.kind, 'My therapist')))];
    parts.push(`What helped us repair it: ${steps.join('; ')}.`);
  }
  if (rupture.reflection?.trim()) parts.push(`Looking back: ${rupture.reflection.trim()}`);
  return {
    title: rupture.title.slice(0, LIMITS.title),
    body: parts.join('\n\n').slice(0, LIMITS.question),
    tags: ['ruptures', 'repair'],
    contentWarning: '',
    anonymous: false,
  };
}

/** Words of a name worth looking for in a draft ("Dr. Lee" → "Lee"). */
function nameWords(name: string): string[] {
  return name
    .split(/[\s.,]+/)
    .filter((word) => word.length >= 3 && !/^(dr|mr|mrs|ms|mx|prof)$/i.test(word));
}

function containsWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}])${escaped}($|[^\\p{L}])`, 'iu').test(text);
}

function bodyProblem(body: string): string | null {
  if (body.trim() === '') return 'Please write your question.';
  if (body.length > LIMITS.question) {
    return `Please keep it under ${LIMITS.question.toLocaleString()} characters.`;
  }
  return null;
}

function AskForm({
  me,
  to,
  followUp,
  story,
}: {
  me: OwnProfile;
  to: Profile | null;
  followUp: Question | null;
  story?: { rupture: Rupture; therapist: string | null; ownName: string };
}) {
  const ids = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const tags = useTags();
  const draftKey = `community:ask:${
    followUp
      ? `follow-up:${followUp.id}`
      : to
        ? `to:${to.pseudonym.toLowerCase()}`
        : story
          ? `story:${story.rupture.id}`
          : 'board'
  }`;
  const [draft, setDraft, clearDraft, restored] = useLocalDraft<AskDraft>(
    draftKey,
    story ? storyDraft(story.rupture) : { ...EMPTY, anonymous: followUp?.anonymous ?? false },
    isAskDraft,
  );
  const [attempted, setAttempted] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const submit = useSubmit<Question>({ describe: describePostError });
  const crisis = useCrisisCheck();

  const canBeAnonymous = to?.allowAnonymous === true;
  const anonymous = canBeAnonymous && draft.anonymous;
  const onBoard = to === null;
  const problem = attempted ? bodyProblem(draft.body) : null;
  const change = (patch: Partial<AskDraft>) => setDraft((current) => ({ ...current, ...patch }));

  // The names to take out: the therapist's, and the person's own name on their account.
  const names = story
    ? [...new Set([...nameWords(story.therapist ?? ''), ...nameWords(story.ownName)])]
    : [];
  const namesLeft = names.filter(
    (word) => containsWord(draft.body, word) || containsWord(draft.title, word),
  );

  const heading = followUp
    ? 'Ask a follow-up'
    : to
      ? `Ask ${to.pseudonym}`
      : story
        ? 'Share your story'
        : 'Ask the community';

  async function post() {
    const input: AskInput = { body: draft.body.trim() };
    if (draft.title.trim()) input.title = draft.title.trim();
    if (draft.tags.length > 0) input.tags = draft.tags;
    if (draft.contentWarning.trim()) input.contentWarning = draft.contentWarning.trim();
    if (anonymous) input.anonymous = true;
    if (to && !followUp) input.to = to.pseudonym;
    if (followUp) input.followUpOf = followUp.followUpOf ?? followUp.id;
    const result = await submit.run(() => ask(input));
    if (!result.ok) {
      bodyRef.current?.focus();
      return;
    }
    clearDraft();
    const question = result.value;
    const state: Posted =
      question.to !== null
        ? { posted: 'ask', to: question.to.pseudonym }
        : { posted: question.status === 'held' ? 'held' : 'board' };
    announce(
      state.posted === 'ask'
        ? `Sent to ${question.to?.pseudonym}'s ask box.`
        : state.posted === 'held'
          ? 'Thank you. A moderator will read it before it appears on the board.'
          : 'Posted on the board.',
    );
    await refreshCommunity(queryClient);
    void navigate(`/community/questions/${question.id}`, { state });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    setAttempted(true);
    if (bodyProblem(draft.body)) {
      bodyRef.current?.focus();
      return;
    }
    await crisis.beforePosting(
      [draft.title, draft.body, draft.contentWarning].filter(Boolean).join('\n'),
      post,
    );
  }

  const whoSees = onBoard
    ? `Everyone in the community will see this on the board, under your pseudonym, ${me.pseudonym}.${
        me.trusted ? '' : ' Your first post is read by a moderator before it appears there.'
      }`
    : `${to.pseudonym} will see this in their ask box${
        anonymous
          ? ', without your name: nobody can see who asked, not even moderators.'
          : `, with your pseudonym, ${me.pseudonym}.`
      } If they answer it on the board, your question appears there with the answer${
        anonymous ? ', still without your name' : ''
      }.`;

  return (
    <Page title={heading}>
      {me.suspended ? (
        <p className="note">
          A moderator has paused your posting for now
          {me.suspensionReason ? `. Their reason: ${me.suspensionReason}` : ''}. You can still
          write; your words are kept on this device.
        </p>
      ) : null}
      {followUp ? (
        <p className="lead">
          Following up on{' '}
          <Link to={`/community/questions/${followUp.followUpOf ?? followUp.id}`}>
            {questionHeading(followUp)}
          </Link>
          .
        </p>
      ) : (
        <p className="lead">
          {to
            ? `A question just for ${to.pseudonym}. ${to.pseudonym} chooses whether and how to answer.`
            : 'Ask anything about therapy and how it feels: people who have been there answer.'}
        </p>
      )}
      {story ? (
        <section className="note cm-story" aria-labelledby={`${ids}-story`}>
          <h2 id={`${ids}-story`}>A draft from your own record</h2>
          <p>
            This draft comes from your record "{story.rupture.title}". Nothing has been posted, and
            nothing will be until you choose to. Read it through and change anything you like.
          </p>
          <p>
            <strong>Please take out names</strong>: your therapist's
            {story.therapist ? ` (${story.therapist})` : ''}, your own and anyone else's, and
            details that could identify you or them.
          </p>
          {namesLeft.length > 0 ? (
            <p className="cm-name-left" role="status">
              Your draft still has "{namesLeft.join('", "')}" in it.
            </p>
          ) : null}
        </section>
      ) : null}
      <form
        className="form"
        onSubmit={(event) => void onSubmit(event)}
        aria-labelledby={`${ids}-form`}
        noValidate
      >
        <h2 id={`${ids}-form`} className="visually-hidden">
          {heading}
        </h2>
        <p className="cm-who" id={`${ids}-who`}>
          <strong>Who sees this: </strong>
          {whoSees}
        </p>
        <FormMessage message={submit.message} />
        <TextField
          label="Title (if you like)"
          description="A few words that say what it's about."
          value={draft.title}
          onChange={(title) => change({ title })}
          maxLength={LIMITS.title}
          error={
            submit.fieldErrors.title ? `Please keep it under ${LIMITS.title} characters.` : null
          }
        />
        <DraftBodyField
          label="Your question"
          restored={restored}
          value={draft.body}
          onChange={(body) => change({ body })}
          problem={problem}
          check={bodyProblem}
          submit={submit}
          maxLength={LIMITS.question}
          inputRef={bodyRef}
        />
        {onBoard ? (
          <fieldset className="cm-fieldset" aria-describedby={`${ids}-tags`}>
            <legend>Topics</legend>
            <span id={`${ids}-tags`} className="field-description">
              Up to {LIMITS.tags}, so people can find it.
            </span>
            {tags.isError ? (
              <p className="quiet small">The topics didn't load; you can post without them.</p>
            ) : (
              <div className="cm-tag-choices">
                {(tags.data ?? []).map((tag) => {
                  const chosen = draft.tags.includes(tag);
                  return (
                    <label key={tag} className="cm-tag-choice">
                      <input
                        type="checkbox"
                        checked={chosen}
                        disabled={!chosen && draft.tags.length >= LIMITS.tags}
                        onChange={(event) =>
                          change({
                            tags: event.target.checked
                              ? [...draft.tags, tag]
                              : draft.tags.filter((t) => t !== tag),
                          })
                        }
                      />
                      <span>{tagWords(tag)}</span>
                    </label>
                  );
                })}
              </div>
            )}
          </fieldset>
        ) : null}
        <ContentNoteField
          description="If it touches on something heavy, like self-harm, suicide or abuse, name it in a few words. Others see the note first and choose when to read."
          value={draft.contentWarning}
          onChange={(contentWarning) => change({ contentWarning })}
          tooLong={Boolean(submit.fieldErrors.contentWarning)}
        />
        {canBeAnonymous ? (
          <CheckField
            label="Ask anonymously"
            description={`${to.pseudonym} won't see who asked. Nobody can, not even moderators. You'll still get their answer in your notifications.`}
            checked={draft.anonymous}
            onChange={(value) => change({ anonymous: value })}
          />
        ) : to ? (
          <p className="quiet small">{to.pseudonym} takes asks with a name only.</p>
        ) : null}
        <GuidelinesLink />
        <div className="actions">
          <button
            type="submit"
            className="button button-primary"
            aria-disabled={submit.pending || undefined}
          >
            {submit.pending ? 'Sending…' : to ? 'Send the ask' : 'Post the question'}
          </button>
          <Link
            className="button button-quiet"
            to={followUp ? `/community/questions/${followUp.id}` : '/community'}
          >
            Not now
          </Link>
        </div>
        <p className="quiet small">If you leave, what you wrote stays here on this device.</p>
      </form>
      {crisis.dialog}
    </Page>
  );
}
