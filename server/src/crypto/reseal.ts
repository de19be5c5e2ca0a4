import {
  and,
  eq,
  getTableColumns,
  getTableName,
  inArray,
  isNotNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import * as schema from '../db/schema.ts';
import { dataKeys, SEALED_COLUMNS } from '../db/schema.ts';
import { type Keyring, SEALED_PREFIX } from './cipher.ts';

/**
 * The database side of encryption at rest: which key ids the stored text needs, and resealing
 * (text written before encryption, or under an older key, sealed again with the current key).
 */

export class KeyMismatchError extends Error {}

type SealedTable = { table: PgTable; name: string; id: PgColumn; columns: [string, PgColumn][] };

/** Every table with sealed columns (schema.ts sealedText and sealedJson), found in the schema. */
export function sealedTables(): SealedTable[] {
  const found: SealedTable[] = [];
  for (const value of Object.values(schema)) {
    if (typeof value !== 'object' || value === null || !('getSQL' in value)) continue;
    const table = value as PgTable;
    let name: string;
    try {
      name = getTableName(table);
    } catch {
      continue;
    }
    const all = getTableColumns(table) as Record<string, PgColumn>;
    const columns = Object.entries(all).filter(([, column]) =>
      SEALED_COLUMNS.has(`${name}.${column.name}`),
    );
    const id = all.id;
    if (columns.length === 0) continue;
    if (!id) throw new Error(`${name} has sealed columns but no id column to reseal them by.`);
    found.push({ table, name, id, columns });
  }
  return found;
}

/**
 * Checks the keyring against the key ids the database's text was sealed with and records the
 * current one. A key the database needs but the keyring lacks stops the start. On the first start
 * with encryption, text written before it is sealed.
 */
export async function prepareKeys(db: Db, keyring: Keyring): Promise<{ sealed: number }> {
  const known = await db.select({ id: dataKeys.id }).from(dataKeys);
  const missing = known.map((k) => k.id).filter((id) => !keyring.keys.has(id));
  if (missing.length > 0) {
    throw new KeyMismatchError(
      `The database holds text sealed with key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the key file lacks. Start Attune with the key file the data was written with (ATTUNE_SECRET_KEY_FILE, or secret.key in the data directory).`,
    );
  }
  await db.insert(dataKeys).values({ id: keyring.current.id }).onConflictDoNothing();
  if (known.length > 0) return { sealed: 0 };
  const sealed = await reseal(db, keyring);
  if (sealed > 0) await compact(db);
  return { sealed };
}

const BATCH = 200;

/**
 * Seals again with the current key every stored value not sealed with it: plain text from
 * before encryption, and text under older keys. Returns how many rows were rewritten.
 */
export async function reseal(db: Db, keyring: Keyring): Promise<number> {
  const current = `${SEALED_PREFIX}${keyring.current.id}.%`;
  let rewritten = 0;
  for (const { table, id, columns } of sealedTables()) {
    const stale: SQL[] = columns.map(
      ([, column]) => and(isNotNull(column), sql`${column} not like ${current}`) as SQL,
    );
    const selection = Object.fromEntries([['id', id], ...columns]);
    for (;;) {
      const rows = (await db
        .select(selection)
        .from(table)
        .where(or(...stale))
        .limit(BATCH)) as Record<string, unknown>[];
      if (rows.length === 0) break;
      await db.transaction(async (tx) => {
        for (const row of rows) {
          const { id: rowId, ...values } = row;
          await tx
            .update(table)
            .set(values)
            .where(eq(id, rowId as string));
        }
      });
      rewritten += rows.length;
    }
  }
  return rewritten;
}

/** Forgets key ids no stored value needs any more (after a reseal). */
export async function forgetKeys(db: Db, keep: string): Promise<string[]> {
  const known = await db.select({ id: dataKeys.id }).from(dataKeys);
  const old = known.map((k) => k.id).filter((id) => id !== keep);
  if (old.length > 0) await db.delete(dataKeys).where(inArray(dataKeys.id, old));
  return old;
}

/**
 * Rewrites the tables with sealed columns, so the row versions a reseal left behind (holding
 * the text as it was before) leave the data files.
 */
export async function compact(db: Db): Promise<void> {
  for (const { name } of sealedTables()) {
    await db.execute(sql.raw(`vacuum full "${name}"`));
  }
  // A checkpoint writes the rewritten pages out now; it needs a superuser on a PostgreSQL server,
  // where the server's own checkpoints do it soon anyway.
  await db.execute(sql`checkpoint`).catch(() => {});
}
