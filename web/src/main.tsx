import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { endedSession, meQueryKey } from './api/auth';
import { onSignedOut } from './api/client';
import { AnnouncerProvider } from './components/Announcer';
import { Layout } from './components/Layout';
import { PageError } from './routes/error/PageError';
// The help page is part of the first download on purpose: it must work even when the
// server stops answering after the app has loaded.
import Help from './routes/help/Help';
import './styles/app.css';

const SignIn = lazy(() => import('./routes/sign-in/SignIn'));
const SignUp = lazy(() => import('./routes/sign-up/SignUp'));
const Today = lazy(() => import('./routes/today/Today'));
const NotFound = lazy(() => import('./routes/not-found/NotFound'));
const Relationship = lazy(() => import('./routes/relationship/Relationship'));
const CheckIn = lazy(() => import('./routes/check-in/CheckIn'));
const Invite = lazy(() => import('./routes/invite/Invite'));
const RuptureFlow = lazy(() => import('./routes/ruptures/RuptureFlow'));
const RupturePage = lazy(() => import('./routes/ruptures/RupturePage'));
const Parts = lazy(() => import('./routes/parts/Parts'));
const TherapistSchedule = lazy(() => import('./routes/schedule/TherapistSchedule'));
const LetterEditor = lazy(() => import('./routes/letters/LetterEditor'));
const NotificationSettings = lazy(() => import('./routes/settings/NotificationSettings'));
const WhoHasSeen = lazy(() => import('./routes/settings/WhoHasSeen'));
const Export = lazy(() => import('./routes/settings/Export'));
const Security = lazy(() => import('./routes/settings/Security'));
const Erase = lazy(() => import('./routes/settings/Erase'));
const CommunityBoard = lazy(() => import('./routes/community/Board'));
const CommunityAsk = lazy(() => import('./routes/community/Ask'));
const CommunityQuestion = lazy(() => import('./routes/community/QuestionPage'));
const CommunityInbox = lazy(() => import('./routes/community/Inbox'));
const CommunityNotifications = lazy(() => import('./routes/community/Notifications'));
const CommunityProfile = lazy(() => import('./routes/community/MyProfile'));
const CommunityPerson = lazy(() => import('./routes/community/PersonPage'));
const CommunityGuidelines = lazy(() => import('./routes/community/GuidelinesPage'));
const CommunityModeration = lazy(() => import('./routes/community/Moderation'));

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      {
        // Errors below show inside the frame, so the header and its crisis link stay.
        errorElement: <PageError />,
        children: [
          { path: '/', element: <Today /> },
          { path: '/sign-in', element: <SignIn /> },
          { path: '/sign-up', element: <SignUp /> },
          { path: '/help', element: <Help /> },
          { path: '/relationships/:id', element: <Relationship /> },
          { path: '/appointments/:id/check-in', element: <CheckIn /> },
          { path: '/invite/:code', element: <Invite /> },
          { path: '/relationships/:id/ruptures/write', element: <RuptureFlow /> },
          { path: '/ruptures/:id', element: <RupturePage /> },
          { path: '/parts', element: <Parts /> },
          { path: '/schedule', element: <TherapistSchedule /> },
          { path: '/letters/new', element: <LetterEditor /> },
          { path: '/letters/:id', element: <LetterEditor /> },
          { path: '/settings/notifications', element: <NotificationSettings /> },
          { path: '/settings/privacy/audit', element: <WhoHasSeen /> },
          { path: '/settings/privacy/export', element: <Export /> },
          { path: '/settings/security', element: <Security /> },
          { path: '/settings/privacy/erase', element: <Erase /> },
          { path: '/community', element: <CommunityBoard /> },
          { path: '/community/ask', element: <CommunityAsk /> },
          { path: '/community/questions/:id', element: <CommunityQuestion /> },
          { path: '/community/inbox', element: <CommunityInbox /> },
          { path: '/community/notifications', element: <CommunityNotifications /> },
          { path: '/community/profile', element: <CommunityProfile /> },
          { path: '/community/people/:pseudonym', element: <CommunityPerson /> },
          { path: '/community/guidelines', element: <CommunityGuidelines /> },
          { path: '/community/moderation', element: <CommunityModeration /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { refetchOnWindowFocus: false },
  },
});

// The session ended while the app was open (signed out elsewhere, or it expired): forget what
// was loaded. Every signed-in page then sends the person to sign in and back again afterwards
// (components/SignedIn.tsx). Drafts stay on the device.
onSignedOut(() => {
  endedSession.mark();
  queryClient.setQueryData(meQueryKey, null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== meQueryKey[0] });
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AnnouncerProvider>
          <RouterProvider router={router} />
        </AnnouncerProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
