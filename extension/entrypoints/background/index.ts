// Thin: wires the background features; logic lives in extension/background/.
import { registerDetections } from '../../background/detections';
import { registerWizardHandlers } from '../../background/api-proxy';

export default defineBackground(() => {
  registerDetections();
  registerWizardHandlers();
});
