import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import {
  createRupture,
  type Rupture,
  type RuptureInput,
  type RuptureKind,
  ruptureKeys,
  updateRupture,
} from '../../api/ruptures';

/**
 * The rupture flow's fields, saved as the person types.
 *
 * Every change is written at once to this browser's storage (so a reload or a lost connection
 * never loses a word) and, 700 ms after typing pauses, to Attune: the first save creates the
 * record (private), later ones update it. Until Attune has it, the local copy is marked unsaved
 * and wins over the server's copy when the flow is opened again.
 */

export type Fields = {
  title: string;
  /** A calendar date, yyyy-mm-dd, in the person's own time. */
  occurredOn: string;
  whatHappened: string;
  theirSide: string;
  myExperience: string;
  intensity: number;
  kind: RuptureKind | null;
  echoes: string;
  partIds: string[];
  needs: string;
};

export type SaveState = 'idle' | 'saving' | 'saved' | 'offline' | 'refused';

const PREFIX = 'attune:rupture-draft:';
const DELAY_MS = 700;

type Stored = { fields: Fields; unsaved: boolean };

export function todayIso(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function dayOf(iso: string): string {
  return todayIso(new Date(iso));
}

/** Noon on the chosen day, in the person's own time zone. */
function occurredAt(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  if (!y || !m || !d) return new Date().toISOString();
  return new Date(y, m - 1, d, 12).toISOString();
}

export function emptyFields(occurredOn = todayIso()): Fields {
  return {
    title: '',
    occurredOn,
    whatHappened: '',
    theirSide: '',
    myExperience: '',
    intensity: 3,
    kind: null,
    echoes: '',
    partIds: [],
    needs: '',
  };
}

export function fieldsOf(r: Rupture): Fields {
  return {
    title: r.title,
    occurredOn: dayOf(r.occurredAt),
    whatHappened: r.whatHappened,
    theirSide: r.theirSide ?? '',
    myExperience: r.myExperience ?? '',
    intensity: r.intensity,
    kind: r.kind,
    echoes: r.echoes ?? '',
    partIds: (r.parts ?? []).map((p) => p.id),
    needs: r.needs ?? '',
  };
}

function isFields(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return (
    ['title', 'occurredOn', 'whatHappened', 'theirSide', 'myExperience', 'echoes', 'needs'].every(
      (k) => typeof f[k] === 'string',
    ) &&
    typeof f.intensity === 'number' &&
    Array.isArray(f.partIds) &&
    (f.kind === null || typeof f.kind === 'string')
  );
}

export function readStored(key: string): Stored | null {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { fields?: unknown; unsaved?: unknown };
    return isFields(parsed.fields)
      ? { fields: parsed.fields, unsaved: parsed.unsaved === true }
      : null;
  } catch {
    return null;
  }
}

function writeStored(key: string, stored: Stored | null) {
  try {
    if (stored) window.localStorage.setItem(PREFIX + key, JSON.stringify(stored));
    else window.localStorage.removeItem(PREFIX + key);
  } catch {
    // Storage full or off: saving to Attune still works.
  }
}

/** The title to save when the person has not given one yet: nothing they wrote is refused. */
function titleOf(fields: Fields): string {
  const title = fields.title.trim();
  if (title) return title.slice(0, 200);
  const day = new Date(occurredAt(fields.occurredOn)).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'long',
  });
  return `Something that happened on ${day}`;
}

function bodyOf(fields: Fields) {
  return {
    title: titleOf(fields),
    occurredAt: occurredAt(fields.occurredOn),
    whatHappened: fields.whatHappened,
    theirSide: fields.theirSide,
    myExperience: fields.myExperience,
    echoes: fields.echoes,
    needs: fields.needs,
    intensity: fields.intensity,
    kind: fields.kind,
    partIds: fields.partIds,
  };
}

export function useRuptureDraft(options: {
  relationshipId: string;
  /** The saved record, when there is one. */
  rupture: Rupture | null;
  /** Where it came from, when written from a marker. */
  fromMarker?: Pick<RuptureInput, 'markerKind' | 'appointmentId'>;
  initialDay?: string;
  onCreated: (rupture: Rupture) => void;
}) {
  const { relationshipId, rupture, fromMarker, onCreated } = options;
  const queryClient = useQueryClient();
  const newKey = `new:${relationshipId}`;
  const [id, setId] = useState<string | null>(rupture?.id ?? null);
  const key = id ?? newKey;

  const [fields, setFieldsState] = useState<Fields>(() => {
    const local = readStored(rupture?.id ?? newKey);
    if (local?.unsaved) return local.fields;
    return rupture ? fieldsOf(rupture) : emptyFields(options.initialDay);
  });
  const [state, setState] = useState<SaveState>(() =>
    readStored(rupture?.id ?? newKey)?.unsaved ? 'idle' : rupture ? 'saved' : 'idle',
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const latest = useRef(fields);
  latest.current = fields;
  const dirty = useRef(readStored(rupture?.id ?? newKey)?.unsaved === true);
  const idRef = useRef(id);
  idRef.current = id;
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);

  const save = useCallback(async (): Promise<boolean> => {
    window.clearTimeout(timer.current);
    while (inFlight.current) await inFlight.current;
    if (!dirty.current) return true;
    const sent = latest.current;
    dirty.current = false;
    setState('saving');
    let ok = true;
    const run = (async () => {
      try {
        const current = idRef.current;
        if (current) {
          const updated = await updateRupture(current, bodyOf(sent));
          // Every screen showing this record (and the flow, when opened again) has these words.
          queryClient.setQueryData(ruptureKeys.one(current), updated);
        } else {
          const created = await createRupture(relationshipId, {
            ...bodyOf(sent),
            visibility: 'private',
            ...(fromMarker?.markerKind ? { markerKind: fromMarker.markerKind } : {}),
            ...(fromMarker?.appointmentId ? { appointmentId: fromMarker.appointmentId } : {}),
          });
          idRef.current = created.id;
          queryClient.setQueryData(ruptureKeys.one(created.id), created);
          setId(created.id);
          writeStored(newKey, null);
          onCreated(created);
        }
        const key = idRef.current ?? newKey;
        // Typed while saving: still unsaved, and saved next.
        if (latest.current !== sent) dirty.current = true;
        writeStored(key, { fields: latest.current, unsaved: dirty.current });
        setFieldErrors({});
        setState(dirty.current ? 'idle' : 'saved');
      } catch (error) {
        ok = false;
        dirty.current = true;
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
          setFieldErrors(error.fields);
          setState('refused');
        } else {
          setState('offline');
        }
      }
    })();
    inFlight.current = run;
    await run;
    inFlight.current = null;
    if (ok && dirty.current) return save();
    return ok;
  }, [relationshipId, fromMarker, newKey, onCreated, queryClient]);

  const setFields = useCallback(
    (change: Partial<Fields>) => {
      const next = { ...latest.current, ...change };
      latest.current = next;
      dirty.current = true;
      writeStored(idRef.current ?? newKey, { fields: next, unsaved: true });
      setFieldsState(next);
      setState((s) => (s === 'offline' || s === 'refused' ? s : 'idle'));
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void save(), DELAY_MS);
    },
    [newKey, save],
  );

  // Saved right away when the tab is hidden or closed, and again when back online.
  useEffect(() => {
    const flush = () => {
      if (dirty.current) void save();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('online', flush);
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    // A local copy that Attune does not have yet is saved as soon as the flow opens.
    if (dirty.current) timer.current = window.setTimeout(flush, DELAY_MS);
    return () => {
      window.removeEventListener('online', flush);
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
      window.clearTimeout(timer.current);
    };
  }, [save]);

  // Retry while offline, gently.
  useEffect(() => {
    if (state !== 'offline') return;
    const retry = window.setTimeout(() => void save(), 5_000);
    return () => window.clearTimeout(retry);
  }, [state, save]);

  /** The record's id right now, also when the save just awaited is the one that created it. */
  const currentId = useCallback(() => idRef.current, []);

  return { id, key, fields, setFields, save, currentId, state, fieldErrors };
}
