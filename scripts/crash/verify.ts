import type { Json, Person } from './api.ts';
import { type Acknowledged, KINDS, type Kind, type Ledger } from './ledger.ts';
import { differences, type World } from './writers.ts';

/**
 * Reading everything back through the API and holding it against the ledger: every acknowledged
 * write must be there with exactly the content it was acknowledged with, and (at the end) every
 * record must trace back to a write that was sent, once.
 */

export type Finding = {
  type: 'lost' | 'changed' | 'unknown' | 'twice';
  kind: Kind;
  id: string;
  what: string;
};

/** What the API shows now, by kind (both kinds of letters share one list). */
export type Stored = Map<Kind, Json[]>;

const TAG = /#crash-[a-z-]+-\d+/;

export async function readBack(world: World): Promise<Stored> {
  const { client } = world;
  const r = `/api/relationships/${world.relationshipId}`;
  const items = async (url: string) => (await client.read(url)).items as Json[];
  const letters = await items(`${r}/letters`);
  return new Map<Kind, Json[]>([
    ['part', await items('/api/parts')],
    ['good moment', await items(`${r}/good-moments`)],
    ['agenda item', await items(`${r}/agenda`)],
    ['message', await allMessages(client, r)],
    ['letter', letters.filter((letter) => !String(letter.title).startsWith('#crash-letter-edit-'))],
    [
      'letter edit',
      letters.filter((letter) => String(letter.title).startsWith('#crash-letter-edit-')),
    ],
    ['appointment', await items(`${r}/appointments`)],
    ['check-in', await items(`${r}/checkins`)],
  ]);
}

/** Messages come in pages that go back in time. */
async function allMessages(client: Person, r: string): Promise<Json[]> {
  const all: Json[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await client.read(`${r}/messages?limit=200${query}`);
    all.unshift(...(page.items as Json[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return all;
}

/**
 * The acknowledged writes in `due` against what is stored. `final`: nothing writes any more, so
 * a letter must be exactly at its last known revision; between kills the editor may be ahead.
 */
export function compare(due: Acknowledged[], stored: Stored, final: boolean): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map<string, Json>();
  for (const items of stored.values()) for (const item of items) byId.set(String(item.id), item);
  const latestLetter = new Map<string, Acknowledged>();
  for (const entry of due) {
    if (entry.kind === 'letter' || entry.kind === 'letter edit') {
      const seen = latestLetter.get(entry.id);
      if (!seen || Number(entry.fields.revision) > Number(seen.fields.revision)) {
        latestLetter.set(entry.id, entry);
      }
      continue;
    }
    findings.push(...compareOne(entry, byId.get(entry.id)));
  }
  for (const entry of latestLetter.values()) {
    findings.push(...compareLetter(entry, byId.get(entry.id), final));
  }
  return findings;
}

function compareOne(entry: Acknowledged, item: Json | undefined): Finding[] {
  const { kind, id } = entry;
  if (!item) return [{ type: 'lost', kind, id, what: `${entry.tag} is gone` }];
  return differences(entry.fields, item).map((what) => ({ type: 'changed', kind, id, what }));
}

function compareLetter(entry: Acknowledged, item: Json | undefined, final: boolean): Finding[] {
  const { kind, id } = entry;
  const known = Number(entry.fields.revision);
  if (!item) return [{ type: 'lost', kind, id, what: `${entry.tag} is gone` }];
  const revision = Number(item.revision);
  if (revision < known) {
    return [{ type: 'lost', kind, id, what: `at revision ${revision}, acknowledged ${known}` }];
  }
  if (revision > known) {
    if (!final) return []; // edited since; the editor checks its own saves
    return [{ type: 'changed', kind, id, what: `at revision ${revision}, last known ${known}` }];
  }
  return differences(entry.fields, item).map((what) => ({ type: 'changed', kind, id, what }));
}

/** The tag a stored record carries: in its text, or for an appointment its start time. */
function tagOf(kind: Kind, item: Json): string | undefined {
  if (kind === 'appointment') return String(item.startsAt);
  const text = [item.name, item.title, item.text, item.body, item.note].join(' ');
  return TAG.exec(text)?.[0];
}

export type Traced = { findings: Finding[]; doubtWritten: number; doubtNotWritten: number };

/**
 * Every stored record must come from a write that was sent (acknowledged or in doubt), and
 * only once; and of the writes in doubt, how many turned out to be written.
 */
export function trace(ledger: Ledger, stored: Stored): Traced {
  const sent = new Set([
    ...ledger.acknowledged.map((entry) => entry.tag),
    ...ledger.inDoubt.keys(),
  ]);
  const found = new Set<string>();
  const findings: Finding[] = [];
  for (const kind of KINDS) {
    for (const item of stored.get(kind) ?? []) {
      const id = String(item.id);
      const tag = tagOf(kind, item);
      if (!tag || !sent.has(tag)) {
        findings.push({ type: 'unknown', kind, id, what: `no write made ${tag ?? 'it'}` });
      } else if (found.has(tag)) {
        findings.push({ type: 'twice', kind, id, what: `${tag} is stored twice` });
      }
      if (tag) found.add(tag);
    }
  }
  let doubtWritten = 0;
  for (const tag of ledger.inDoubt.keys()) if (found.has(tag)) doubtWritten += 1;
  return { findings, doubtWritten, doubtNotWritten: ledger.inDoubt.size - doubtWritten };
}
