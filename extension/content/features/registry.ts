// Every content-script behaviour, one file each, listed here. The content entrypoints run these lists.
import { fillIdFields } from './fill-id-fields';
import { loginDirectlyClick } from './login-directly-click';
import { pageGlobals } from './page-globals';
import { readAccountId } from './read-account-id';
import { readInstances } from './read-instances';
import { rememberDropdown } from './remember-dropdown';
import type { ContentFeature } from './types';
import { watchSpaNavigation } from './watch-spa-navigation';

/** Alibaba Cloud consoles and marketplace: read the IDs, and offer them to forms that ask. */
export const ALIYUN_FEATURES: readonly ContentFeature[] = [
  pageGlobals,
  watchSpaNavigation,
  rememberDropdown,
  readAccountId,
  readInstances,
  loginDirectlyClick,
  fillIdFields,
];

/** Guance Billing Center: only the fill offer. */
export const BILLING_CENTER_FEATURES: readonly ContentFeature[] = [watchSpaNavigation, fillIdFields];
