import { lazy, Suspense } from 'react';
import type { CampaignTab } from '../campaignTabs';
import { Loading } from '../../../components/Loading';
import ResultsTab from './ResultsTab';
import FollowUpsTab from './FollowUpsTab';
import SignOffTab from './SignOffTab';

// the report pulls in ECharts: loaded only when its tab is opened
const ReportTab = lazy(() => import('./ReportTab'));

/** The campaign page's result tabs (results, re-check, district sign-off, report), in order. */
export const resultTabs: CampaignTab[] = [
  {
    key: 'results',
    label: (t) => t('results.tabs.results'),
    perms: ['screening.results'],
    render: (campaign) => <ResultsTab campaign={campaign} />,
  },
  {
    key: 'follow-ups',
    label: (t) => t('results.tabs.followUps'),
    perms: ['screening.results', 'screening.observe'],
    render: (campaign) => <FollowUpsTab campaign={campaign} />,
  },
  {
    key: 'sign-offs',
    label: (t) => t('results.tabs.signOffs'),
    perms: ['screening.signoff'],
    render: (campaign) => <SignOffTab campaign={campaign} />,
  },
  {
    key: 'report',
    label: (t) => t('results.tabs.report'),
    perms: ['screening.report'],
    render: (campaign) => (
      <Suspense fallback={<Loading />}>
        <ReportTab campaign={campaign} />
      </Suspense>
    ),
  },
];
