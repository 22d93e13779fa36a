// A real OpenID provider for the API's tests (the `oidc-provider` package) on loopback, shaped
// like Alibaba Cloud's: scopes `openid aliuid`, and an ID token that carries `aid` (the main
// account's ID) and `uid` (the signed-in identity's own ID: the same for a main account, the RAM
// user's for a RAM user). `browse` plays the person's browser: it follows the authorization URL,
// signs in as the given identity, consents, and returns the URL the provider redirects back to.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface AlibabaIdentity {
  /** The provider's subject for this identity. */
  sub: string;
  /** Main account ID (16 digits). */
  aid: string;
  /** The identity's own ID: equal to aid for the main account, the RAM user's ID otherwise. */
  uid: string;
  login_name?: string;
}

export const CLIENT_ID = 'guance-activator';
export const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';
export const OTHER_CLIENT_ID = 'someone-elses-app';
export const OTHER_CLIENT_SECRET = 'other-client-secret-0123456789abcdef';

export async function startAlibabaProvider(redirectUris: string[]) {
  const identities = new Map<string, AlibabaIdentity>();
  let signedIn: AlibabaIdentity | undefined;
  const configuration: Configuration = {
    clients: [
      { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] },
      { client_id: OTHER_CLIENT_ID, client_secret: OTHER_CLIENT_SECRET, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] },
    ],
    scopes: ['openid', 'aliuid'],
    claims: { openid: ['sub'], aliuid: ['aid', 'uid', 'login_name'] },
    // Alibaba Cloud puts the aliuid claims in the ID token itself.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const who = identities.get(id);
      return who ? { accountId: id, claims: () => ({ ...who }) } : undefined;
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 300, Session: 600, Grant: 600 },
    pkce: { required: () => true },
  };
  let provider!: Provider;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const who = signedIn!;
        identities.set(who.sub, who);
        const grant = new provider.Grant({ accountId: who.sub, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { login: { accountId: who.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
      })().catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = new Provider(issuer, configuration);

  /** Opens `authorizationUrl` as `who` and returns where the provider sends the browser back. */
  async function browse(authorizationUrl: string, who: AlibabaIdentity): Promise<string> {
    signedIn = who;
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    for (let hop = 0; hop < 10; hop++) {
      if (!url.startsWith(issuer)) return url; // back at the client's redirect URI
      const res = await fetch(url, { redirect: 'manual', headers: { Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      const next = res.headers.get('Location');
      if (!next) throw new Error(`the provider answered ${res.status} at ${url}: ${await res.text()}`);
      url = new URL(next, url).href;
    }
    throw new Error('too many redirects');
  }

  return {
    issuer,
    browse,
    /** Who a real browser signs in as when it reaches the provider's sign-in page (it signs in at once). */
    signInAs: (who: AlibabaIdentity) => {
      signedIn = who;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
