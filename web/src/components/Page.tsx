import { type ReactNode, useEffect, useRef } from 'react';
import { useLocation } from 'react-router';

type PageProps = {
  /** The page's own name, first in the browser tab's title. */
  title: string;
  /** The visible main heading; defaults to the title. */
  heading?: ReactNode;
  children: ReactNode;
};

/**
 * Sets the tab title and the page's one h1. After moving between pages, focus goes to the
 * heading so people using a screen reader or keyboard start at the top of the new page.
 */
export function Page({ title, heading, children }: PageProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();

  useEffect(() => {
    document.title = `${title} · Attune`;
  }, [title]);

  useEffect(() => {
    // "default" is the page the browser first opened: leave focus where the browser put it.
    if (key !== 'default') headingRef.current?.focus();
  }, [key]);

  return (
    <>
      <h1 ref={headingRef} tabIndex={-1}>
        {heading ?? title}
      </h1>
      {children}
    </>
  );
}
