import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { type Letter, LetterChangedError } from '../../api/letters';
import { type DraftDeps, type FoundCopy, fingerprint, LetterDraft, reconcile } from './letterDraft';

class MemStorage {
  map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

/** A fake server with the real PATCH semantics. */
class Server {
  letter: Letter = {
    id: 'L',
    relationshipId: 'R',
    ruptureId: null,
    title: 'T',
    body: 'hello',
    revision: 1,
    sentAt: null,
    createdAt: 'c',
    updatedAt: 'u1',
  };
  offline = false;
  calls: { changes: object; base: number }[] = [];
  inflight = 0;
  maxInflight = 0;
  async patch(changes: { title?: string; body?: string }, base: number): Promise<Letter> {
    this.calls.push({ changes, base });
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    await new Promise((r) => setTimeout(r, 50));
    this.inflight--;
    if (this.offline) throw new ApiError(0, 'network', 'net');
    const differs =
      (changes.title !== undefined && changes.title !== this.letter.title) ||
      (changes.body !== undefined && changes.body !== this.letter.body);
    if (!differs) return { ...this.letter };
    if (base !== this.letter.revision) throw new LetterChangedError('changed', { ...this.letter });
    this.letter = {
      ...this.letter,
      ...changes,
      revision: this.letter.revision + 1,
      updatedAt: `u${this.letter.revision + 1}`,
    };
    return { ...this.letter };
  }
}

function channels() {
  const subs = new Set<{ onmessage: ((e: MessageEvent) => void) | null }>();
  return (_name: string) => {
    const ch = {
      onmessage: null as ((e: MessageEvent) => void) | null,
      postMessage(m: unknown) {
        for (const s of subs)
          if (s !== ch)
            setTimeout(() => s.onmessage?.({ data: structuredClone(m) } as MessageEvent), 0);
      },
      close() {
        subs.delete(ch);
      },
    };
    subs.add(ch);
    return ch;
  };
}

function deps(
  server: Server,
  storage: MemStorage,
  openChannel: DraftDeps['openChannel'],
  online = () => !server.offline,
): DraftDeps {
  return {
    save: (_id, c, b) => server.patch(c, b),
    saveOnExit: () => false,
    storage,
    openChannel,
    isOnline: online,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LetterDraft', () => {
  test('debounce: saves 800ms after typing stops, writes local at every keystroke', async () => {
    const server = new Server();
    const storage = new MemStorage();
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels()),
    );
    d.start();
    d.edit({ body: 'hello w' });
    expect(JSON.parse(storage.getItem('attune:letter:L:tab:a')!).body).toBe('hello w');
    expect(d.getSnapshot().state).toBe('pending');
    await vi.advanceTimersByTimeAsync(700);
    expect(server.calls.length).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(server.calls.length).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(d.getSnapshot().state).toBe('saved');
    expect(storage.getItem('attune:letter:L:tab:a')).toBeNull();
    expect(server.letter.body).toBe('hello w');
  });

  test('continuous typing saves at least every 5 s, one request at a time, latest wins', async () => {
    const server = new Server();
    const storage = new MemStorage();
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels()),
    );
    d.start();
    let body = 'hello';
    for (let i = 0; i < 120; i++) {
      body += ' x';
      d.edit({ body });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(server.calls.length).toBeGreaterThanOrEqual(2);
    expect(server.maxInflight).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(server.letter.body).toBe(body);
    expect(d.getSnapshot().state).toBe('saved');
  });

  test('offline: keeps local, shows offline, saves when back online', async () => {
    const server = new Server();
    const storage = new MemStorage();
    server.offline = true;
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels()),
    );
    d.start();
    d.edit({ body: 'hello offline' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(d.getSnapshot().state).toBe('offline');
    expect(JSON.parse(storage.getItem('attune:letter:L:tab:a')!).body).toBe('hello offline');
    d.edit({ body: 'hello offline more' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(d.getSnapshot().state).toBe('offline');
    server.offline = false;
    d.online();
    await vi.advanceTimersByTimeAsync(100);
    expect(d.getSnapshot().state).toBe('saved');
    expect(server.letter.body).toBe('hello offline more');
  });

  test('offline with navigator.onLine true (server unreachable): backoff retry succeeds', async () => {
    const server = new Server();
    const storage = new MemStorage();
    server.offline = true;
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels(), () => true),
    );
    d.start();
    d.edit({ body: 'x' });
    await vi.advanceTimersByTimeAsync(900);
    expect(d.getSnapshot().state).toBe('offline');
    const n = server.calls.length;
    for (let i = 0; i < 10; i++) {
      d.edit({ body: `x${i}` });
      await vi.advanceTimersByTimeAsync(900);
    }
    expect(server.calls.length - n).toBeLessThanOrEqual(3);
    server.offline = false;
    await vi.advanceTimersByTimeAsync(20000);
    expect(d.getSnapshot().state).toBe('saved');
    expect(server.letter.body).toBe('x9');
  });

  test('two tabs: clean tab adopts silently; both dirty → conflict, nothing lost; keep mine / use other', async () => {
    const server = new Server();
    const sA = new MemStorage();
    const open = channels();
    const a = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, sA, open),
    );
    const b = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'b', copies: [], setAside: [] },
      deps(server, sA, open),
    );
    a.start();
    b.start();
    a.edit({ body: 'hello from A' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(b.getSnapshot().text.body).toBe('hello from A');
    expect(b.getSnapshot().state).toBe('saved');
    a.edit({ body: 'hello from A alpha' });
    b.edit({ body: 'hello from A beta' });
    await vi.advanceTimersByTimeAsync(1000);
    const [x, y] = a.getSnapshot().conflict ? [a, b] : [b, a];
    expect(x.getSnapshot().state).toBe('conflict');
    expect(y.getSnapshot().state).toBe('saved');
    const mine = x.getSnapshot().text.body;
    const other = x.getSnapshot().conflict!.body;
    expect(new Set([mine, other])).toEqual(new Set(['hello from A alpha', 'hello from A beta']));
    // keep typing during conflict: no save
    const calls = server.calls.length;
    x.edit({ body: `${mine}!` });
    await vi.advanceTimersByTimeAsync(6000);
    expect(server.calls.length).toBe(calls);
    // storage has x's copy
    expect(JSON.parse(sA.getItem(`attune:letter:L:tab:${x === a ? 'a' : 'b'}`)!).body).toBe(
      `${mine}!`,
    );
    x.takeOther();
    expect(x.getSnapshot().text.body).toBe(other);
    expect(x.getSnapshot().setAside[0]!.body).toBe(`${mine}!`);
    expect(JSON.parse(sA.getItem('attune:letter:L:set-aside')!)[0].body).toBe(`${mine}!`);
    expect(x.getSnapshot().state).toBe('saved');
    // second conflict → keep mine
    a.edit({ body: 'A2' });
    b.edit({ body: 'B2' });
    await vi.advanceTimersByTimeAsync(1000);
    const [p, q] = a.getSnapshot().conflict ? [a, b] : [b, a];
    const pm = p.getSnapshot().text.body;
    p.keepMine();
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.letter.body).toBe(pm);
    expect(p.getSnapshot().state).toBe('saved');
    expect(q.getSnapshot().text.body).toBe(pm); // clean other tab adopts
  });

  test('reconcile: own newer copy restored; older copy → conflict; sent fingerprint → ours', () => {
    const letter: Letter = {
      id: 'L',
      relationshipId: 'R',
      ruptureId: null,
      title: 'T',
      body: 'server',
      revision: 3,
      sentAt: null,
      createdAt: 'c',
      updatedAt: 'u',
    };
    const copy = (
      body: string,
      baseRevision: number,
      own = true,
      sent: string[] = [],
    ): FoundCopy => ({ title: 'T', body, baseRevision, at: 1, sent, key: 'k', own });
    expect(reconcile(letter, [copy('server', 2)]).restored).toBe(false);
    const r1 = reconcile(letter, [copy('mine', 3)]);
    expect(r1).toMatchObject({ restored: true, conflict: null, base: 3, text: { body: 'mine' } });
    const r2 = reconcile(letter, [copy('mine', 2)]);
    expect(r2.conflict?.body).toBe('server');
    expect(r2.text.body).toBe('mine');
    expect(r2.base).toBe(2);
    const r3 = reconcile(letter, [
      copy('mine', 2, true, [fingerprint({ title: 'T', body: 'server' })]),
    ]);
    expect(r3).toMatchObject({ conflict: null, base: 3, text: { body: 'mine' } });
    const r4 = reconcile(letter, [copy('orphan', 3, false), { ...copy('own', 3), at: 0 }]);
    expect(r4.text.body).toBe('own');
  });

  test('restored copy is saved at start; a conflict on load is not autosaved', async () => {
    const server = new Server();
    const storage = new MemStorage();
    storage.setItem(
      'attune:letter:L:tab:old',
      JSON.stringify({ title: 'T', body: 'from crash', baseRevision: 1, at: 5, sent: [] }),
    );
    const d = new LetterDraft(
      {
        letter: { ...server.letter },
        tabId: 'new',
        copies: [
          {
            title: 'T',
            body: 'from crash',
            baseRevision: 1,
            at: 5,
            sent: [],
            key: 'attune:letter:L:tab:old',
            own: false,
          },
        ],
        setAside: [],
      },
      deps(server, storage, channels()),
    );
    d.start();
    expect(storage.getItem('attune:letter:L:tab:old')).toBeNull();
    expect(JSON.parse(storage.getItem('attune:letter:L:tab:new')!).body).toBe('from crash');
    await vi.advanceTimersByTimeAsync(100);
    expect(server.letter.body).toBe('from crash');
    expect(storage.getItem('attune:letter:L:tab:new')).toBeNull();
  });

  test('empty title: body still saves, title waits with a problem', async () => {
    const server = new Server();
    const storage = new MemStorage();
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels()),
    );
    d.start();
    d.edit({ title: '  ' });
    d.edit({ body: 'new body' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.letter.body).toBe('new body');
    expect(server.letter.title).toBe('T');
    expect(d.getSnapshot().state).toBe('needs-change');
    expect(d.getSnapshot().problem?.field).toBe('title');
    expect(storage.getItem('attune:letter:L:tab:a')).not.toBeNull();
    d.edit({ title: 'New' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.letter.title).toBe('New');
    expect(d.getSnapshot().state).toBe('saved');
  });

  test('own save answered late (lost answer) is recognised after a 409', async () => {
    const server = new Server();
    const storage = new MemStorage();
    const d = new LetterDraft(
      { letter: { ...server.letter }, tabId: 'a', copies: [], setAside: [] },
      deps(server, storage, channels()),
    );
    d.start();
    // simulate: server took "v1" from this tab (e.g. keepalive), but this tab never learned it
    d.edit({ body: 'v1' });
    (d as unknown as { sent: string[] }).sent = [fingerprint({ title: 'T', body: 'v1' })];
    server.letter = { ...server.letter, body: 'v1', revision: 2 };
    d.edit({ body: 'v1 more' });
    await vi.advanceTimersByTimeAsync(1500);
    expect(d.getSnapshot().conflict).toBeNull();
    expect(server.letter.body).toBe('v1 more');
  });
});
