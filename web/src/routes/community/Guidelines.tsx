import { Link } from 'react-router';

/** Whether this person has read the guidelines on this device (a profile also counts). */
const KEY = 'attune:community:guidelines-read';

export function guidelinesRead(): boolean {
  try {
    return window.localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberGuidelinesRead(): void {
  try {
    window.localStorage.setItem(KEY, '1');
  } catch {
    // Storage switched off: the guidelines show again next time, which does no harm.
  }
}

/** The community guidelines, in the product's own words. */
export function Guidelines({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="guidelines-heading" className="card cm-guidelines">
      <Heading id="guidelines-heading">Community guidelines</Heading>
      <ul className="plain-list">
        <li>
          <strong>We're peers here.</strong> Share what it was like for you and what helped. Listen
          more than you advise, and be kind, also when you disagree.
        </li>
        <li>
          <strong>No diagnoses and no medical advice.</strong> Don't tell anyone what they have or
          what to take or stop taking. Their therapist or doctor is the one to ask.
        </li>
        <li>
          <strong>No names.</strong> Don't name therapists, clinics or anyone else, and don't use
          your own real name. Change details that could identify someone.
        </li>
        <li>
          <strong>Add a content note</strong> when you write about self-harm, suicide, abuse or
          anything else heavy, so others can choose when to read it.
        </li>
        <li>
          <strong>No harassment, pressure or selling.</strong> Moderators take down posts that hurt
          people, and they tell the writer why.
        </li>
        <li>
          <strong>If you're worried about someone,</strong> report their post with "I'm worried
          about them". They get a private, caring message with places to find support, and never
          learn who sent it.
        </li>
        <li>
          <strong>This is not a crisis service.</strong> Nobody reads posts as they arrive. If you
          are in danger or might hurt yourself, please{' '}
          <Link to="/help">call someone who can help now</Link>.
        </li>
      </ul>
    </section>
  );
}

/** The line under every post form. */
export function GuidelinesLink() {
  return (
    <p className="quiet small">
      Before you post, have a look at the{' '}
      <Link to="/community/guidelines" target="_blank">
        community guidelines
        <span className="visually-hidden"> (opens in a new tab)</span>
      </Link>
      : no names (your therapist's or anyone else's), no diagnoses or medical advice, and a content
      note for anything heavy.
    </p>
  );
}
