// Thin: wires the background features; logic lives in extension/background/.
import { registerDetections } from '../../background/detections';
import { registerWizardHandlers } from '../../background/wizard';

export default defineBackground(() => {
  registerDetections();
  registerWizardHandlers();
});
