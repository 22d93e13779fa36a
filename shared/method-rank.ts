// How far each way of reading the account ID is trusted, for the content script (which source
// wins on a page) and the background (which detection wins across pages). No zod here: the
// content script imports it, and ships no schema code.
import type { AccountIdMethod } from './detections';

/** Lower is more trusted: page globals > a labelled value > a RAM logon name > the cookie. */
export const METHOD_RANK: Record<AccountIdMethod, number> = {
  'page-global': 0,
  'page-label': 1,
  'ram-logon-name': 2,
  cookie: 3,
};
