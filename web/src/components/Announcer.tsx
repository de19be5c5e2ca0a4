import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react';

type Announce = (message: string) => void;

const AnnouncerContext = createContext<Announce>(() => {});

/** How long each announcement stays before the next one replaces it. */
const HOLD_MS = 250;

/**
 * One polite live region for the whole app. It exists before anything is announced, so
 * screen readers reliably read what is put into it (a region created together with its
 * text is often missed). Announcements are queued, each held a moment, so two that come
 * together ("Sent." and, a breath later, "Dr. Lee read your message.") are both read.
 */
export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const queue = useRef<string[]>([]);
  const busy = useRef(false);

  const next = useCallback(() => {
    const text = queue.current.shift();
    if (text === undefined) {
      busy.current = false;
      return;
    }
    busy.current = true;
    // Clearing first lets the same words be announced twice in a row.
    setMessage('');
    window.setTimeout(() => {
      setMessage(text);
      window.setTimeout(next, HOLD_MS);
    }, 50);
  }, []);

  const announce = useCallback<Announce>(
    (text) => {
      queue.current.push(text);
      if (!busy.current) next();
    },
    [next],
  );

  return (
    <AnnouncerContext value={announce}>
      {children}
      <div role="status" aria-live="polite" aria-atomic="true" className="visually-hidden">
        {message}
      </div>
    </AnnouncerContext>
  );
}

export function useAnnounce(): Announce {
  return useContext(AnnouncerContext);
}
