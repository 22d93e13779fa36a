// Guance Billing Center (registration, change of settlement method): offer the detected IDs.
// A content script declared in wxt.config.ts (content_scripts), like aliyun.ts.
import { createContentContext } from '../content/context';
import { BILLING_CENTER_FEATURES } from '../content/features/registry';
import { runContentFeatures } from '../content/features/runtime';

export default defineUnlistedScript(() => {
  runContentFeatures(createContentContext('billing-center'), BILLING_CENTER_FEATURES);
});
