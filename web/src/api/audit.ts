import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { request } from './client';

/**
 * The person's audit trail: each time someone else read or changed their data. The server lists
 * only events whose subject is the caller, newest first.
 */

export type AuditActor = { id: string; displayName: string; role: 'client' | 'therapist' };

export type AuditEvent = {
  at: string;
  /** Null when the reader's account has since been closed. */
  actor: AuditActor | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  relationshipId: string | null;
};

export type AuditPage = { items: AuditEvent[]; nextCursor: string | null };

const PAGE_SIZE = 50;

/** `records`: what others read or changed; `account`: the person's own sign-in events. */
export type AuditKind = 'records' | 'account';

export const auditKeys = {
  trail: ['audit'] as const,
  kind: (kind: AuditKind) => ['audit', kind] as const,
};

export function fetchAudit(cursor: string | null, kind: AuditKind): Promise<AuditPage> {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), kind });
  if (cursor) params.set('cursor', cursor);
  return request<AuditPage>('GET', `/api/me/audit?${params.toString()}`);
}

/** The trail, page by page: the first page is the latest; each further page goes back in time. */
export function useAudit(kind: AuditKind) {
  return useInfiniteQuery({
    queryKey: auditKeys.kind(kind),
    queryFn: ({ pageParam }) => fetchAudit(pageParam, kind),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Every loaded event, newest first. */
export function allEvents(data: InfiniteData<AuditPage> | undefined): AuditEvent[] {
  return data ? data.pages.flatMap((page) => page.items) : [];
}

/**
 * What someone did with your data, in words that follow their name: "looked at your check-ins".
 * A shared rupture record can be opened from the line, so its words come with a link.
 */
export type EventWords = { text: string; link?: { text: string; to: string } };

/** The subjects that speak of rupture records, so the page can say what one is. */
export const RUPTURE_SUBJECTS: readonly string[] = ['ruptures', 'rupture', 'patterns', 'repair'];

export function eventWords(
  event: Pick<AuditEvent, 'action' | 'subjectType' | 'subjectId'>,
): EventWords {
  const { action, subjectType, subjectId } = event;
  if (action === 'read') {
    switch (subjectType) {
      case 'checkins':
        return { text: 'looked at your check-ins' };
      case 'checkin':
        return { text: 'looked at a check-in of yours' };
      case 'markers':
        return { text: 'looked at what Attune noticed in your check-ins' };
      case 'relationship-page':
        return { text: 'opened your relationship page' };
      case 'caseload':
        return { text: 'saw your line in their list of clients' };
      case 'ruptures':
        return { text: 'looked at the rupture records you shared' };
      case 'rupture':
        return subjectId
          ? {
              text: 'opened',
              link: {
                text: 'a rupture record you shared',
                to: `/ruptures/${encodeURIComponent(subjectId)}`,
              },
            }
          : { text: 'opened a rupture record you shared' };
      case 'patterns':
        return { text: 'looked at the patterns across the rupture records you shared' };
      case 'messages':
        return { text: 'read your messages' };
      case 'message':
        return { text: 'opened a message from you' };
      default:
        return { text: 'looked at something of yours' };
    }
  }
  if (action === 'create' && subjectType === 'repair') {
    return { text: 'added a repair step to a rupture record you shared' };
  }
  if (action === 'connect' && subjectType === 'relationship') {
    return { text: 'connected with you on Attune' };
  }
  return { text: 'worked with something of yours' };
}

/** The person's own sign-in events and account changes, in words. */
export const ACCOUNT_EVENT_WORDS: Record<string, string> = {
  'sign-in': 'Signed in',
  'sign-in-failed': 'A sign-in with a password that did not match',
  'sign-in-code-failed': 'The right password, with a code that did not work',
  'sign-out': 'Signed out',
  'password-changed': 'Password changed',
  'email-changed': 'Email changed',
  'two-factor-on': 'Two-factor sign-in turned on',
  'two-factor-off': 'Two-factor sign-in turned off',
  'sign-in-ended': 'A sign-in was ended',
  'signed-out-everywhere': 'Signed out everywhere else',
};
