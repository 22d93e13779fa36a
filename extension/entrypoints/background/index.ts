// Thin: one router, the modules that answer on it, the background features; logic lives in extension/background/.
import { moveLegacyActivation } from '../../background/activation-store';
import { registerApiProxy } from '../../background/api-proxy';
import { registerDetections } from '../../background/detections';
import { registerDraftStore } from '../../background/draft-store';
import { BACKGROUND_FEATURES } from '../../background/features/registry';
import { createRouter } from '../../background/router';

export default defineBackground(() => {
  const router = createRouter();
  const hub = registerDetections(router);
  registerApiProxy(router);
  registerDraftStore(router);
  for (const f of BACKGROUND_FEATURES) f.register(hub, router);
  // Listening starts synchronously, so a worker woken by a message hears it.
  router.listen();
  void moveLegacyActivation().catch((e: unknown) => console.warn('[activation] could not move the stored activation', e));
});
