import type { Key } from 'react-aria-components';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useParams, useSearchParams } from 'react-router';
import type { User } from '../../api/auth';
import { ApiError } from '../../api/client';
import { inOrder, useMessages } from '../../api/messages';
import { type RelationshipPage, useRelationshipPage } from '../../api/relationships';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { AgreementBanner } from './AgreementBanner';
import { AgreementTab } from './AgreementTab';
import { CheckinsTab } from './CheckinsTab';
import { InviteTherapist } from './InviteTherapist';
import { LettersTab } from './LettersTab';
import { MessagesTab } from './MessagesTab';
import { RelationshipSettings } from './RelationshipSettings';
import { RupturesTab } from './RupturesTab';
import { ScheduleTab } from './ScheduleTab';
import { TimelineTab } from './TimelineTab';

const TABS = [
  'timeline',
  'checkins',
  'ruptures',
  'letters',
  'agreement',
  'messages',
  'schedule',
] as const;
type TabId = (typeof TABS)[number];

function isTab(value: unknown): value is TabId {
  return typeof value === 'string' && (TABS as readonly string[]).includes(value);
}

export default function RelationshipRoute() {
  return <SignedIn>{(user) => <RelationshipScreen user={user} />}</SignedIn>;
}

function RelationshipScreen({ user }: { user: User }) {
  const { id = '' } = useParams();
  const page = useRelationshipPage(id);

  if (page.isPending) return <p className="quiet">Loading…</p>;
  if (page.isError) {
    if (page.error instanceof ApiError && page.error.status === 404) {
      return (
        <Page title="Not found" heading="We couldn't find this relationship">
          <p>The link may be old, or it may belong to another account.</p>
          <p>
            <Link to="/">Go to Today</Link>
          </p>
        </Page>
      );
    }
    return (
      <Page title="Relationship" heading="This page didn't load">
        <p>{page.error.message}</p>
        <button type="button" className="button button-primary" onClick={() => void page.refetch()}>
          Try again
        </button>
      </Page>
    );
  }
  return <RelationshipView page={page.data} viewer={user.role} />;
}

function intro(page: RelationshipPage, viewer: User['role']): string {
  const { relationship } = page;
  const name = relationship.therapistName;
  if (viewer === 'therapist') {
    return `${page.clientName} connected with you. You see your sessions together, the check-ins and records ${page.clientName} chooses to share, and your own.`;
  }
  return relationship.mode === 'connected'
    ? `You and ${name} are connected on Attune. ${name} sees your sessions and the check-ins and records you share; the rest stays yours.`
    : `Just you for now: ${name} isn't connected to Attune, and everything here is yours alone.`;
}

function RelationshipView({ page, viewer }: { page: RelationshipPage; viewer: User['role'] }) {
  const [search, setSearch] = useSearchParams();
  const requested = search.get('tab');
  const { relationship } = page;
  // A client whose therapist erased their account keeps the messages of that time: the tab
  // stays for them, to read.
  const solo = relationship.mode !== 'connected';
  const kept = useMessages(relationship.id, solo && viewer === 'client');
  const showMessages = !solo || inOrder(kept.data).length > 0;
  const tab: TabId =
    isTab(requested) &&
    !(requested === 'letters' && viewer !== 'client') &&
    !(requested === 'messages' && !showMessages)
      ? requested
      : 'timeline';
  const other = viewer === 'client' ? relationship.therapistName : page.clientName;

  const select = (key: Key) => {
    if (!isTab(key)) return;
    setSearch(
      (current) => {
        const next = new URLSearchParams(current);
        if (key === 'timeline') next.delete('tab');
        else next.set('tab', key);
        return next;
      },
      { replace: true },
    );
  };

  return (
    <Page title={`You and ${other}`}>
      <p className="lead">{intro(page, viewer)}</p>
      {relationship.status === 'ended' ? (
        <p className="note">
          This relationship has ended. Its history is kept here
          {viewer === 'client' ? ', and you can reopen it in the settings below.' : '.'}
        </p>
      ) : null}
      {viewer === 'client' && relationship.mode === 'solo' && relationship.status === 'active' ? (
        <InviteTherapist relationship={relationship} />
      ) : null}
      <AgreementBanner page={page} viewer={viewer} onOpen={() => select('agreement')} />
      <Tabs selectedKey={tab} onSelectionChange={select} className="tabs">
        <TabList aria-label={`You and ${other}`} className="tab-list">
          <Tab id="timeline" className="tab">
            Timeline
          </Tab>
          <Tab id="checkins" className="tab">
            Check-ins
          </Tab>
          <Tab id="ruptures" className="tab">
            Ruptures
          </Tab>
          {viewer === 'client' ? (
            <Tab id="letters" className="tab">
              Letters
            </Tab>
          ) : null}
          <Tab id="agreement" className="tab">
            Agreement
          </Tab>
          {showMessages ? (
            <Tab id="messages" className="tab">
              Messages
            </Tab>
          ) : null}
          <Tab id="schedule" className="tab">
            Schedule
          </Tab>
        </TabList>
        <TabPanel id="timeline" className="tab-panel">
          <TimelineTab page={page} viewer={viewer} onOpenSchedule={() => select('schedule')} />
        </TabPanel>
        <TabPanel id="checkins" className="tab-panel">
          <CheckinsTab page={page} viewer={viewer} />
        </TabPanel>
        <TabPanel id="ruptures" className="tab-panel">
          <RupturesTab page={page} viewer={viewer} />
        </TabPanel>
        {viewer === 'client' ? (
          <TabPanel id="letters" className="tab-panel">
            <LettersTab
              relationshipId={relationship.id}
              therapistName={relationship.therapistName}
            />
          </TabPanel>
        ) : null}
        <TabPanel id="agreement" className="tab-panel">
          <AgreementTab page={page} viewer={viewer} />
        </TabPanel>
        {showMessages ? (
          <TabPanel id="messages" className="tab-panel">
            <MessagesTab page={page} viewer={viewer} />
          </TabPanel>
        ) : null}
        <TabPanel id="schedule" className="tab-panel">
          <ScheduleTab page={page} viewer={viewer} />
        </TabPanel>
      </Tabs>
      {viewer === 'client' ? <RelationshipSettings relationship={relationship} /> : null}
    </Page>
  );
}
