import { Navigate, useLocation } from 'react-router';
import { type User, useMe } from '../../api/auth';
import { Page } from '../../components/Page';

function Welcome({ user }: { user: User }) {
  if (user.role === 'therapist') {
    return (
      <section className="card empty" aria-labelledby="today-empty">
        <h2 id="today-empty">Nothing here yet</h2>
        <p>
          When a client invites you to connect, they'll appear here, along with what they choose to
          share with you.
        </p>
      </section>
    );
  }
  return (
    <section className="card empty" aria-labelledby="today-empty">
      <h2 id="today-empty">Nothing here yet</h2>
      <p>When you're ready, you can add your therapist and your sessions here.</p>
      <p className="quiet">
        Everything you write stays private to you unless you choose to share it.
      </p>
    </section>
  );
}

export default function Today() {
  const me = useMe();
  const location = useLocation();

  if (me.isPending) {
    return <p className="quiet">Loading…</p>;
  }
  if (me.isError) {
    return (
      <Page title="Today">
        <p>We couldn't reach Attune just now. Please try again in a moment.</p>
        <button type="button" className="button button-primary" onClick={() => void me.refetch()}>
          Try again
        </button>
      </Page>
    );
  }
  if (me.data === null) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  }

  const user = me.data;
  return (
    <Page title="Today">
      <p className="lead">Hello, {user.displayName}.</p>
      <Welcome user={user} />
    </Page>
  );
}
