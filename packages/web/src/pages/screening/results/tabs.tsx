import type { CampaignTab } from '../campaignTabs';

/** The campaign page's result tabs (results, re-check, district sign-off, report), in order. */
export const resultTabs: CampaignTab[] = [];
