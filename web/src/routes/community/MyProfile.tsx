import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link } from 'react-router';
import type { ApiError } from '../../api/client';
import {
  communityKeys,
  LIMITS,
  MUTE_WORD_PATTERN,
  mute,
  type OwnProfile,
  PSEUDONYM_PATTERN,
  refreshCommunity,
  saveMuteWords,
  unblock,
  unmute,
  useBlocks,
  useMutes,
  useMuteWords,
  useMyQuestions,
} from '../../api/community';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { TextField } from './Fields';
import { questionHeading } from './Post';
import { ProfileForm } from './ProfileForm';
import { CommunityShell, type WithProfile } from './Shell';
import { postDate, statusWords } from './words';

export default function MyProfileRoute() {
  return (
    <CommunityShell>
      {(context) => (context.profile ? <MyProfile me={(context as WithProfile).profile} /> : null)}
    </CommunityShell>
  );
}

function MyProfile({ me }: { me: OwnProfile }) {
  return (
    <Page title="My community profile" heading="Your community profile">
      <p className="lead">
        You're <strong>{me.pseudonym}</strong> here.{' '}
        <Link to={`/community/people/${encodeURIComponent(me.pseudonym)}`}>
          See your profile as others do
        </Link>
      </p>
      {me.suspended ? (
        <p className="note">
          A moderator has paused your posting for now
          {me.suspensionReason ? `. Their reason: ${me.suspensionReason}` : ''}. You can still read,
          and change your profile.
        </p>
      ) : null}
      <section aria-labelledby="edit-heading" className="card cm-section">
        <h2 id="edit-heading">Profile and ask box</h2>
        <ProfileForm profile={me} submitLabel="Save" />
      </section>
      <MyQuestions />
      <Mutes />
      <MuteWords />
      <Blocks />
      <p className="cm-section">
        <Link to="/community/guidelines">Community guidelines</Link>
      </p>
    </Page>
  );
}

function MyQuestions() {
  const mine = useMyQuestions();
  return (
    <section aria-labelledby="mine-heading" className="cm-section">
      <h2 id="mine-heading">Your questions and asks</h2>
      {mine.isPending ? (
        <p className="quiet">Loading…</p>
      ) : mine.isError ? (
        <p className="quiet">These didn't load just now. {mine.error.message}</p>
      ) : mine.data.length === 0 ? (
        <p className="quiet">
          Nothing yet. <Link to="/community/ask">Ask the community</Link> when you're ready.
        </p>
      ) : (
        <ul className="plain-list">
          {mine.data.map((q) => (
            <li key={q.id}>
              <Link to={`/community/questions/${q.id}`}>{questionHeading(q)}</Link>
              <span className="quiet small">
                {' · '}
                {q.to
                  ? `to ${q.to.pseudonym}${q.anonymous ? ', anonymously' : ''}`
                  : 'on the board'}
                {' · '}
                {postDate(q.createdAt)}
                {statusWords(q.status, true) ? ` · ${statusWords(q.status, true)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Mutes() {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const mutes = useMutes();
  const [name, setName] = useState('');
  const [attempted, setAttempted] = useState(false);
  const submit = useSubmit<unknown>({
    describe: (error: ApiError) =>
      error.code === 'not_found'
        ? `We couldn't find anyone called ${name.trim()}.`
        : error.code === 'own_post'
          ? "That's you."
          : null,
  });
  const problem =
    attempted && !PSEUDONYM_PATTERN.test(name.trim()) ? 'Please write a pseudonym.' : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    if (submit.pending || !PSEUDONYM_PATTERN.test(name.trim())) return;
    const who = name.trim();
    const result = await submit.run(() => mute(who));
    if (!result.ok) return;
    setName('');
    setAttempted(false);
    announce(`Muted ${who}.`);
    await refreshCommunity(queryClient);
  }

  return (
    <section aria-labelledby="mutes-heading" className="cm-section">
      <h2 id="mutes-heading">People you muted</h2>
      <p className="quiet small">
        You don't see their posts on the board or their answers. They aren't told.
      </p>
      {mutes.data && mutes.data.length > 0 ? (
        <ul className="cm-rows">
          {mutes.data.map((m) => (
            <li key={m.pseudonym}>
              <span className="cm-row-text">{m.pseudonym}</span>
              <button
                type="button"
                className="button button-quiet button-small"
                onClick={async () => {
                  try {
                    await unmute(m.pseudonym);
                    announce(`${m.pseudonym} is no longer muted.`);
                    await queryClient.invalidateQueries({ queryKey: communityKeys.all });
                  } catch {
                    announce("That didn't work just now. Please try again.");
                  }
                }}
              >
                Unmute<span className="visually-hidden"> {m.pseudonym}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : mutes.isPending ? null : (
        <p className="quiet">Nobody muted.</p>
      )}
      <form
        className="form form-tight"
        onSubmit={(e) => void onSubmit(e)}
        aria-label="Add someone to mute"
        noValidate
      >
        <FormMessage message={submit.message} />
        <TextField
          label="Mute someone by pseudonym"
          value={name}
          onChange={setName}
          error={problem}
          maxLength={LIMITS.pseudonym.max}
        />
        <button type="submit" className="button button-quiet">
          Mute
        </button>
      </form>
    </section>
  );
}

function MuteWords() {
  const ids = useId();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const words = useMuteWords();
  const [word, setWord] = useState('');
  const [attempted, setAttempted] = useState(false);
  const submit = useSubmit<string[]>();
  const list = words.data ?? [];
  const cleaned = word.trim().toLowerCase();
  const problem =
    attempted && !MUTE_WORD_PATTERN.test(cleaned)
      ? "Please write one word: letters, numbers, ' and - are fine."
      : null;

  async function save(next: string[], said: string) {
    const result = await submit.run(() => saveMuteWords(next));
    if (!result.ok) return false;
    queryClient.setQueryData(communityKeys.muteWords, result.value);
    announce(said);
    await refreshCommunity(queryClient);
    return true;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAttempted(true);
    if (submit.pending || !MUTE_WORD_PATTERN.test(cleaned)) return;
    if (list.includes(cleaned)) {
      setWord('');
      setAttempted(false);
      return;
    }
    if (list.length >= LIMITS.muteWords) return;
    if (await save([...list, cleaned], `Posts with "${cleaned}" will be folded away.`)) {
      setWord('');
      setAttempted(false);
    }
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className="cm-section">
      <h2 id={`${ids}-heading`}>Muted words</h2>
      <p className="quiet small">
        Posts with one of these words are folded away until you choose to show them. Only you see
        this list.
      </p>
      {list.length > 0 ? (
        <ul className="cm-rows" aria-label="Your muted words">
          {list.map((w) => (
            <li key={w}>
              <span className="cm-row-text">{w}</span>
              <button
                type="button"
                className="button button-quiet button-small"
                onClick={() =>
                  void save(
                    list.filter((x) => x !== w),
                    `"${w}" is no longer muted.`,
                  )
                }
              >
                Remove<span className="visually-hidden"> {w}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : words.isPending ? null : (
        <p className="quiet">No muted words.</p>
      )}
      <form
        className="form form-tight"
        onSubmit={(e) => void onSubmit(e)}
        aria-label="Add a muted word"
        noValidate
      >
        <FormMessage message={submit.message} />
        <TextField
          label="Mute a word"
          description={`One word at a time, up to ${LIMITS.muteWords} words.`}
          value={word}
          onChange={setWord}
          error={problem}
          maxLength={LIMITS.muteWord}
        />
        <button type="submit" className="button button-quiet">
          Mute the word
        </button>
      </form>
    </section>
  );
}

function Blocks() {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const blocks = useBlocks();
  return (
    <section aria-labelledby="blocks-heading" className="cm-section">
      <h2 id="blocks-heading">Blocked askers</h2>
      <p className="quiet small">
        Their asks don't reach your ask box. They weren't told, and won't be if you unblock them.
      </p>
      {blocks.isPending ? null : blocks.isError ? (
        <p className="quiet">These didn't load just now. {blocks.error.message}</p>
      ) : blocks.data.length === 0 ? (
        <p className="quiet">Nobody blocked.</p>
      ) : (
        <ul className="cm-rows">
          {blocks.data.map((b) => {
            const who = b.pseudonym ?? 'Someone who asked';
            return (
              <li key={b.id}>
                <span className="cm-row-text">
                  {b.pseudonym ? b.pseudonym : 'Someone who asked anonymously'}
                  <span className="quiet small">
                    {' · '}
                    {b.via === 'question' ? 'blocked through an ask' : 'blocked by name'} on{' '}
                    {postDate(b.createdAt)}
                  </span>
                </span>
                <ConfirmDialog
                  trigger="Unblock"
                  what={b.pseudonym ?? `(blocked on ${postDate(b.createdAt)})`}
                  title={b.pseudonym ? `Unblock ${b.pseudonym}?` : 'Unblock this asker?'}
                  confirm="Unblock"
                  keep="Keep blocked"
                  onConfirm={async () => {
                    await unblock(b.id);
                    announce(`${who} can reach your ask box again.`);
                    await queryClient.invalidateQueries({ queryKey: communityKeys.blocks });
                  }}
                >
                  <p>Their asks can reach your ask box again. They won't be told.</p>
                </ConfirmDialog>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
