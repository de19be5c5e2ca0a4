import { and, eq, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { communityProfiles, communityQuestions } from '../db/schema.ts';
import type { CommunityConfig } from './config.ts';
import { forgetOldWindows } from './rate-limit.ts';

/**
 * The retention of anonymous askers (docs/COMMUNITY.md, "Retention"): an anonymous ask keeps
 * its asker, sealed, only so that answers reach them, they can follow up, and a block through
 * it works. 30 days after its last answer, or 90 days after it was asked (answered or not),
 * the sweep erases it: from then on nobody, the server included, can tell who asked.
 *
 * Safe to run at any time, twice, or on two instances at once.
 */
export async function sweepAnonymousAskers(
  db: Db,
  config: Pick<CommunityConfig, 'askerAfterAnswerMs' | 'askerMaxMs'>,
  now: Date = new Date(),
): Promise<{ erased: number }> {
  const answeredBefore = new Date(now.getTime() - config.askerAfterAnswerMs);
  const askedBefore = new Date(now.getTime() - config.askerMaxMs);
  const erased = await db
    .update(communityQuestions)
    .set({ asker: null, askerErasedAt: now })
    .where(
      and(
        isNotNull(communityQuestions.asker),
        or(
          lt(communityQuestions.lastAnswerAt, answeredBefore),
          lt(communityQuestions.createdAt, askedBefore),
        ),
      ),
    )
    .returning({ id: communityQuestions.id });

  // Each asker's own list of their anonymous asks keeps only those still linked to them.
  const lists = await db
    .select({ id: communityProfiles.id })
    .from(communityProfiles)
    .where(isNotNull(communityProfiles.anonymousAsks));
  for (const list of lists) await pruneOwnAsks(db, list.id);

  await forgetOldWindows(db, new Date(now.getTime() - 24 * 3_600_000));
  return { erased: erased.length };
}

/**
 * Adds an anonymous ask to its asker's own (sealed) list. Called in a transaction of its own,
 * apart from the one that wrote the ask, so that no transaction id ties the two rows together.
 */
export async function addOwnAsk(db: Db, profileId: string, questionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await lockOwnAsks(tx, profileId);
    if (!row) return;
    await tx
      .update(communityProfiles)
      .set({ anonymousAsks: [...(Array.isArray(row.asks) ? row.asks : []), questionId] })
      .where(eq(communityProfiles.id, profileId));
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A profile's own (sealed) list of anonymous asks, locked until the transaction ends. */
async function lockOwnAsks(tx: Tx, profileId: string) {
  const [row] = await tx
    .select({ asks: communityProfiles.anonymousAsks })
    .from(communityProfiles)
    .where(eq(communityProfiles.id, profileId))
    .for('update');
  return row;
}

/** Keeps in a profile's list only the asks still linked to their asker. */
async function pruneOwnAsks(db: Db, profileId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await lockOwnAsks(tx, profileId);
    const ids = Array.isArray(row?.asks) ? row.asks.filter((id) => typeof id === 'string') : [];
    const kept =
      ids.length === 0
        ? new Set<string>()
        : new Set(
            (
              await tx
                .select({ id: communityQuestions.id })
                .from(communityQuestions)
                .where(
                  and(inArray(communityQuestions.id, ids), isNotNull(communityQuestions.asker)),
                )
            ).map((q) => q.id),
          );
    if (kept.size === ids.length) return;
    await tx
      .update(communityProfiles)
      .set({ anonymousAsks: ids.filter((id) => kept.has(id)) })
      .where(eq(communityProfiles.id, profileId));
  });
}
