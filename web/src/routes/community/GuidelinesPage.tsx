import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { Guidelines } from './Guidelines';
import { CommunityShell } from './Shell';

export default function GuidelinesRoute() {
  return (
    <CommunityShell needs="guidelines">
      {() => (
        <Page title="Community guidelines" heading="How we look after each other">
          <p className="lead">
            The community works because people here are careful with each other. These are the few
            things we ask.
          </p>
          <Guidelines />
          <p className="cm-section">
            <Link to="/community">Back to the board</Link>
          </p>
        </Page>
      )}
    </CommunityShell>
  );
}
