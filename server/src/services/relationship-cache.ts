import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { relationships } from '../db/schema.ts';
import type { RelationshipRow } from '../policies/relationship.ts';

/**
 * Relationships and their page data, cached in memory for the hot read routes.
 *
 * Every write to a relationship's data calls `changed(id)`, which drops the local copies and
 * announces the change with NOTIFY so that every instance drops theirs; while the LISTEN
 * connection is down nothing is served from the cache. Page data also expires after a minute,
 * since some markers (gaps, overdue replies) move with the clock.
 */

const CHANNEL = 'attune_relationships';
const ROW_TTL_MS = 5 * 60_000;
const PAGE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

type Entry<T> = { value: T; cachedAt: number };

export class RelationshipCache {
  private readonly rows = new Map<string, Entry<RelationshipRow>>();
  private readonly pages = new Map<string, Entry<string>>();
  private readonly database: Database;
  private live = false;
  private generation = 0;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(database: Database) {
    this.database = database;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.database.subscribe(
      CHANNEL,
      (id) => this.drop(id),
      (live) => {
        this.generation++;
        this.rows.clear();
        this.pages.clear();
        this.live = live;
      },
    );
  }

  async stop(): Promise<void> {
    this.live = false;
    await this.unsubscribe?.();
  }

  /** The relationship row by id, from the cache or the database. */
  async relationship(id: string): Promise<RelationshipRow | undefined> {
    const hit = this.fresh(this.rows, id, ROW_TTL_MS);
    if (hit) return hit;
    const generation = this.generation;
    const [row] = await this.database.db
      .select()
      .from(relationships)
      .where(eq(relationships.id, id))
      .limit(1);
    if (row && this.live && generation === this.generation) this.put(this.rows, id, row);
    return row;
  }

  /** A page body (serialized JSON) for a relationship and a viewer role, built when missing. */
  async page(id: string, view: string, build: () => Promise<string>): Promise<string> {
    const key = `${id}:${view}`;
    const hit = this.fresh(this.pages, key, PAGE_TTL_MS);
    if (hit) return hit;
    const generation = this.generation;
    const body = await build();
    if (this.live && generation === this.generation) this.put(this.pages, key, body);
    return body;
  }

  /** Call after any write to the relationship or its appointments and check-ins. */
  async changed(id: string): Promise<void> {
    this.drop(id);
    await this.database.notify(CHANNEL, id);
  }

  private fresh<T>(map: Map<string, Entry<T>>, key: string, ttl: number): T | undefined {
    if (!this.live) return undefined;
    const entry = map.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.cachedAt > ttl) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private put<T>(map: Map<string, Entry<T>>, key: string, value: T): void {
    if (map.size >= MAX_ENTRIES) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    map.set(key, { value, cachedAt: Date.now() });
  }

  private drop(id: string): void {
    this.generation++;
    this.rows.delete(id);
    for (const key of this.pages.keys()) if (key.startsWith(`${id}:`)) this.pages.delete(key);
  }
}
