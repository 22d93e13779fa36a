// The page globals Alibaba Cloud consoles define (DESIGN §3), reduced to the few fields we use.
// Read in the page's main world and handed to the content script: page data, so it is
// re-validated (shape and size) where it arrives. zod/mini keeps the content script small.
import * as z from 'zod/mini';
import { GLOBALS_MESSAGE } from './read-globals';

export { GLOBALS_MESSAGE, readPageGlobals } from './read-globals';

const Pk = z.nullable(z.string().check(z.regex(/^\d{1,20}$/)));

export const PageGlobals = z.object({
  console: z.nullable(
    z.object({ mainAccountPk: Pk, currentPk: Pk, accountType: z.nullable(z.string().check(z.maxLength(16))) }),
  ),
  ecs: z.nullable(
    z.object({ masterPk: Pk, currentPk: Pk, isChildAccount: z.nullable(z.boolean()), isRoleAccount: z.nullable(z.boolean()) }),
  ),
});
export type PageGlobals = z.infer<typeof PageGlobals>;

export const GlobalsMessage = z.object({ type: z.literal(GLOBALS_MESSAGE), globals: PageGlobals });
export type GlobalsMessage = z.infer<typeof GlobalsMessage>;
