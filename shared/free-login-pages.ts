// The plain half of shared/free-login.ts: the failures and remedies as lists, the message keys and
// the constants a page needs, with no schema library, so the web wizard's first script stays small.

/** Every way a free login can fail (the zod enum in free-login.ts is built from this list). */
export const FREE_LOGIN_FAILURES = [
  /** The link's signature does not match: not made by the marketplace, or altered. */
  'bad-signature',
  /** The link's time stamp is more than 5 minutes old (or in the future). */
  'link-expired',
  /** The link was used already (each one works once). */
  'link-replayed',
  /** The link is malformed (no instance ID, a bad time stamp, a repeated parameter). */
  'bad-link',
  /** The marketplace has not told us about this instance yet (it usually does within a minute). */
  'instance-unknown',
  /** The instance expired: its workspaces are frozen until it is renewed. */
  'instance-expired',
  /** The instance was released: buy again. */
  'instance-released',
  /** A fault on our side, or free login is not offered here: try again later. */
  'unavailable',
] as const;
export type FreeLoginFailureName = (typeof FREE_LOGIN_FAILURES)[number];

export const FREE_LOGIN_REMEDIES = ['login-again', 'wait-and-retry', 'renew', 'buy-again', 'contact-support'] as const;
export type FreeLoginRemedyName = (typeof FREE_LOGIN_REMEDIES)[number];

export const FREE_LOGIN_REMEDY: Record<FreeLoginFailureName, FreeLoginRemedyName> = {
  'bad-signature': 'login-again',
  'link-expired': 'login-again',
  'link-replayed': 'login-again',
  'bad-link': 'login-again',
  'instance-unknown': 'wait-and-retry',
  'instance-expired': 'renew',
  'instance-released': 'buy-again',
  unavailable: 'contact-support',
};

/** The message-bundle keys of a failure's words (extension/public/_locales/<lang>/messages.json). */
export function freeLoginMessageKeys(f: FreeLoginFailureName): { title: string; advice: string } {
  const k = f.replace(/-/g, '_');
  return { title: `free_login_${k}_title`, advice: `free_login_${k}_advice` };
}

/** `<script type="application/json" id=…>` on a failure page, carrying its FreeLoginOutcome. */
export const FREE_LOGIN_OUTCOME_ID = 'guance-activator-free-login';

/** Where a buyer presses Login Directly again (Marketplace › Purchased Services), or renews. */
export const PURCHASED_SERVICES_URL = 'https://market.console.aliyun.com/imageconsole/index.htm';
/** Guance's page on the Alibaba Cloud Marketplace, to buy again. */
export const GUANCE_MARKET_URL = 'https://market.aliyun.com/products/56838014/cmgj00053362.html';

/**
 * Set on the landing page's <html> by the extension's landing content script once its background
 * took the activation up (value: `opened` when the popup opened, `badge` when the toolbar badge
 * asks for it). The web wizard on that page then offers the popup instead of repeating it. A flag
 * only: nothing secret is put where the page can read it.
 */
export const LANDING_TAKEN_ATTRIBUTE = 'data-guance-activator';
