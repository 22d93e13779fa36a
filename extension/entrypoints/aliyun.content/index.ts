// Alibaba Cloud consoles and marketplace: read the IDs, offer them to forms. Thin: see content/features/.
import { ALIYUN_MATCHES } from '../../../shared/hosts';
import { ALIYUN_FEATURES } from '../../content/features/registry';
import { runContentFeatures } from '../../content/features/runtime';

export default defineContentScript({
  matches: ALIYUN_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    runContentFeatures(ctx, ALIYUN_FEATURES);
  },
});
