import { field, type Json, type Person } from './api.ts';
import type { Fields, Kind, Ledger } from './ledger.ts';
import { type ServerProcess, sleep } from './server.ts';
import { line, paragraph } from './text.ts';

/**
 * The writers: each writes one kind of record as fast as the server answers, and remembers in
 * the ledger what was acknowledged. When the server dies under a write, the write is in doubt,
 * the writer waits until the server is back, and goes on with a new write (never the same one
 * again, so nothing acknowledged can hide a loss by being written twice).
 */

export type World = { client: Person; therapist: Person; relationshipId: string };

export type Writing = {
  world: World;
  ledger: Ledger;
  server: ServerProcess;
  stopped: () => boolean;
};

type Create = {
  kind: Kind;
  tag: string;
  person: Person;
  url: string;
  /** The key of the record in the answer, e.g. `part` in `{part}`. */
  key: string;
  sent: Fields;
  /** Fields the server sets that must not change either. */
  kept: string[];
};

const DAY_MS = 86_400_000;
/** Appointments start a minute apart from here, so their start time identifies them. */
const APPOINTMENTS_FROM = Date.UTC(2024, 0, 1);
/** A letter is edited this many times before the editor starts a new one. */
const EDITS_PER_LETTER = 20;

/** Fields of `sent` that `item` does not hold exactly, as a readable list. */
export function differences(expected: Fields, item: Json): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => item[key] !== value)
    .map(
      ([key, value]) =>
        `${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(item[key])}`,
    );
}

function pick(item: Json, keys: string[]): Fields {
  return Object.fromEntries(keys.map((key) => [key, item[key] as Fields[string]]));
}

/** No answer: the server is (being) killed. Waits until it is back. */
async function untilBack(w: Writing): Promise<void> {
  // The short pause keeps a server that died on its own from being hammered in a tight loop.
  await Promise.all([w.server.whenUp(), sleep(10)]);
}

async function unexpectedAnswer(w: Writing, what: string, status: number, json: Json) {
  w.ledger.unexpected.push(`${what}: ${status} ${JSON.stringify(json).slice(0, 300)}`);
  await sleep(100);
}

/** Sends one create; on 201 records it and returns the record, otherwise undefined. */
async function create(w: Writing, c: Create): Promise<Json | undefined> {
  const answer = await c.person.call('POST', c.url, c.sent);
  if (!answer) {
    w.ledger.inDoubt.set(c.tag, c.kind);
    await untilBack(w);
    return undefined;
  }
  if (answer.status !== 201) {
    await unexpectedAnswer(w, c.kind, answer.status, answer.json);
    return undefined;
  }
  const item = field(answer.json, c.key);
  const id = String(item.id);
  for (const what of differences(c.sent, item)) {
    w.ledger.problems.push({ kind: c.kind, id, what: `answered with ${what}` });
  }
  w.ledger.acknowledge({
    kind: c.kind,
    tag: c.tag,
    id,
    fields: { ...c.sent, ...pick(item, c.kept) },
  });
  return item;
}

function randomInt(from: number, to: number): number {
  return from + Math.floor(Math.random() * (to - from + 1));
}

async function writeParts(w: Writing, n: number): Promise<void> {
  const tag = w.ledger.tag('part');
  await create(w, {
    kind: 'part',
    tag,
    person: w.world.client,
    url: '/api/parts',
    key: 'part',
    sent: { name: line(tag, n), description: n % 4 === 0 ? null : paragraph(tag, n) },
    kept: ['createdAt'],
  });
}

async function writeGoodMoments(w: Writing, n: number): Promise<void> {
  const tag = w.ledger.tag('good moment');
  await create(w, {
    kind: 'good moment',
    tag,
    person: w.world.client,
    url: `/api/relationships/${w.world.relationshipId}/good-moments`,
    key: 'goodMoment',
    sent: {
      at: new Date(Date.now() - randomInt(0, 60 * DAY_MS)).toISOString(),
      text: paragraph(tag, n),
    },
    kept: ['createdAt'],
  });
}

async function writeAgendaItems(w: Writing, n: number): Promise<void> {
  const tag = w.ledger.tag('agenda item');
  await create(w, {
    kind: 'agenda item',
    tag,
    person: w.world.client,
    url: `/api/relationships/${w.world.relationshipId}/agenda`,
    key: 'item',
    sent: { text: paragraph(tag, n), done: n % 3 === 0 },
    kept: ['createdAt'],
  });
}

function messagesFrom(person: 'client' | 'therapist') {
  return async (w: Writing, n: number): Promise<void> => {
    const tag = w.ledger.tag('message');
    await create(w, {
      kind: 'message',
      tag,
      person: w.world[person],
      url: `/api/relationships/${w.world.relationshipId}/messages`,
      key: 'message',
      sent: { body: paragraph(tag, n), urgent: n % 10 === 0 },
      kept: ['sentAt', 'senderRole'],
    });
  };
}

async function writeLetters(w: Writing, n: number): Promise<void> {
  const tag = w.ledger.tag('letter');
  await create(w, {
    kind: 'letter',
    tag,
    person: w.world.client,
    url: `/api/relationships/${w.world.relationshipId}/letters`,
    key: 'letter',
    sent: { title: line(tag, n), body: paragraph(tag, n) },
    kept: ['createdAt', 'revision'],
  });
}

/** An appointment (its start time is its tag), then the client's check-in for it. */
async function writeCheckins(w: Writing, n: number): Promise<void> {
  const startsAt = new Date(APPOINTMENTS_FROM + n * 60_000).toISOString();
  const appointment = await create(w, {
    kind: 'appointment',
    tag: startsAt,
    person: w.world.client,
    url: `/api/relationships/${w.world.relationshipId}/appointments`,
    key: 'appointment',
    sent: { startsAt, durationMinutes: randomInt(5, 600), kind: 'individual' },
    kept: [],
  });
  if (!appointment || w.stopped()) return;
  const tag = w.ledger.tag('check-in');
  const tension = randomInt(0, 4);
  await create(w, {
    kind: 'check-in',
    tag,
    person: w.world.client,
    url: `/api/appointments/${String(appointment.id)}/checkins`,
    key: 'checkin',
    sent: {
      bond: randomInt(0, 10),
      goals: randomInt(0, 10),
      method: randomInt(0, 10),
      overall: randomInt(0, 10),
      tension,
      resolved: tension === 0 ? null : randomInt(0, 4),
      note: paragraph(tag, n), // always: the note carries the tag that traces the check-in
      shared: n % 2 === 0,
    },
    kept: ['appointmentId', 'createdAt', 'score'],
  });
}

type LetterState = { id: string; tag: string; title: string; body: string; revision: number };

/**
 * Edits one letter over and over, each save made on the revision it knows (as the editor does),
 * then starts another. After a save without an answer it reads the letter: it must be as it was
 * or as that save would have made it; anything else is a lost or damaged write.
 */
async function editLetters(w: Writing): Promise<void> {
  let letter: LetterState | undefined;
  let edits = 0;
  let n = 0;
  while (!w.stopped()) {
    n += 1;
    if (!letter || edits >= EDITS_PER_LETTER) {
      letter = await startLetter(w, n);
      edits = 0;
      continue;
    }
    const next = { ...letter, body: paragraph(letter.tag, n), revision: letter.revision + 1 };
    const answer = await w.world.client.call('PATCH', `/api/letters/${letter.id}`, {
      body: next.body,
      baseRevision: letter.revision,
    });
    edits += 1;
    if (!answer) {
      await untilBack(w);
      letter = await settle(w, letter, next);
    } else if (answer.status === 200) {
      acknowledgeEdit(w, next, field(answer.json, 'letter'));
      letter = next;
    } else if (answer.status === 409) {
      const stored = field(answer.json, 'letter');
      w.ledger.problems.push({
        kind: 'letter edit',
        id: letter.id,
        what: `a save on acknowledged revision ${letter.revision} was refused: the letter is at revision ${String(stored.revision)}`,
      });
      letter = undefined;
    } else {
      await unexpectedAnswer(w, 'letter edit', answer.status, answer.json);
    }
  }
}

async function startLetter(w: Writing, n: number): Promise<LetterState | undefined> {
  const tag = w.ledger.tag('letter edit');
  const title = line(tag, n);
  const body = paragraph(tag, n);
  const item = await create(w, {
    kind: 'letter edit',
    tag,
    person: w.world.client,
    url: `/api/relationships/${w.world.relationshipId}/letters`,
    key: 'letter',
    sent: { title, body },
    kept: ['createdAt', 'revision'],
  });
  return item && { id: String(item.id), tag, title, body, revision: Number(item.revision) };
}

function acknowledgeEdit(w: Writing, next: LetterState, item: Json): void {
  const fields = { title: next.title, body: next.body, revision: next.revision };
  for (const what of differences(fields, item)) {
    w.ledger.problems.push({ kind: 'letter edit', id: next.id, what: `answered with ${what}` });
  }
  w.ledger.acknowledge({ kind: 'letter edit', tag: next.tag, id: next.id, fields });
}

/** Reads a letter after a save in doubt, until the server answers, and says which it is. */
async function settle(w: Writing, known: LetterState, attempted: LetterState) {
  for (;;) {
    const answer = await w.world.client.call('GET', `/api/letters/${known.id}`);
    if (!answer) {
      if (w.stopped()) return undefined; // the run failed; at a normal end the server is up
      await untilBack(w);
      continue;
    }
    if (answer.status !== 200) {
      await unexpectedAnswer(w, 'letter read', answer.status, answer.json);
      return undefined;
    }
    const stored = field(answer.json, 'letter');
    for (const state of [known, attempted]) {
      if (stored.revision === state.revision && stored.body === state.body) {
        if (state === attempted) {
          w.ledger.resolved.written += 1;
          const { title, body, revision } = state;
          w.ledger.confirm({
            kind: 'letter edit',
            tag: state.tag,
            id: state.id,
            fields: { title, body, revision },
          });
        } else w.ledger.resolved.notWritten += 1;
        return state;
      }
    }
    w.ledger.problems.push({
      kind: 'letter edit',
      id: known.id,
      what: `after a save in doubt the letter is at revision ${String(stored.revision)} with other text; acknowledged was revision ${known.revision}`,
    });
    return undefined;
  }
}

type Loop = (w: Writing, n: number) => Promise<void>;

function repeat(loop: Loop) {
  return async (w: Writing): Promise<void> => {
    for (let n = 1; !w.stopped(); n++) await loop(w, n);
  };
}

/** One writer per kind of write; resolves when all have stopped. */
export function startWriters(w: Writing): Promise<void> {
  const writers = [
    repeat(writeParts),
    repeat(writeGoodMoments),
    repeat(writeAgendaItems),
    repeat(messagesFrom('client')),
    repeat(messagesFrom('therapist')),
    repeat(writeLetters),
    repeat(writeCheckins),
    editLetters,
  ];
  // A writer that throws (an answer without its record) stops; the run then fails on it.
  const stopped = writers.map((writer) =>
    writer(w).catch((error: unknown) => {
      w.ledger.unexpected.push(`a writer stopped: ${String(error)}`);
    }),
  );
  return Promise.all(stopped).then(() => undefined);
}
