// Popup (and options page) → background. Only the background talks to the API.
import { z } from 'zod';

export const PopupToBackground = z.discriminatedUnion('type', [
  z.object({ type: z.literal('detections/get') }),
  z.object({ type: z.literal('detections/clear') }),
  // The wizard's API calls are added here by the popup issue.
]);
export type PopupToBackground = z.infer<typeof PopupToBackground>;
