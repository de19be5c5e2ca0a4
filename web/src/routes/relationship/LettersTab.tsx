import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import {
  createLetter,
  type Letter,
  refreshLetters,
  TITLE_MAX,
  useLetters,
} from '../../api/letters';
import { FormMessage } from '../../components/FormMessage';
import { shortDate, timeOfDay } from '../../words';
import { hasCopyOnDevice, wordCount } from '../letters/letterDraft';
import '../letters/letters.css';

/** The client's letters to their therapist: private drafts, written at their own pace. */
export function LettersTab({
  relationshipId,
  therapistName,
}: {
  relationshipId: string;
  therapistName: string;
}) {
  const letters = useLetters(relationshipId);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function write() {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      const letter = await createLetter(relationshipId, {
        title: `Letter to ${therapistName}`.slice(0, TITLE_MAX).trim(),
        body: '',
      });
      await refreshLetters(queryClient, relationshipId);
      void navigate(`/letters/${letter.id}`);
    } catch (error) {
      setProblem(
        error instanceof ApiError
          ? error.message
          : "We couldn't open a new letter just now. Please try again in a moment.",
      );
      setPending(false);
    }
  }

  return (
    <div className="tab-body letters-tab">
      <h2 className="visually-hidden">Letters</h2>
      <p>
        A letter is for long writing to {therapistName}. It stays a private draft here; nothing is
        sent.
      </p>
      <p className="quiet small">
        It saves as you write, and you can download it as Markdown or PDF whenever you like.
      </p>
      <FormMessage message={problem} />
      <p className="actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => void write()}
          aria-disabled={pending || undefined}
        >
          {pending ? 'Opening a new letter…' : 'Write a letter'}
        </button>
      </p>
      <LetterList
        letters={letters.data}
        pending={letters.isPending}
        error={letters.isError ? letters.error.message : null}
        onRetry={() => void letters.refetch()}
      />
    </div>
  );
}

function LetterList({
  letters,
  pending,
  error,
  onRetry,
}: {
  letters: Letter[] | undefined;
  pending: boolean;
  error: string | null;
  onRetry: () => void;
}) {
  if (pending) return <p className="quiet">Loading your letters…</p>;
  if (error || !letters) {
    return (
      <div className="card">
        <p>{error ?? "Your letters didn't load."}</p>
        <button type="button" className="button button-quiet" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (letters.length === 0) {
    return (
      <div className="card empty-invite letters-empty">
        <p>
          No letters yet. When there is more to say than fits in a few lines, before a session or
          after something that stayed with you, you can write it out here, at your own pace. It
          stays yours until you decide what to do with it.
        </p>
      </div>
    );
  }
  return (
    <ul className="letter-list">
      {letters.map((letter) => {
        const words = wordCount(letter.body);
        return (
          <li key={letter.id} className="card letter-item">
            <h3>
              <Link to={`/letters/${letter.id}`}>{letter.title}</Link>
            </h3>
            <p className="quiet small">
              Last saved {shortDate(letter.updatedAt)}, {timeOfDay(letter.updatedAt)} ·{' '}
              {words === 1 ? '1 word' : `${words.toLocaleString()} words`}
              {hasCopyOnDevice(letter.id) ? ' · some of it is so far only on this device' : ''}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
