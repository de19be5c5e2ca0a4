import { Link } from 'react-router';
import { Page } from '../../components/Page';

export default function NotFound() {
  return (
    <Page title="Page not found" heading="We couldn't find that page">
      <p>The address may have changed, or there may be a small typo in it.</p>
      <p>
        <Link to="/">Go to Today</Link>
      </p>
    </Page>
  );
}
