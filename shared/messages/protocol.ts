// One typed protocol, named by direction. Every message is validated with zod where it arrives:
// a content script runs next to page code, so nothing it sends is trusted as-is.
import { z } from 'zod';

export type MessageOf<S extends z.ZodType> = z.infer<S>;

/** Parse an incoming message against a direction's schema; `null` when it is not one of ours. */
export function parseMessage<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> | null {
  const r = schema.safeParse(raw);
  return r.success ? r.data : null;
}
