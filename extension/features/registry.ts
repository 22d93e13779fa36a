// Every behaviour of the extension, one file each, listed here. Entrypoints run these lists.
import type { BackgroundFeature } from '../background/detections';
import { contextMenuFill } from './context-menu-fill';
import { fillIdFields } from './fill-id-fields';
import { landingPage } from './landing-page';
import { loginDirectlyClick } from './login-directly-click';
import { pageGlobals } from './page-globals';
import { readAccountId } from './read-account-id';
import { readInstances } from './read-instances';
import { rememberDropdown } from './remember-dropdown';
import { toolbarBadge } from './toolbar-badge';
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

/**
 * Background: the badge and the context menu follow what the detections store holds; the landing
 * page of the configured API opens its free-login activation in the popup.
 */
export const BACKGROUND_FEATURES: readonly BackgroundFeature[] = [toolbarBadge, contextMenuFill, landingPage];
