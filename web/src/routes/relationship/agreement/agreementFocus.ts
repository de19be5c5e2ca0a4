/**
 * Moving focus within the Agreement tab: to a version's changes when asked from elsewhere (the
 * banner, here or on Today), and to an element that only exists after the next render.
 */
import { useEffect, useState } from 'react';
import type { Agreement } from '../../../api/agreement';

/** A request to bring a version's changes into view; it lapses if nothing shows them soon. */
let changesRequest: { relationshipId: string; version: number; at: number } | null = null;
const changesRequested = new EventTarget();
const REQUEST_LASTS_MS = 15_000;

/** Asks the Agreement tab (now or once it opens) to move focus to a version's changes. */
export function showAgreementChanges(relationshipId: string, version: number): void {
  changesRequest = { relationshipId, version, at: Date.now() };
  changesRequested.dispatchEvent(new Event('request'));
}

export function versionHeadingId(relationshipId: string, version: number): string {
  return `agreement-${relationshipId}-version-${version}`;
}

/**
 * Focuses the heading of the version asked for, once it is listed (the list may still be on its
 * way after a live update).
 */
export function useChangesRequest(relationshipId: string, versions: Agreement[] | undefined) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const on = () => setTick((n) => n + 1);
    changesRequested.addEventListener('request', on);
    return () => changesRequested.removeEventListener('request', on);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new request (tick) re-runs it.
  useEffect(() => {
    const request = changesRequest;
    if (!request || request.relationshipId !== relationshipId || !versions) return;
    if (Date.now() - request.at > REQUEST_LASTS_MS) {
      changesRequest = null;
      return;
    }
    if (!versions.some((v) => v.version === request.version)) return;
    // After the page has put focus on its heading, when it has just opened.
    const timer = window.setTimeout(() => {
      const target = document.getElementById(versionHeadingId(relationshipId, request.version));
      if (!target) return;
      changesRequest = null;
      target.focus();
    }, 80);
    return () => window.clearTimeout(timer);
  }, [relationshipId, versions, tick]);
}

/** Moves focus to an element by id after the next render (it may only exist then). */
export function useFocusLater(): (id: string) => void {
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (target === null) return;
    const frame = requestAnimationFrame(() => {
      document.getElementById(target)?.focus();
      setTarget(null);
    });
    return () => cancelAnimationFrame(frame);
  }, [target]);
  return setTarget;
}
