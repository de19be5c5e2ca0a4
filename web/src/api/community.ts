import {
  type QueryClient,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { request } from './client';
import type { CrisisResources } from './crisis';

/**
 * The community (docs/api/community.md): a pseudonymous profile, the public board, ask boxes,
 * notifications and moderation. Nothing here carries the account: the community knows a person
 * only by their pseudonym.
 */

export type Profile = {
  pseudonym: string;
  bio: string | null;
  askBoxOpen: boolean;
  allowAnonymous: boolean;
  answeredCount: number;
};

export type OwnProfile = Profile & {
  trusted: boolean;
  suspended: boolean;
  suspensionReason: string | null;
  createdAt: string;
};

export type Author = { pseudonym: string } | null;

export type Helped = { byMe: boolean; someone: boolean };

export type QuestionStatus = 'held' | 'open' | 'answered' | 'removed';
export type AnswerStatus = 'held' | 'published' | 'removed';

export type Answer = {
  id: string;
  questionId: string;
  body: string;
  contentWarning: string | null;
  author: Author;
  private: boolean;
  status: AnswerStatus;
  createdAt: string;
  mine: boolean;
  crisisLanguage: boolean;
  collapsed: boolean;
  helped: Helped;
};

export type Question = {
  id: string;
  title: string | null;
  body: string;
  tags: string[];
  contentWarning: string | null;
  anonymous: boolean;
  asker: Author;
  to: { pseudonym: string } | null;
  followUpOf: string | null;
  status: QuestionStatus;
  createdAt: string;
  mine: boolean;
  crisisLanguage: boolean;
  collapsed: boolean;
  helped: Helped;
  answers: Answer[];
  followUps: Question[];
};

export type NotificationType = 'ask' | 'answer' | 'care' | 'moderation';
export type ModerationAction = 'approve' | 'remove' | 'suspend' | 'reinstate';

export type CommunityNotification = {
  id: string;
  type: NotificationType | (string & {});
  at: string;
  seen: boolean;
  questionId: string | null;
  answerId: string | null;
  message: string | null;
  action: 'approved' | 'removed' | 'suspended' | 'reinstated' | (string & {}) | null;
  reason: string | null;
  resources: CrisisResources | null;
};

export type Block = {
  id: string;
  via: 'question' | 'pseudonym';
  pseudonym: string | null;
  createdAt: string;
};

export type Mute = { pseudonym: string; createdAt: string };

export type TargetType = 'question' | 'answer' | 'profile';
export type ReportReason = 'harassment' | 'spam' | 'at-risk' | 'other';

export type QueueItem = {
  targetType: TargetType;
  targetId: string;
  reasons: ('held' | 'crisis' | 'report' | (string & {}))[];
  reports: { reason: ReportReason; note: string | null; createdAt: string }[];
  content: {
    title: string | null;
    body: string;
    contentWarning: string | null;
    tags: string[];
    author: Author;
    to: { pseudonym: string } | null;
    anonymous: boolean;
  } | null;
  profile: { pseudonym: string; bio: string | null } | null;
  createdAt: string;
};

export type AskInput = {
  body: string;
  title?: string;
  tags?: string[];
  contentWarning?: string;
  anonymous?: boolean;
  to?: string;
  followUpOf?: string;
};

export type AnswerInput = { body: string; contentWarning?: string; private?: boolean };

export type ProfileInput = {
  pseudonym: string;
  askBoxOpen: boolean;
  allowAnonymous: boolean;
  bio?: string | null;
};

/** The limits the server holds text to (docs/api/community.md, Limits). */
export const LIMITS = {
  pseudonym: { min: 3, max: 30 },
  bio: 500,
  title: 200,
  question: 5_000,
  answer: 20_000,
  contentWarning: 200,
  reportNote: 2_000,
  reason: 2_000,
  muteWord: 50,
  muteWords: 100,
  tags: 5,
} as const;

export const PSEUDONYM_PATTERN = /^[A-Za-z0-9_-]{3,30}$/;
export const MUTE_WORD_PATTERN = /^[\p{L}\p{N}'’-]{1,50}$/u;

const base = '/api/community';
const enc = encodeURIComponent;

export const communityKeys = {
  all: ['community'] as const,
  me: ['community', 'me'] as const,
  tags: ['community', 'tags'] as const,
  board: (tag: string | null) => ['community', 'board', tag ?? ''] as const,
  question: (id: string) => ['community', 'question', id] as const,
  mine: ['community', 'mine'] as const,
  inbox: ['community', 'inbox'] as const,
  profile: (pseudonym: string) => ['community', 'profile', pseudonym.toLowerCase()] as const,
  notifications: ['community', 'notifications'] as const,
  blocks: ['community', 'blocks'] as const,
  mutes: ['community', 'mutes'] as const,
  muteWords: ['community', 'mute-words'] as const,
  queue: ['community', 'queue'] as const,
};

/** Everything the community shows can change after any post or decision: load it again. */
export function refreshCommunity(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: communityKeys.all });
}

export type CommunityMe = { profile: OwnProfile | null; moderator: boolean };

export function useCommunityMe() {
  return useQuery({
    queryKey: communityKeys.me,
    queryFn: () => request<CommunityMe>('GET', `${base}/profile`),
    staleTime: 30_000,
  });
}

export async function saveProfile(input: ProfileInput): Promise<OwnProfile> {
  return (await request<{ profile: OwnProfile }>('PUT', `${base}/profile`, input)).profile;
}

export function useProfile(pseudonym: string) {
  return useQuery({
    queryKey: communityKeys.profile(pseudonym),
    queryFn: async () =>
      (await request<{ profile: Profile }>('GET', `${base}/profiles/${enc(pseudonym)}`)).profile,
    enabled: pseudonym !== '',
    retry: false,
  });
}

export function useTags() {
  return useQuery({
    queryKey: communityKeys.tags,
    queryFn: async () => (await request<{ items: string[] }>('GET', `${base}/tags`)).items,
    staleTime: 60 * 60_000,
  });
}

export function checkText(text: string) {
  return request<{ crisisLanguage: boolean; resources: CrisisResources | null }>(
    'POST',
    `${base}/check`,
    { text },
  );
}

type Page = { items: Question[]; nextCursor: string | null };

export function useBoard(tag: string | null) {
  return useInfiniteQuery({
    queryKey: communityKeys.board(tag),
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams();
      if (tag) query.set('tag', tag);
      if (pageParam) query.set('cursor', pageParam);
      const search = query.toString();
      return request<Page>('GET', `${base}/questions${search ? `?${search}` : ''}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useQuestion(id: string) {
  return useQuery({
    queryKey: communityKeys.question(id),
    queryFn: async () =>
      (await request<{ question: Question }>('GET', `${base}/questions/${enc(id)}`)).question,
    enabled: id !== '',
    retry: false,
  });
}

export function useMyQuestions(enabled = true) {
  return useQuery({
    queryKey: communityKeys.mine,
    queryFn: async () =>
      (await request<{ items: Question[] }>('GET', `${base}/my-questions`)).items,
    enabled,
  });
}

export function useInbox(enabled = true) {
  return useQuery({
    queryKey: communityKeys.inbox,
    queryFn: async () => (await request<{ items: Question[] }>('GET', `${base}/inbox`)).items,
    enabled,
  });
}

export async function ask(input: AskInput): Promise<Question> {
  return (await request<{ question: Question }>('POST', `${base}/questions`, input)).question;
}

export async function answer(questionId: string, input: AnswerInput): Promise<Answer> {
  return (
    await request<{ answer: Answer }>('POST', `${base}/questions/${enc(questionId)}/answers`, input)
  ).answer;
}

export async function markHelped(
  target: 'question' | 'answer',
  id: string,
  helped: boolean,
): Promise<Helped> {
  const path = target === 'question' ? 'questions' : 'answers';
  return (await request<{ helped: Helped }>('PUT', `${base}/${path}/${enc(id)}/helped`, { helped }))
    .helped;
}

export function report(input: {
  targetType: TargetType;
  targetId: string;
  reason: ReportReason;
  note?: string;
}) {
  return request<{ report: unknown }>('POST', `${base}/reports`, input);
}

export async function block(by: { questionId: string } | { pseudonym: string }): Promise<Block> {
  return (await request<{ block: Block }>('POST', `${base}/blocks`, by)).block;
}

export function useBlocks(enabled = true) {
  return useQuery({
    queryKey: communityKeys.blocks,
    queryFn: async () => (await request<{ items: Block[] }>('GET', `${base}/blocks`)).items,
    enabled,
  });
}

export function unblock(id: string) {
  return request<undefined>('DELETE', `${base}/blocks/${enc(id)}`);
}

export function useMutes(enabled = true) {
  return useQuery({
    queryKey: communityKeys.mutes,
    queryFn: async () => (await request<{ items: Mute[] }>('GET', `${base}/mutes`)).items,
    enabled,
  });
}

export function mute(pseudonym: string) {
  return request<{ mute: Mute }>('POST', `${base}/mutes`, { pseudonym });
}

export function unmute(pseudonym: string) {
  return request<undefined>('DELETE', `${base}/mutes/${enc(pseudonym)}`);
}

export function useMuteWords(enabled = true) {
  return useQuery({
    queryKey: communityKeys.muteWords,
    queryFn: async () => (await request<{ words: string[] }>('GET', `${base}/mute-words`)).words,
    enabled,
  });
}

export async function saveMuteWords(words: string[]): Promise<string[]> {
  return (await request<{ words: string[] }>('PUT', `${base}/mute-words`, { words })).words;
}

export function useCommunityNotifications(enabled = true) {
  return useQuery({
    queryKey: communityKeys.notifications,
    queryFn: async () =>
      (await request<{ items: CommunityNotification[] }>('GET', `${base}/notifications`)).items,
    enabled,
  });
}

export function markNotificationsSeen(ids: string[]) {
  return request<{ unseen: number }>('POST', `${base}/notifications/seen`, { ids });
}

export function useQueue(enabled = true) {
  return useQuery({
    queryKey: communityKeys.queue,
    queryFn: async () =>
      (await request<{ items: QueueItem[] }>('GET', `${base}/moderation/queue`)).items,
    enabled,
    retry: false,
  });
}

export function moderate(input: {
  targetType: TargetType;
  targetId: string;
  action: ModerationAction;
  reason?: string;
}) {
  return request<{ done: unknown }>('POST', `${base}/moderation/actions`, input);
}

/** A function that loads everything community-shaped again, for after a change. */
export function useRefreshCommunity() {
  const queryClient = useQueryClient();
  return () => refreshCommunity(queryClient);
}
