// Thin: wires the background features; logic lives in extension/background/.
import { registerDetections } from '../../background/detections';

export default defineBackground(() => {
  registerDetections();
});
