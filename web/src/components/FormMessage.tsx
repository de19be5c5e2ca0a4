import type { ReactNode } from 'react';

/**
 * The form-wide message (for what is not about one field). The alert region is always in the
 * page, so its text is announced when it appears; it only looks like a box when it has some.
 */
export function FormMessage({
  message,
  children,
}: {
  message: string | null;
  children?: ReactNode;
}) {
  return (
    <div role="alert" className={message ? 'form-message' : undefined}>
      {message}
      {message ? children : null}
    </div>
  );
}
