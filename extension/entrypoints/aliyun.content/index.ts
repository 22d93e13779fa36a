// Alibaba Cloud consoles and marketplace: read the IDs, offer them to forms. Thin: see features/.
import { ALIYUN_MATCHES } from '../../../shared/hosts';
import { ALIYUN_FEATURES } from '../../features/registry';
import { runContentFeatures } from '../../features/runtime';

export default defineContentScript({
  matches: ALIYUN_MATCHES,
  runAt: 'document_idle',
  main(ctx) {
    runContentFeatures(ctx, ALIYUN_FEATURES);
  },
});
