// Every background behaviour, one file each, listed here. The background entrypoint registers them.
import type { BackgroundFeature } from './types';
import { contextMenuFill } from './context-menu-fill';
import { freeLogin } from './free-login';
import { pageGlobals } from './page-globals';
import { toolbarBadge } from './toolbar-badge';

/**
 * The badge and the context menu follow what the detections store holds; the landing page of the
 * configured API opens its free-login activation in the popup; content scripts on Alibaba Cloud
 * pages get the page globals they cannot read themselves.
 */
export const BACKGROUND_FEATURES: readonly BackgroundFeature[] = [toolbarBadge, contextMenuFill, freeLogin, pageGlobals];
