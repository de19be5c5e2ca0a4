import { useQueryClient } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { useScheduleLive } from '../../api/schedule';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { Couples } from './Couples';
import { OpenTimes } from './OpenTimes';
import { RequestsList } from './RequestsList';
import { Slots } from './Slots';
import { TimeOffSection } from './TimeOffSection';
import { WeekView } from './WeekView';
import './schedule.css';

const SECTIONS = [
  ['week-heading', 'Week'],
  ['requests-heading', 'Requests'],
  ['slots-heading', 'Regular slots'],
  ['time-off-heading', 'Time off'],
  ['open-times-heading', 'Open times'],
  ['couples-heading', 'Couples'],
] as const;

/** The therapist's schedule; a client has none, so they are taken to Today. */
export default function TherapistSchedule() {
  return (
    <SignedIn>
      {(user) => (user.role === 'therapist' ? <Schedule /> : <Navigate to="/" replace />)}
    </SignedIn>
  );
}

function Schedule() {
  const queryClient = useQueryClient();
  useScheduleLive(queryClient);
  return (
    <Page title="Schedule" heading="Your schedule">
      <div className="schedule">
        <nav aria-label="On this page" className="schedule-contents">
          <ul>
            {SECTIONS.map(([id, label]) => (
              <li key={id}>
                <a href={`#${id}`}>{label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <WeekView />
        <RequestsList />
        <Slots />
        <TimeOffSection />
        <OpenTimes />
        <Couples />
      </div>
    </Page>
  );
}
