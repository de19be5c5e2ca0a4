import { Link } from 'react-router';
import { Page } from '../../components/Page';

/**
 * Shown inside the usual frame when a page cannot be shown, most often because its code could
 * not be downloaded (the connection or the server went away). The crisis link stays in the
 * header, and the help page is part of the first download, so it still opens.
 */
export function PageError() {
  return (
    <Page title="This page didn't load" heading="This page didn't load">
      <p>
        Something got in the way while loading this page. It may be the connection. Nothing you
        saved is affected.
      </p>
      <p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => window.location.reload()}
        >
          Try again
        </button>
      </p>
      <p>
        If you need someone to talk to right now, <Link to="/help">see who you can call</Link>.
      </p>
    </Page>
  );
}
