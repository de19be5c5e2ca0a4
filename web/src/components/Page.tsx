import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

/** The location the app opened at (also after a reload): focus stays where the browser put it. */
let openedAt: string | null = null;

type PageProps = {
  /** The page's own name, first in the browser tab's title. */
  title: string;
  /** The visible main heading; defaults to the title. */
  heading?: ReactNode;
  children: ReactNode;
  /** Move focus to the heading when this appears, e.g. a confirmation replacing its form. */
  focusHeading?: boolean;
};

/**
 * Sets the tab title and the page's one h1. After moving between pages, focus goes to the
 * heading so people using a screen reader or keyboard start at the top of the new page.
 */
export function Page({ title, heading, children, focusHeading = false }: PageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { key, pathname } = useLocation();
  const keyRef = useRef(key);
  keyRef.current = key;

  useEffect(() => {
    document.title = `${title} · Attune`;
  }, [title]);

  // Only a new path moves focus: a changed query (e.g. the chosen tab) leaves it in place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the path is what triggers it.
  useEffect(() => {
    openedAt ??= keyRef.current;
    if (keyRef.current !== openedAt || focusHeading) headingRef.current?.focus();
  }, [pathname, focusHeading]);

  return (
    <>
      <h1 ref={headingRef} tabIndex={-1}>
        {heading ?? title}
      </h1>
      {children}
    </>
  );
}
