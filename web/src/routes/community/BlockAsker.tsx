import { useQueryClient } from '@tanstack/react-query';
import { block, type Question, refreshCommunity } from '../../api/community';
import { useAnnounce } from '../../components/Announcer';
import { ConfirmDialog } from '../../components/ConfirmDialog';

/**
 * Block whoever sent an ask, through the ask itself: it works for anonymous asks too, and
 * never shows who it was. They are not told.
 */
export function BlockAsker({
  question,
  onBlocked,
}: {
  question: Question;
  onBlocked?: () => void;
}) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const who = question.asker?.pseudonym ?? null;
  return (
    <ConfirmDialog
      trigger="Block this asker"
      what={who ? `(${who})` : '(anonymous)'}
      title={who ? `Block ${who}?` : 'Block the person who asked this?'}
      confirm="Block them"
      pendingLabel="Blocking…"
      onConfirm={async () => {
        await block({ questionId: question.id });
        announce(
          who
            ? `${who} can't reach your ask box any more.`
            : "They can't reach your ask box any more.",
        );
        onBlocked?.();
        await refreshCommunity(queryClient);
      }}
    >
      <p>
        Their asks won't reach your ask box any more, however they ask: with a name or anonymously.
        They won't be told.
      </p>
      {who ? null : <p>You still won't know who they are. Nobody will.</p>}
      <p>You can unblock them later on your profile page.</p>
    </ConfirmDialog>
  );
}
