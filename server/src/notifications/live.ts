import type { ServerResponse } from 'node:http';
import { and, gt, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { EVENTS_CHANNEL, type LiveEvent } from './notifier.ts';

/**
 * Live updates to open pages, as server-sent events. Each instance LISTENs once on the events
 * channel and forwards every event to the streams its own users have open; an event published
 * through any instance reaches a page connected to any other.
 *
 * What a stream carries: `ready` when it opens (the page should fetch what it shows), `notice`
 * with an event's ids and kind (never text), `resync` when events may have been missed (the
 * listening connection was down), and a comment every 25 seconds so proxies keep it open.
 * A stream ends when its sign-in session ends, when the page goes, or when the server stops.
 */

export const HEARTBEAT_MS = 25_000;
/** More open pages than this for one person: the oldest stream is closed. */
const MAX_STREAMS_PER_USER = 10;
/** A page that does not read its stream does not get to hold the server's memory. */
const MAX_BUFFERED_BYTES = 256 * 1024;

type Stream = {
  userId: string;
  sessionId: string;
  response: ServerResponse;
};

/** What a page receives for an event: who it is for is implied by the stream it comes on. */
export type NoticePayload = Omit<LiveEvent, 'userId'>;

export class LiveHub {
  private readonly database: Database;
  private readonly log: FastifyBaseLogger;
  private readonly idleMs: number;
  private readonly byUser = new Map<string, Set<Stream>>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wasLive = false;
  private stopped = false;

  constructor(database: Database, options: { log: FastifyBaseLogger; sessionIdleMs: number }) {
    this.database = database;
    this.log = options.log;
    this.idleMs = options.sessionIdleMs;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.database.subscribe(
      EVENTS_CHANNEL,
      (payload) => this.deliver(payload),
      (live) => {
        // Back after a gap: events of the gap are gone, so every page fetches afresh.
        if (live && this.wasLive === false && this.unsubscribe) this.broadcast('resync');
        this.wasLive = live;
      },
    );
    this.timer = setInterval(() => {
      this.heartbeat().catch((error: unknown) => {
        this.log.warn({ type: (error as Error)?.name }, 'live stream heartbeat failed');
      });
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  /** How many streams are open on this instance (for one person, when given). */
  count(userId?: string): number {
    if (userId !== undefined) return this.byUser.get(userId)?.size ?? 0;
    let n = 0;
    for (const streams of this.byUser.values()) n += streams.size;
    return n;
  }

  /** Takes over an HTTP response as a stream for the user's signed-in session. */
  open(userId: string, sessionId: string, response: ServerResponse): void {
    if (this.stopped) {
      response.end();
      return;
    }
    const stream: Stream = { userId, sessionId, response };
    let mine = this.byUser.get(userId);
    if (!mine) {
      mine = new Set();
      this.byUser.set(userId, mine);
    }
    if (mine.size >= MAX_STREAMS_PER_USER) {
      const oldest = mine.values().next().value;
      if (oldest) this.close(oldest);
    }
    mine.add(stream);
    response.on('close', () => this.forget(stream));
    // The browser waits 5 s before reconnecting a dropped stream.
    this.write(stream, `retry: 5000\nevent: ready\ndata: {}\n\n`);
  }

  /** Ends every stream (the server is stopping) and stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closeAll();
    if (this.timer) clearInterval(this.timer);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    await unsubscribe?.();
  }

  /** Ends every stream now; pages reconnect (to this instance or another) by themselves. */
  closeAll(): void {
    for (const streams of this.byUser.values()) for (const stream of streams) this.close(stream);
  }

  private deliver(payload: string): void {
    let event: LiveEvent;
    try {
      event = JSON.parse(payload) as LiveEvent;
    } catch {
      return;
    }
    if (typeof event?.userId !== 'string') return;
    const streams = this.byUser.get(event.userId);
    if (!streams) return;
    const data: NoticePayload = {
      id: event.id,
      kind: event.kind,
      relationshipId: event.relationshipId,
      subjectId: event.subjectId,
      at: event.at,
    };
    const text = `event: notice\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) this.write(stream, text);
  }

  private broadcast(event: 'resync'): void {
    for (const streams of this.byUser.values())
      for (const stream of streams) this.write(stream, `event: ${event}\ndata: {}\n\n`);
  }

  private write(stream: Stream, text: string): void {
    const { response } = stream;
    if (response.writableEnded || response.destroyed) this.forget(stream);
    else if (response.writableLength > MAX_BUFFERED_BYTES) this.close(stream);
    else response.write(text);
  }

  /** A comment to every stream, and the end of streams whose sign-in session has ended. */
  async heartbeat(): Promise<void> {
    const open = [...this.byUser.values()].flatMap((streams) => [...streams]);
    if (open.length === 0) return;
    for (const stream of open) this.write(stream, ': still here\n\n');
    const ids = [...new Set(open.map((stream) => stream.sessionId))];
    const alive = new Set<string>();
    // Read without touching last_seen_at: an open stream must not keep an idle sign-in alive.
    // A session signed out, expired or idle (by the same rules as the session store, to the
    // minute it writes last_seen_at back) ends its streams.
    const now = Date.now();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.database.db
        .select({ id: sessions.id })
        .from(sessions)
        .where(
          and(
            inArray(sessions.id, ids.slice(i, i + 500)),
            gt(sessions.expiresAt, new Date(now)),
            gt(sessions.lastSeenAt, new Date(now - this.idleMs - 60_000)),
          ),
        );
      for (const row of rows) alive.add(row.id);
    }
    for (const stream of open) if (!alive.has(stream.sessionId)) this.close(stream);
  }

  private close(stream: Stream): void {
    this.forget(stream);
    if (!stream.response.writableEnded) stream.response.end();
  }

  private forget(stream: Stream): void {
    const mine = this.byUser.get(stream.userId);
    if (!mine) return;
    mine.delete(stream);
    if (mine.size === 0) this.byUser.delete(stream.userId);
  }
}
