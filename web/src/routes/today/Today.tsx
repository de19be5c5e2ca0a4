import { SignedIn } from '../../components/SignedIn';
import { ClientToday } from './ClientToday';
import { TherapistToday } from './TherapistToday';

/** Home: for a client their relationships; for a therapist their caseload. */
export default function Today() {
  return (
    <SignedIn>
      {(user) =>
        user.role === 'therapist' ? <TherapistToday user={user} /> : <ClientToday user={user} />
      }
    </SignedIn>
  );
}
