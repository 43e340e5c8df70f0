import type { ReactNode } from 'react';
import type { TFunction } from 'i18next';
import type { Permission } from '@xinyu/core';
import type { Campaign } from '../../api/types';

/**
 * A tab of the campaign page. The campaign page (CampaignPage.tsx) shows its own tabs (overview,
 * release, completion, consent) followed by the result tabs of results/tabs.tsx, each only to
 * callers holding one of `perms`.
 */
export interface CampaignTab {
  key: string;
  label: (t: TFunction) => string;
  perms: readonly Permission[];
  render: (campaign: Campaign, reload: () => void) => ReactNode;
}
