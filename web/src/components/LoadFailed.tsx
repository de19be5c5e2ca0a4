/** What a section says when its data could not be loaded: why, and a way to try again. */
export function LoadFailed({
  what,
  error,
  onRetry,
}: {
  /** "this list", "your good moments" … */
  what: string;
  error: Error;
  onRetry: () => unknown;
}) {
  return (
    <div className="form-message" role="alert">
      <p>
        We couldn't load {what} just now. {error.message}
      </p>
      <button type="button" className="button" onClick={() => void onRetry()}>
        Try again
      </button>
    </div>
  );
}
