import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/**
 * Live updates: one EventSource on `/api/events` for the signed-in person's tabs. Each event names what
 * changed (a kind, a relationship, an id; never any text), and the screens showing it fetch it
 * again, so a thread, a badge or a banner updates without a reload. The browser reconnects by
 * itself after a lost connection; everything is fetched again then, in case an event was missed.
 */

export type LiveEvent = {
  id: string;
  at: string;
  relationshipId: string | null;
  kind: string;
  subjectId: string | null;
};

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();

/** Lets a screen react to events (e.g. announce a new message), while it is shown. */
export function useLiveEvent(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

function keysFor(event: LiveEvent): readonly (readonly string[])[] {
  const id = event.relationshipId;
  const related = id
    ? [
        ['relationship-page', id],
        ['messages', id],
        ['agreement', id],
        ['agreement-versions', id],
      ]
    : [];
  return [...related, ['notifications'], ['caseload'], ['relationships']];
}

type Relayed = { type: 'ready' | 'resync' | 'notice'; event?: LiveEvent };

const LOCK = 'attune-live';

/**
 * One stream for all of this browser's Attune tabs: over HTTP/1.1 a browser keeps at most six
 * connections to a site, and a stream per tab would use them up. The tab holding the Web Lock
 * opens the stream and relays what arrives to the other tabs over a BroadcastChannel; when it
 * closes, another tab takes the lock and the stream. Without Web Locks (plain http, not
 * localhost), every tab opens its own stream.
 */
export function useLiveUpdates(signedIn: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!signedIn || typeof EventSource === 'undefined') return;
    const refetchAll = () => void queryClient.invalidateQueries();
    const onNotice = (event: LiveEvent) => {
      for (const key of keysFor(event)) void queryClient.invalidateQueries({ queryKey: key });
      for (const listener of listeners) listener(event);
    };
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(LOCK);
    let source: EventSource | null = null;
    let release: (() => void) | null = null;
    let closed = false;

    // Another tab's stream, relayed. Whatever this tab may have missed is fetched again.
    if (channel) {
      channel.onmessage = (message: MessageEvent<Relayed>) => {
        if (message.data.type === 'notice' && message.data.event) onNotice(message.data.event);
        else refetchAll();
      };
    }

    /** Opens the stream. `fresh`: this tab has just loaded, so the first "ready" needs no refetch. */
    const lead = (fresh: boolean) => {
      if (closed) return;
      source = new EventSource('/api/events');
      let first = fresh;
      source.addEventListener('ready', () => {
        if (!first) refetchAll();
        first = false;
        channel?.postMessage({ type: 'ready' } satisfies Relayed);
      });
      source.addEventListener('resync', () => {
        refetchAll();
        channel?.postMessage({ type: 'resync' } satisfies Relayed);
      });
      source.addEventListener('notice', (message: MessageEvent<string>) => {
        let event: LiveEvent;
        try {
          event = JSON.parse(message.data) as LiveEvent;
        } catch {
          return;
        }
        onNotice(event);
        channel?.postMessage({ type: 'notice', event } satisfies Relayed);
      });
    };

    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    const abort = new AbortController();
    if (!locks || !channel) {
      lead(true);
    } else {
      const hold = (fresh: boolean) =>
        new Promise<void>((resolve) => {
          release = resolve;
          lead(fresh);
        });
      void locks
        .request(LOCK, { ifAvailable: true }, (lock) => (lock ? hold(true) : null))
        .then((held) => {
          if (held === null && !closed) {
            // Another tab streams; take over when it closes.
            return locks.request(LOCK, { signal: abort.signal }, () => hold(false));
          }
          return undefined;
        })
        .catch(() => {});
    }
    return () => {
      closed = true;
      abort.abort();
      source?.close();
      release?.();
      channel?.close();
    };
  }, [signedIn, queryClient]);
}
