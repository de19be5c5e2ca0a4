/**
 * How a letter is kept while it is written, so that no word is ever lost.
 *
 * 1. On this device, at once. Every change writes the title and body synchronously to
 *    localStorage, with the server revision the text was based on, before anything else happens:
 *    a reload, a crash or a closed laptop loses nothing. Each tab writes under its own key
 *    (`attune:letter:<letterId>:tab:<tabId>`), so two tabs on one letter never overwrite each
 *    other's copy. A copy is removed once Attune holds exactly its text.
 *
 * 2. In Attune, soon. A save goes out 800 ms after typing stops, at least every 5 s while typing
 *    goes on, and at once when a field loses focus or the page is hidden; as the page closes
 *    (pagehide) a last save goes out with `keepalive`. Every save carries `baseRevision`. One
 *    request is in flight at a time; what is typed meanwhile goes in the next one (latest wins).
 *
 * 3. Offline, or Attune not answering: the copy on the device stays, the page says so, and the
 *    save is tried again with backoff (2 s doubling to a minute) and at once on `online`.
 *
 * 4. Opening a letter compares Attune's text with the copies on this device: this tab's own (after
 *    a reload) and those left by tabs that are gone (each tab holds a Web Lock for its life, so a
 *    live tab's copy is left to that tab). A copy equal to Attune's text is done with. A copy
 *    based on Attune's current revision is newer: it is restored and saved. So is a copy whose
 *    own save reached Attune without its answer arriving (each copy keeps fingerprints of the
 *    texts it sent). A copy based on an older revision met a change made elsewhere: it goes in
 *    the editor and Attune's text is shown beside it, as in 5.
 *
 * 5. Other tabs: after each save, a BroadcastChannel('attune-letter-<id>') message carries the
 *    new text and revision. A tab with no unsaved changes takes it silently. A tab with its own
 *    changes gets 409 letter_changed at its next save; then nothing is overwritten: the editor
 *    keeps this tab's text, the other version is shown read-only, and the person chooses
 *    "Keep mine" (save this text on top of the current revision) or "Use the other version"
 *    (this tab's text is set aside on the device, under "Your previous text", until they let it
 *    go). No automatic save happens while both versions are shown.
 *
 * 6. `beforeunload` asks before leaving only when there are changes the device could not keep
 *    (storage full or switched off), which is normally never.
 */

import { useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError } from '../../api/client';
import {
  BODY_MAX,
  fetchLetter,
  type Letter,
  LetterChangedError,
  type LetterChanges,
  saveLetterOnExit,
  TITLE_MAX,
  updateLetter,
} from '../../api/letters';

export const SAVE_AFTER_PAUSE_MS = 800;
export const SAVE_AT_LEAST_EVERY_MS = 5_000;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** How long a new page waits for the tab lock a reloaded page may still hold. */
const LOCK_WAIT_MS = 1_500;

export type LetterText = { title: string; body: string };

/** A letter's text as Attune holds it at one revision. */
export type Version = LetterText & { revision: number; updatedAt: string };

/** What this device keeps of a letter that is not (yet) in Attune exactly. */
export type LocalCopy = LetterText & {
  baseRevision: number;
  /** When it was written (ms since 1970). */
  at: number;
  /** Fingerprints of texts sent to Attune whose answer has not arrived. */
  sent: string[];
};

export type FoundCopy = LocalCopy & { key: string; own: boolean };

/** Text put aside by "Use the other version", kept on the device until let go. */
export type SetAside = LetterText & { at: number };

export type SaveState =
  /** Attune holds exactly this text. */
  | 'saved'
  /** Changes are waiting for a pause in typing, or on their way. */
  | 'pending'
  /** No connection: kept on the device; saved once back online. */
  | 'offline'
  /** Attune did not answer well: kept on the device; tried again. */
  | 'unavailable'
  /** Changed elsewhere too: both versions are shown. */
  | 'conflict'
  /** Attune cannot take the text as it is (no title, too long): kept on the device. */
  | 'needs-change'
  | 'signed-out'
  /** Attune no longer has the letter. */
  | 'gone';

export type DraftSnapshot = {
  text: LetterText;
  state: SaveState;
  /** Changes that Attune does not hold yet. */
  dirty: boolean;
  /** The other version, while both are shown. */
  conflict: Version | null;
  setAside: SetAside[];
  /** The text was brought back from this device when the letter opened. */
  restored: boolean;
  /** What stops a save, in words, and the field it is about. */
  problem: { field: 'title' | 'body' | null; message: string } | null;
  /** The revision Attune holds and when it was saved. */
  saved: { revision: number; at: string };
  /** False when this device could not keep the latest changes (storage full or off). */
  onDevice: boolean;
};

/** A stored letter body can be long: this keeps it to one comparison and one hash. */
export function sameText(a: LetterText, b: LetterText): boolean {
  return a.body === b.body && a.title.trim() === b.title.trim();
}

/** A short fingerprint of a text (cyrb53), to recognise a text this tab sent. */
export function fingerprint(text: LetterText): string {
  const input = `${text.title.trim()}\u0000${text.body}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function versionOf(letter: Letter): Version {
  return {
    title: letter.title,
    body: letter.body,
    revision: letter.revision,
    updatedAt: letter.updatedAt,
  };
}

/** Why Attune would refuse this text, in the person's terms; null when it would take it. */
export function textProblem(text: LetterText): DraftSnapshot['problem'] {
  const title = text.title.trim();
  if (title === '') {
    return {
      field: 'title',
      message:
        'Please give your letter a title, so you can find it again. Until then, your words are kept on this device.',
    };
  }
  if (title.length > TITLE_MAX) {
    return {
      field: 'title',
      message: `Please keep the title to ${TITLE_MAX} characters (it has ${title.length}). Until then, your words are kept on this device.`,
    };
  }
  if (/\p{Cc}/u.test(title)) {
    return { field: 'title', message: 'Please keep the title on one line.' };
  }
  if (text.body.length > BODY_MAX) {
    return {
      field: 'body',
      message: `A letter holds up to ${BODY_MAX.toLocaleString()} characters, and this one has ${text.body.length.toLocaleString()}. Everything is kept on this device; you could move part of it into a second letter.`,
    };
  }
  return null;
}

/** The changes from `server` to `text` that Attune would accept now; null when there are none. */
export function changesFrom(server: LetterText, text: LetterText): LetterChanges | null {
  const changes: LetterChanges = {};
  const problem = textProblem(text);
  const title = text.title.trim();
  if (title !== server.title.trim() && problem?.field !== 'title') changes.title = title;
  if (text.body !== server.body && problem?.field !== 'body') changes.body = text.body;
  return Object.keys(changes).length > 0 ? changes : null;
}

/** Words as a person counts them (a count, never a score). */
export function wordCount(text: string): number {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu);
  return words ? words.length : 0;
}

// --- The copies on this device ------------------------------------------------------------

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const PREFIX = 'attune:letter:';
const copyPrefix = (letterId: string) => `${PREFIX}${letterId}:tab:`;
const setAsideKey = (letterId: string) => `${PREFIX}${letterId}:set-aside`;

function isLocalCopy(value: unknown): value is LocalCopy {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<LocalCopy>;
  return (
    typeof c.title === 'string' &&
    typeof c.body === 'string' &&
    typeof c.baseRevision === 'number' &&
    typeof c.at === 'number' &&
    Array.isArray(c.sent) &&
    c.sent.every((s) => typeof s === 'string')
  );
}

function isSetAsideList(value: unknown): value is SetAside[] {
  return (
    Array.isArray(value) &&
    value.every(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as SetAside).title === 'string' &&
        typeof (v as SetAside).body === 'string' &&
        typeof (v as SetAside).at === 'number',
    )
  );
}

function browserStorage(): KeyValueStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function readJson(storage: KeyValueStore | null, key: string): unknown {
  try {
    const raw = storage?.getItem(key);
    return raw == null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

/** Every copy of a letter on this device, by tab. */
export function readCopies(
  storage: KeyValueStore | null,
  letterId: string,
): (LocalCopy & { key: string; tabId: string })[] {
  if (!storage) return [];
  const prefix = copyPrefix(letterId);
  const keys: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    return [];
  }
  return keys.flatMap((key) => {
    const value = readJson(storage, key);
    return isLocalCopy(value) ? [{ ...value, key, tabId: key.slice(prefix.length) }] : [];
  });
}

/** Whether this device holds words of the letter that Attune may not have yet. */
export function hasCopyOnDevice(letterId: string): boolean {
  return readCopies(browserStorage(), letterId).length > 0;
}

// --- This tab --------------------------------------------------------------------------------

const TAB_KEY = 'attune:tab';
const LOCK_PREFIX = 'attune-tab:';
let tabClaim: Promise<string> | null = null;

function newId(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
  }
}

/** Holds this tab's lock for as long as the page lives; false if another page holds it. */
function holdLock(locks: LockManager, id: string, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), waitMs);
    locks
      .request(`${LOCK_PREFIX}${id}`, { signal: controller.signal }, () => {
        clearTimeout(timer);
        resolve(true);
        return new Promise<void>(() => {});
      })
      .catch(() => resolve(false));
  });
}

/**
 * This tab's id: kept in sessionStorage, so a reload keeps it and finds its own copies. A
 * duplicated tab inherits sessionStorage too; its lock is then taken, so it picks a new id.
 */
export function claimTab(): Promise<string> {
  tabClaim ??= (async () => {
    let id: string;
    try {
      id = window.sessionStorage.getItem(TAB_KEY) ?? newId();
    } catch {
      id = newId();
    }
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (locks && !(await holdLock(locks, id, LOCK_WAIT_MS))) {
      id = newId();
      await holdLock(locks, id, LOCK_WAIT_MS);
    }
    try {
      window.sessionStorage.setItem(TAB_KEY, id);
    } catch {
      // A reload then starts as a new tab and finds its copy as one left behind: still restored.
    }
    return id;
  })();
  return tabClaim;
}

/** The ids of tabs that are open now; null when the browser cannot tell. */
async function liveTabs(): Promise<Set<string> | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return null;
  try {
    const { held = [] } = await locks.query();
    return new Set(
      held.flatMap((lock) =>
        lock.name?.startsWith(LOCK_PREFIX) ? [lock.name.slice(LOCK_PREFIX.length)] : [],
      ),
    );
  } catch {
    return null;
  }
}

// --- Opening a letter ------------------------------------------------------------------------

export type OpenedLetter = {
  letter: Letter;
  tabId: string;
  /** This tab's copy and those left by tabs that are gone. */
  copies: FoundCopy[];
  setAside: SetAside[];
};

/** Fetches a letter and finds what this device kept of it. */
export async function openLetter(id: string): Promise<OpenedLetter> {
  const [letter, tabId] = await Promise.all([fetchLetter(id), claimTab()]);
  const live = await liveTabs();
  const storage = browserStorage();
  const copies = readCopies(storage, id)
    // Without Web Locks every copy is taken as left behind: recovering twice beats losing.
    .filter((c) => c.tabId === tabId || live === null || !live.has(c.tabId))
    .map(({ tabId: copyTab, ...copy }) => ({ ...copy, own: copyTab === tabId }));
  const setAside = readJson(storage, setAsideKey(id));
  return { letter, tabId, copies, setAside: isSetAsideList(setAside) ? setAside : [] };
}

export type Start = {
  text: LetterText;
  server: Version;
  /** The revision the editor's text builds on. */
  base: number;
  conflict: Version | null;
  restored: boolean;
  /** Fingerprints the restored copy had sent. */
  sent: string[];
  /** Copies that are now in the editor or in Attune: their keys can go. */
  settled: FoundCopy[];
};

/**
 * Where the editor starts, from Attune's letter and the copies on this device (point 4 above).
 * Pure, so it can be reasoned about and tested on its own.
 */
export function reconcile(letter: Letter, copies: FoundCopy[]): Start {
  const server = versionOf(letter);
  const waiting = copies
    .filter((c) => !sameText(c, server))
    .sort((a, b) => Number(b.own) - Number(a.own) || b.at - a.at);
  const settled = copies.filter((c) => sameText(c, server));
  const copy = waiting[0];
  if (!copy) {
    return {
      text: { title: server.title, body: server.body },
      server,
      base: server.revision,
      conflict: null,
      restored: false,
      sent: [],
      settled,
    };
  }
  // Copies other than the newest stay where they are and are offered the next time.
  settled.push(copy);
  const newer = copy.baseRevision >= server.revision || copy.sent.includes(fingerprint(server));
  return {
    text: { title: copy.title, body: copy.body },
    server,
    base: newer ? server.revision : copy.baseRevision,
    conflict: newer ? null : server,
    restored: true,
    sent: copy.sent,
    settled,
  };
}

// --- The draft -------------------------------------------------------------------------------

type Channel = {
  postMessage: (message: unknown) => void;
  close: () => void;
  onmessage: ((event: MessageEvent) => void) | null;
};

export type DraftDeps = {
  save: (id: string, changes: LetterChanges, baseRevision: number) => Promise<Letter>;
  saveOnExit: (id: string, changes: LetterChanges, baseRevision: number) => boolean;
  storage: KeyValueStore | null;
  openChannel: (name: string) => Channel | null;
  isOnline: () => boolean;
  /** Told of every save, also one that lands after the page has moved on. */
  onSaved?: (letter: Letter) => void;
};

export function browserDeps(): DraftDeps {
  return {
    save: updateLetter,
    saveOnExit: saveLetterOnExit,
    storage: browserStorage(),
    openChannel: (name) =>
      typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name),
    isOnline: () => navigator.onLine !== false,
  };
}

type Trouble = Exclude<SaveState, 'saved' | 'pending' | 'conflict'>;
type SavedMessage = { type: 'saved'; from: string; letter: Letter };
type FlushReason = 'typing' | 'now' | 'retry';

function isSavedMessage(value: unknown): value is SavedMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as SavedMessage).type === 'saved' &&
    typeof (value as SavedMessage).from === 'string' &&
    typeof (value as SavedMessage).letter?.revision === 'number'
  );
}

/**
 * One letter being written in this tab. It knows nothing of React or the DOM: the page calls
 * `edit` on every change, and `saveNow`, `online`, `closing` on the browser's events.
 */
export class LetterDraft {
  readonly id: string;
  private readonly tabId: string;
  private readonly deps: DraftDeps;
  private text: LetterText;
  /** The newest version of the letter this tab knows Attune holds. */
  private server: Version;
  /** The revision the text builds on (below `server.revision` only while in conflict). */
  private base: number;
  private conflict: Version | null;
  private setAside: SetAside[];
  private sent: string[];
  private readonly restored: boolean;
  private trouble: Trouble | null = null;
  private troubleMessage: DraftSnapshot['problem'] = null;
  private onDevice = true;
  private pendingSettle: FoundCopy[];

  private inFlight: Promise<void> | null = null;
  private again = false;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;
  private everyTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private channel: Channel | null = null;
  private started = false;

  private listeners = new Set<() => void>();
  private snapshot: DraftSnapshot;

  constructor(opened: OpenedLetter, deps: DraftDeps) {
    const start = reconcile(opened.letter, opened.copies);
    this.id = opened.letter.id;
    this.tabId = opened.tabId;
    this.deps = deps;
    this.text = start.text;
    this.server = start.server;
    this.base = start.base;
    this.conflict = start.conflict;
    this.restored = start.restored;
    this.sent = start.sent;
    this.setAside = opened.setAside;
    this.pendingSettle = start.settled;
    this.snapshot = this.makeSnapshot();
  }

  // For useSyncExternalStore: stable functions, and the same snapshot until something changes.
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DraftSnapshot => this.snapshot;

  private get ownKey(): string {
    return `${copyPrefix(this.id)}${this.tabId}`;
  }

  private get dirty(): boolean {
    return !sameText(this.text, this.server);
  }

  private state(): SaveState {
    if (this.conflict) return 'conflict';
    if (this.trouble) return this.trouble;
    if (this.dirty || this.inFlight) return 'pending';
    return 'saved';
  }

  private makeSnapshot(): DraftSnapshot {
    const state = this.state();
    return {
      text: this.text,
      state,
      dirty: this.dirty,
      conflict: this.conflict,
      setAside: this.setAside,
      restored: this.restored,
      problem: state === 'needs-change' ? this.troubleMessage : null,
      saved: { revision: this.server.revision, at: this.server.updatedAt },
      onDevice: this.onDevice,
    };
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }

  /** Writes this tab's copy, or removes it once Attune holds exactly this text. */
  private keep(): void {
    const storage = this.deps.storage;
    if (!storage) {
      this.onDevice = !this.dirty;
      return;
    }
    try {
      if (this.dirty) {
        const copy: LocalCopy = {
          title: this.text.title,
          body: this.text.body,
          baseRevision: this.base,
          at: Date.now(),
          sent: this.sent,
        };
        storage.setItem(this.ownKey, JSON.stringify(copy));
      } else {
        storage.removeItem(this.ownKey);
      }
      this.onDevice = true;
    } catch {
      this.onDevice = !this.dirty;
    }
  }

  /** Starts listening to other tabs and saves a restored text at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // Copies now in the editor (or already in Attune) move to this tab's key.
    for (const copy of this.pendingSettle) {
      if (copy.key === this.ownKey) continue;
      try {
        this.deps.storage?.removeItem(copy.key);
      } catch {
        // Left for the next opening, which finds it equal or offers it again.
      }
    }
    this.pendingSettle = [];
    this.keep();
    this.channel = this.deps.openChannel(`attune-letter-${this.id}`);
    if (this.channel) this.channel.onmessage = (event) => this.fromOtherTab(event.data);
    if (this.dirty && !this.conflict) this.flush('now');
    this.emit();
  }

  /** Stops listening; what is unsaved is sent on its way (leaving the page in the app). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.channel?.close();
    this.channel = null;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.dirty && !this.conflict) this.flush('now');
    clearTimeout(this.pauseTimer);
    clearTimeout(this.everyTimer);
  }

  edit(changes: Partial<LetterText>): void {
    this.text = { ...this.text, ...changes };
    if (this.trouble === 'needs-change') this.trouble = null;
    this.keep();
    if (!this.conflict && this.dirty) this.scheduleSave();
    if (this.inFlight) this.again = true;
    this.emit();
  }

  private scheduleSave(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.flush('typing'), SAVE_AFTER_PAUSE_MS);
    this.everyTimer ??= setTimeout(() => this.flush('typing'), SAVE_AT_LEAST_EVERY_MS);
  }

  /** Saves now (a field lost focus, the page was hidden, a download); true once Attune has it all. */
  async saveNow(): Promise<boolean> {
    for (let i = 0; i < 4; i++) {
      this.flush('now');
      if (!this.inFlight) break;
      await this.inFlight;
    }
    return this.state() === 'saved';
  }

  /** The connection is back: try at once. */
  online(): void {
    this.attempts = 0;
    this.flush('now');
  }

  private flush(reason: FlushReason): void {
    clearTimeout(this.pauseTimer);
    clearTimeout(this.everyTimer);
    this.pauseTimer = undefined;
    this.everyTimer = undefined;
    if (this.conflict || this.trouble === 'signed-out' || this.trouble === 'gone') return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    // While waiting to retry, typing does not hammer a server that is not answering.
    if (reason === 'typing' && this.retryTimer !== undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!this.dirty) {
      this.trouble = null;
      this.emit();
      return;
    }
    if (!this.deps.isOnline()) {
      this.trouble = 'offline';
      this.scheduleRetry();
      this.emit();
      return;
    }
    const changes = changesFrom(this.server, this.text);
    if (!changes) {
      this.trouble = 'needs-change';
      this.troubleMessage = textProblem(this.text);
      this.emit();
      return;
    }
    this.sent = [...this.sent.slice(-7), fingerprint(this.text)];
    this.keep();
    this.inFlight = this.deps
      .save(this.id, changes, this.base)
      .then(
        (letter) => this.saved(letter),
        (error: unknown) => this.failed(error),
      )
      .finally(() => {
        this.inFlight = null;
        const next = this.again && this.trouble === null && !this.conflict;
        this.again = false;
        if (next && this.dirty) this.flush('now');
        else this.emit();
      });
    this.emit();
  }

  private saved(letter: Letter): void {
    this.server = versionOf(letter);
    this.base = letter.revision;
    this.attempts = 0;
    this.trouble = null;
    if (!this.dirty) {
      this.sent = [];
    } else if (!changesFrom(this.server, this.text)) {
      // Still different only in what Attune would refuse (e.g. an empty title).
      this.trouble = 'needs-change';
      this.troubleMessage = textProblem(this.text);
    }
    this.keep();
    this.tellOtherTabs(letter);
    this.deps.onSaved?.(letter);
  }

  private failed(error: unknown): void {
    if (error instanceof LetterChangedError) {
      this.meet(versionOf(error.current));
      return;
    }
    const status = error instanceof ApiError ? error.status : -1;
    if (status === 0) {
      this.trouble = 'offline';
      this.scheduleRetry();
    } else if (status === 401) {
      this.trouble = 'signed-out';
    } else if (status === 404) {
      this.trouble = 'gone';
    } else if (status === 400 || status === 413 || status === 422) {
      const fields = error instanceof ApiError ? error.fields : {};
      const field = fields.title ? 'title' : fields.body ? 'body' : null;
      this.trouble = 'needs-change';
      this.troubleMessage = {
        field,
        message:
          (field ? fields[field] : undefined) ??
          (error instanceof Error ? error.message : 'Attune could not take this text as it is.'),
      };
    } else {
      this.trouble = 'unavailable';
      this.scheduleRetry(error instanceof ApiError ? error.retryAfterSeconds : null);
    }
  }

  private scheduleRetry(afterSeconds: number | null = null): void {
    // A page that is gone does not keep trying: its copy on the device waits for the next opening.
    if (this.retryTimer !== undefined || !this.started) return;
    const delay =
      afterSeconds !== null
        ? afterSeconds * 1000
        : Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.attempts);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flush('retry');
    }, delay);
  }

  /** Attune holds a newer version than the one this text builds on. */
  private meet(current: Version): void {
    this.trouble = null;
    if (current.revision < this.server.revision) return;
    if (sameText(this.text, current)) {
      this.server = current;
      this.base = current.revision;
      this.sent = [];
    } else if (this.sent.includes(fingerprint(current))) {
      // Our own earlier save arrived after all (its answer did not): build on it.
      this.server = current;
      this.base = current.revision;
      this.again = true;
    } else {
      this.server = current;
      this.conflict = current;
    }
    this.keep();
  }

  private fromOtherTab(data: unknown): void {
    if (!isSavedMessage(data) || data.from === this.tabId || data.letter.id !== this.id) return;
    const other = versionOf(data.letter);
    if (other.revision <= this.server.revision) return;
    if (this.conflict) {
      this.server = other;
      this.conflict = other;
    } else if (sameText(this.text, other) || (!this.dirty && !this.inFlight)) {
      // No changes of its own here: take the other tab's text quietly.
      this.text = { title: other.title, body: other.body };
      this.server = other;
      this.base = other.revision;
      this.sent = [];
      this.trouble = this.trouble === 'needs-change' ? null : this.trouble;
      this.keep();
    } else {
      // Changes here too: the next save meets a 409 and both versions are shown.
      return;
    }
    this.emit();
  }

  private tellOtherTabs(letter: Letter): void {
    const message: SavedMessage = { type: 'saved', from: this.tabId, letter };
    try {
      if (this.channel) {
        this.channel.postMessage(message);
      } else {
        const channel = this.deps.openChannel(`attune-letter-${this.id}`);
        channel?.postMessage(message);
        channel?.close();
      }
    } catch {
      // Other tabs learn of it at their next save.
    }
  }

  /** "Keep mine": this text goes on top of the other version. */
  keepMine(): void {
    if (!this.conflict) return;
    this.base = this.conflict.revision;
    this.conflict = null;
    this.keep();
    this.flush('now');
    this.emit();
  }

  /** "Use the other version": it goes in the editor; this text is set aside on the device. */
  takeOther(): void {
    const other = this.conflict;
    if (!other) return;
    this.setAside = [...this.setAside, { ...this.text, at: Date.now() }];
    this.storeSetAside();
    this.text = { title: other.title, body: other.body };
    this.server = other;
    this.base = other.revision;
    this.conflict = null;
    this.sent = [];
    this.keep();
    this.emit();
  }

  /** The person lets a set-aside text go. */
  forgetSetAside(at: number): void {
    this.setAside = this.setAside.filter((item) => item.at !== at);
    this.storeSetAside();
    this.emit();
  }

  private storeSetAside(): void {
    try {
      if (this.setAside.length > 0) {
        this.deps.storage?.setItem(setAsideKey(this.id), JSON.stringify(this.setAside));
      } else {
        this.deps.storage?.removeItem(setAsideKey(this.id));
      }
    } catch {
      // Still shown on this page.
    }
  }

  /** The page is closing: a last save that the browser completes after it is gone. */
  closing(): void {
    if (!this.dirty || this.conflict) return;
    const changes = changesFrom(this.server, this.text);
    if (!changes) return;
    if (this.deps.saveOnExit(this.id, changes, this.base)) {
      this.sent = [...this.sent.slice(-7), fingerprint(this.text)];
      this.keep();
    }
  }

  /** Leaving would lose words: only when the device could not keep them. */
  needsWarning(): boolean {
    return this.dirty && !this.onDevice;
  }
}

/** The draft of one opened letter, wired to the browser's events for as long as it is shown. */
export function useLetterDraft(
  opened: OpenedLetter,
  onSaved?: (letter: Letter) => void,
): [DraftSnapshot, LetterDraft] {
  const [draft] = useState(() => new LetterDraft(opened, { ...browserDeps(), onSaved }));
  const snapshot = useSyncExternalStore(draft.subscribe, draft.getSnapshot);

  useEffect(() => {
    draft.start();
    const onOnline = () => draft.online();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') void draft.saveNow();
    };
    const onPageHide = () => draft.closing();
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (draft.needsWarning()) event.preventDefault();
    };
    window.addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('beforeunload', onBeforeUnload);
      draft.stop();
    };
  }, [draft]);

  return [snapshot, draft];
}
