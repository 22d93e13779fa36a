// Alibaba Cloud consoles and marketplace: read the IDs, offer them to forms. Thin: see content/features/.
import { ALIYUN_MATCHES } from '../../../shared/hosts';
import { ALIYUN_FEATURES } from '../../content/features/registry';
import { runContentFeatures } from '../../content/features/runtime';

export default defineContentScript({
  matches: ALIYUN_MATCHES,
  runAt: 'document_idle',
  // No window.postMessage on start (WXT's legacy signal to older copies of this script): the
  // page would see it, and on a console page it cost about 1.8 ms (bench/page-cost.bench.ts).
  noScriptStartedPostMessage: true,
  main(ctx) {
    runContentFeatures(ctx, ALIYUN_FEATURES);
  },
});
