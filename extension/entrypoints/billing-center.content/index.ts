// Guance Billing Center (registration, change of settlement method): offer the detected IDs.
import { BILLING_CENTER_MATCHES } from '../../../shared/hosts';
import { BILLING_CENTER_FEATURES } from '../../content/features/registry';
import { runContentFeatures } from '../../content/features/runtime';

export default defineContentScript({
  matches: BILLING_CENTER_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    runContentFeatures(ctx, BILLING_CENTER_FEATURES);
  },
});
