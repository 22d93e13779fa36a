// Alibaba Cloud consoles and marketplace: read the IDs, offer them to forms. Thin: see content/features/.
// A content script declared in wxt.config.ts (content_scripts), built as a plain script: WXT's
// content-script wrapper is not used (content/context.ts says why).
import { createContentContext } from '../content/context';
import { ALIYUN_FEATURES } from '../content/features/registry';
import { runContentFeatures } from '../content/features/runtime';

export default defineUnlistedScript(() => {
  runContentFeatures(createContentContext('aliyun'), ALIYUN_FEATURES);
});
