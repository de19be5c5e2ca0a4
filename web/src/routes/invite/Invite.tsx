import { Link, useParams } from 'react-router';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { AcceptInviteForm } from './AcceptInviteForm';

/**
 * The link a client sends: /invite/ABCD-EFGH-JKMN. Signed out, it goes to sign in (or create an
 * account) and comes back here; signed in as a therapist, the code is ready to accept.
 */
export default function InviteRoute() {
  const { code = '' } = useParams();
  return (
    <SignedIn>
      {(user) =>
        user.role === 'therapist' ? (
          <Page title="Accept an invite">
            <p className="lead">A client invited you to connect on Attune.</p>
            <p>
              Once connected, you will see your sessions together, the check-ins your client chooses
              to share from now on, and what Attune notices in them. Your own check-ins will be
              visible to your client.
            </p>
            <AcceptInviteForm initialCode={code} />
          </Page>
        ) : (
          <Page title="This invite is for a therapist" heading="This invite is for a therapist">
            <p>
              This link lets a therapist connect with a client. You're signed in as a client, so it
              won't work here. If you meant to send it to your therapist, you can copy this page's
              address and send it to them.
            </p>
            <p>
              <Link to="/">Go to Today</Link>
            </p>
          </Page>
        )
      }
    </SignedIn>
  );
}
