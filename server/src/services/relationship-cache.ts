import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { relationships } from '../db/schema.ts';

/**
 * Answers about a relationship (its page data, its markers), cached in memory for hot reads.
 *
 * Every write to a relationship or its appointments and check-ins raises the relationship's
 * `version` before it answers; a cached page is used only for the version the request has just
 * read from the database (it reads the relationship anyway, to authorize). So once a client's
 * change has been answered — say, a check-in made private — no instance serves the page from
 * before it. Pages also expire after a minute, since some markers move with the clock.
 */

const PAGE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

type Entry = { body: string; version: number; cachedAt: number };

export class RelationshipCache {
  private readonly pages = new Map<string, Entry>();
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * A serialized answer (page data, markers) for a relationship at a version and a view
   * (what differs by viewer, such as their role), built when missing.
   */
  async body(
    id: string,
    version: number,
    view: string,
    build: () => Promise<string>,
  ): Promise<string> {
    const key = `${id}:${view}`;
    const hit = this.pages.get(key);
    if (hit && hit.version === version && Date.now() - hit.cachedAt <= PAGE_TTL_MS) return hit.body;
    const body = await build();
    if (!hit && this.pages.size >= MAX_ENTRIES) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
    // A build that read data newer than `version` is harmless: later requests read a higher
    // version and rebuild. Never keep an older version over a newer one.
    const current = this.pages.get(key);
    if (!current || current.version <= version)
      this.pages.set(key, { body, version, cachedAt: Date.now() });
    return body;
  }

  /** Call after any write to the relationship or its data, before answering. */
  async changed(id: string): Promise<void> {
    await this.db
      .update(relationships)
      .set({ version: sql`${relationships.version} + 1` })
      .where(eq(relationships.id, id));
  }
}
