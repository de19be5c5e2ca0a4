import { useCallback, useEffect, useRef, useState } from 'react';

const PREFIX = 'attune:draft:';

function read<T>(key: string, fallback: T, isValid: (value: unknown) => value is T): T {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    if (raw === null) return fallback;
    const parsed: unknown = JSON.parse(raw);
    return isValid(parsed) ? parsed : fallback;
  } catch {
    return fallback;
  }
}

/**
 * State that is also kept in this browser's storage as it changes, so a reload, a closed tab or
 * an expired sign-in never loses what was typed. `clear` forgets it once it is safely saved.
 */
export function useLocalDraft<T>(
  key: string,
  fallback: T,
  isValid: (value: unknown) => value is T,
): [T, (next: T | ((current: T) => T)) => void, () => void, boolean] {
  const [restored] = useState(() => {
    try {
      return window.localStorage.getItem(PREFIX + key) !== null;
    } catch {
      return false;
    }
  });
  const [value, setValue] = useState<T>(() => read(key, fallback, isValid));
  // Only what the person changed is kept: merely opening a form leaves nothing behind.
  const touched = useRef(false);

  useEffect(() => {
    if (!touched.current) return;
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch {
      // Storage full or switched off: the form still works, only the safety net is missing.
    }
  }, [key, value]);

  const update = useCallback((next: T | ((current: T) => T)) => {
    touched.current = true;
    setValue(next);
  }, []);

  const clear = useCallback(() => {
    touched.current = false;
    try {
      window.localStorage.removeItem(PREFIX + key);
    } catch {
      // nothing to do
    }
  }, [key]);

  return [value, update, clear, restored];
}
