// The page the free-login redirect lands on. Two readers: a person (who may not have the extension
// yet: the page says how to get it and shows the IDs to type by hand), and the extension's content
// script on the API origin, which reads the machine-readable marker below. The contract is in
// docs/landing-and-web-wizard.md; keep the two in step.
import { createHash } from 'node:crypto';
import { html, raw } from 'hono/html';

/** `<meta name=…>` carrying the activation id; its presence alone says "this is a landing page". */
export const LANDING_META_NAME = 'guance-activator-activation';
// The path and the data block's id are the contract the extension reads (shared/landing.ts): one
// definition, so the writer here and the reader there cannot drift apart.
export { LANDING_DATA_ID, LANDING_PATH } from '../../shared/landing';
import { LANDING_DATA_ID } from '../../shared/landing';

export interface LandingData {
  /** Bumped when a field changes meaning; the content script ignores versions it does not know. */
  version: 1;
  activationId: string;
  accountId: string;
  instanceId: string;
  site: string;
  verified: boolean;
  /** How the activation proved the cloud account's owner (add-only field of version 1); null: not proved. */
  proof?: 'marketplace' | 'alibaba-sign-in' | null;
  /** ISO time after which the activation (and its token) no longer work. */
  expiresAt: string;
  /** The origin of this API, which the extension must already be configured to talk to. */
  apiOrigin: string;
}

/** The landing page's style; the free-login failure page wears the same (one CSP hash for both). */
export const LANDING_STYLE = `body{font:15px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f7f9;color:#1f2329}
main{max-width:640px;margin:40px auto;padding:28px;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:20px;margin:0 0 12px}h2{font-size:16px;margin:24px 0 8px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{color:#646a73}dd{margin:0;font:15px ui-monospace,monospace;user-select:all}
.lang{color:#646a73;font-size:13px}ol{padding-left:20px}.expired{color:#b42318}`;

/** The page's CSP allows exactly this style block and nothing else: no script runs on it. */
export const LANDING_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(LANDING_STYLE).digest('base64')}'`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** JSON inside <script> must not be able to close the tag or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The two markers of a landing page (meta and data), for this page and for the web wizard's. */
export function landingMarkers(d: LandingData): string {
  return String(html`<meta name="${LANDING_META_NAME}" content="${d.activationId}">
<script type="application/json" id="${LANDING_DATA_ID}">${raw(scriptSafeJson(d))}</script>`);
}

/**
 * The API's own pages (landing, free-login failure): one head with the style LANDING_CSP allows,
 * the page's data blocks (`head`, markup already escaped), and its body.
 */
export function apiPage(p: { lang: string; title: string; head: string; body: unknown }): string {
  return String(html`<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
${raw(p.head)}
<title>${p.title}</title>
<style>${raw(LANDING_STYLE)}</style>
</head>
${p.body}
</html>`);
}

export function renderLandingPage(d: LandingData, expired: boolean): string {
  const proof = d.proof === undefined ? (d.verified ? 'marketplace' : null) : d.proof;
  const body = html`<body>
<main>
<h1>观测云开通 · Activate Guance</h1>
${expired
    ? html`<p class="expired">这个开通链接已过期。请回到阿里云云市场“已购买的服务”，再次点击“免登”。<br><span class="lang">This activation link has expired. Go back to Purchased Services on the Alibaba Cloud Marketplace and click Login Directly again.</span></p>`
    : proof === 'marketplace'
      ? html`<p>云市场已确认您的购买。Guance Activator 浏览器扩展会自动打开开通向导。<br><span class="lang">The marketplace confirmed your purchase. The Guance Activator browser extension opens the activation wizard by itself.</span></p>`
      : proof === 'alibaba-sign-in'
        ? html`<p>您已通过阿里云登录证明了账号归属。Guance Activator 浏览器扩展会自动打开开通向导。<br><span class="lang">You proved the account is yours by signing in with Alibaba Cloud. The Guance Activator browser extension opens the activation wizard by itself.</span></p>`
        : html`<p>这个开通尚未证明购买归属：请通过阿里云登录，或在云市场“已购买的服务”中点击“免登”。<br><span class="lang">This activation has not proved the purchase is yours yet: sign in with Alibaba Cloud, or click Login Directly in the marketplace's Purchased Services.</span></p>`}
<dl>
<dt>阿里云账号 ID · Account ID</dt><dd>${d.accountId}</dd>
<dt>商品实例 ID · Instance ID</dt><dd>${d.instanceId}</dd>
<dt>开通编号 · Activation</dt><dd>${d.activationId}</dd>
</dl>
<h2>还没有安装扩展？· No extension yet?</h2>
<ol>
<li>在 Chrome 或 Edge 中安装 Guance Activator 扩展（向您的观测云联系人索取，或从扩展商店安装）。<br><span class="lang">Install the Guance Activator extension in Chrome or Edge (ask your Guance contact, or get it from the extension store).</span></li>
<li>在扩展的设置中确认 API 地址为 <code>${d.apiOrigin}</code>。<br><span class="lang">In the extension's options, check that the API address is <code>${d.apiOrigin}</code>.</span></li>
<li>回到云市场“已购买的服务”，再次点击“免登”；或打开扩展，手动填写上面的账号 ID 和实例 ID。<br><span class="lang">Go back to Purchased Services and click Login Directly again, or open the extension and type the account ID and instance ID above.</span></li>
</ol>
</main>
</body>`;
  // hono/html gives an escaped String object (a promise only when a child is async; none is here).
  return apiPage({ lang: 'zh-CN', title: 'Guance Activator · 观测云开通', head: landingMarkers(d), body });
}
