// Sign in with Alibaba Cloud against a real OpenID provider (oidc-provider) started here, issuing
// Alibaba-shaped ID tokens; the API exchanges the code and validates the token with openid-client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_REDIRECT_URI } from '../app';
import { randomDigits, setup } from '../test-support';
import {
  CLIENT_ID, CLIENT_SECRET, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, startAlibabaProvider, type AlibabaIdentity,
} from '../test-oidc-provider';
import { WEB_CALLBACK_PATH } from './alibaba-sign-in';

const WEB_REDIRECT = `https://activator.test${WEB_CALLBACK_PATH}`;
let op: Awaited<ReturnType<typeof startAlibabaProvider>>;
beforeAll(async () => {
  op = await startAlibabaProvider([EXTENSION_REDIRECT_URI, WEB_REDIRECT]);
});
afterAll(() => op.close());

type Tamper = (idToken: string) => string | Promise<string>;

/** An API that knows the provider; its clock is real time plus `offset` (tests move it). */
function api(opts: { requireVerifiedLink?: boolean } = {}) {
  const clock = { offset: 0 };
  let tamper: Tamper | undefined;
  // The network between the API and the provider, where a test may play an attacker who swaps the ID token.
  const wire: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!tamper || !url.endsWith('/token')) return res;
    const body = (await res.json()) as { id_token: string };
    return Response.json({ ...body, id_token: await tamper(body.id_token) }, { status: res.status });
  };
  const s = setup({
    now: () => Date.now() + clock.offset,
    requireVerifiedLink: opts.requireVerifiedLink ?? true,
    alibabaSignIn: { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, fetch: wire },
  });
  return { ...s, clock, setTamper: (t: Tamper | undefined) => { tamper = t; } };
}

type Api = ReturnType<typeof api>;
type Act = Awaited<ReturnType<Api['start']>>;

const main = (accountId: string): AlibabaIdentity => ({ sub: `main-${accountId}`, aid: accountId, uid: accountId, login_name: 'owner' });

async function begin(act: Act, redirectUri = EXTENSION_REDIRECT_URI) {
  const r = await act.call('POST', '/alibaba-sign-in', { redirectUri });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.authorizationUrl as string;
}

/** The whole extension flow: the URL launchWebAuthFlow would return, handed to the API. */
async function signIn(act: Act, who: AlibabaIdentity) {
  const callbackUrl = await op.browse(await begin(act), who);
  return { callbackUrl, res: await act.call('POST', '/alibaba-sign-in/callback', { callbackUrl }) };
}

const proofOf = (s: Api, id: string) => s.db.prepare('SELECT proof FROM activations WHERE id = ?').pluck().get(id);

describe('Sign in with Alibaba Cloud', () => {
  it('happy path: the authorization request is PKCE + state + nonce for openid aliuid; the main account proves the activation', async () => {
    const s = api();
    const a = await s.start();
    const started = await a.call('GET', '');
    expect(started.body.activation).toMatchObject({ next: 'prove', proof: null, proofs: ['alibaba-sign-in', 'marketplace'] });
    const url = new URL(await begin(a));
    expect(url.origin).toBe(op.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT_ID, response_type: 'code', scope: 'openid aliuid', redirect_uri: EXTENSION_REDIRECT_URI, code_challenge_method: 'S256',
    });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(p)).toMatch(/^[\w-]{20,}$/);
    expect(url.href).not.toContain(CLIENT_SECRET);

    const callbackUrl = await op.browse(url.href, main(a.accountId));
    expect(callbackUrl.startsWith(`${EXTENSION_REDIRECT_URI}?`)).toBe(true);
    const done = await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl });
    expect(done).toMatchObject({ status: 200, body: { activation: { proof: 'alibaba-sign-in', verified: true, next: 'register', proofs: [] } } });
    const audit = s.db.prepare("SELECT new_value FROM audit_log WHERE entity = 'activation' AND entity_id = ? AND field = 'proof'").pluck().all(a.id);
    expect(audit).toEqual(['alibaba-sign-in']);

    // The proved activation links the cloud account, and the link remembers how.
    await s.register('owner_1', 'owner1@example.com', a);
    expect(s.db.prepare('SELECT proof FROM cloud_account_links WHERE account_id = ?').pluck().get(a.accountId)).toBe('alibaba-sign-in');
  });

  it('a RAM user of the main account proves it: the main account ID (aid) is used, not the user\'s own (uid)', async () => {
    const s = api();
    const a = await s.start();
    const ram = { sub: 'ram-alice', aid: a.accountId, uid: randomDigits(16), login_name: `alice@${a.accountId}.onaliyun.com` };
    const { res } = await signIn(a, ram);
    expect(res).toMatchObject({ status: 200, body: { activation: { accountId: a.accountId, proof: 'alibaba-sign-in' } } });
  });

  it('an identity of another account than the instance\'s owner is refused', async () => {
    const s = api();
    const a = await s.start();
    const other = randomDigits(16);
    const { res } = await signIn(a, { sub: 'ram-bob', aid: other, uid: randomDigits(16) });
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'INSTANCE_ACCOUNT_MISMATCH', details: { signedInAccountId: other } } } });
    expect(proofOf(s, a.id)).toBeNull();
    // A RAM user's own uid equal to the instance's account does not count either: aid decides.
    const b = await s.start();
    const { res: r2 } = await signIn(b, { sub: 'ram-carol', aid: other, uid: b.accountId });
    expect(r2.status).toBe(403);
    expect(proofOf(s, b.id)).toBeNull();
  });

  it('a replayed answer or code proves nothing', async () => {
    const s = api();
    const a = await s.start();
    const { callbackUrl, res } = await signIn(a, main(a.accountId));
    expect(res.status).toBe(200);
    // The same answer again: its state was used.
    expect(await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl })).toMatchObject({ status: 409, body: { error: { code: 'TOKEN_REPLAYED' } } });
    // The used code with a fresh state of another activation of the same account: the provider refuses it.
    const b = await s.start(a.accountId);
    const fresh = new URL(await begin(b));
    const replay = new URL(callbackUrl);
    replay.searchParams.set('state', fresh.searchParams.get('state')!);
    const r = await b.call('POST', '/alibaba-sign-in/callback', { callbackUrl: replay.href });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { reason: 'sign-in-failed' } } } });
    expect(proofOf(s, b.id)).toBeNull();
  });

  it('a mismatched state is refused: unknown, or another activation\'s', async () => {
    const s = api();
    const a = await s.start();
    const b = await s.start();
    const callbackUrl = await op.browse(await begin(a), main(a.accountId));
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'x'.repeat(43));
    expect(await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl: forged.href }))
      .toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST', details: { reason: 'state-mismatch' } } } });
    // b's token with a's answer (b's owner would get a's proof): refused, and a's answer is still good.
    expect(await b.call('POST', '/alibaba-sign-in/callback', { callbackUrl }))
      .toMatchObject({ status: 400, body: { error: { details: { reason: 'state-mismatch' } } } });
    expect(proofOf(s, b.id)).toBeNull();
    expect((await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl })).status).toBe(200);
  });

  it('an ID token for another application (wrong audience) is refused', async () => {
    const s = api();
    const a = await s.start();
    const url = new URL(await begin(a));
    // Someone else's app, same provider, same user, even the same nonce: a valid token, but not for us.
    s.setTamper(async () => {
      const verifier = 'v'.repeat(50);
      const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
      const theirs = new URL(url.href);
      theirs.searchParams.set('client_id', OTHER_CLIENT_ID);
      theirs.searchParams.set('state', 'theirs-state-0123456789');
      theirs.searchParams.set('code_challenge', challenge);
      const back = new URL(await op.browse(theirs.href, main(a.accountId)));
      const tok = await fetch(`${op.issuer}/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${OTHER_CLIENT_ID}:${OTHER_CLIENT_SECRET}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: EXTENSION_REDIRECT_URI, code_verifier: verifier }),
      }).then((r) => r.json() as Promise<{ id_token: string }>);
      return tok.id_token;
    });
    const callbackUrl = await op.browse(url.href, main(a.accountId));
    const r = await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { reason: 'sign-in-failed' } } } });
    expect(s.logs.join('\n')).toMatch(/aud/);
    expect(proofOf(s, a.id)).toBeNull();
  });

  it('an expired ID token is refused', async () => {
    const s = api();
    const a = await s.start();
    const callbackUrl = await op.browse(await begin(a), main(a.accountId));
    // The provider's ID tokens live 300 s; the API reads the answer 10 minutes later by its clock
    // (the sign-in request itself lives 10 minutes, so move 9).
    s.clock.offset = 9 * 60_000;
    const r = await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { reason: 'sign-in-failed' } } } });
    expect(s.logs.join('\n')).toMatch(/exp/);
    expect(proofOf(s, a.id)).toBeNull();
  });

  it('an ID token whose claims were altered (bad signature) is refused', async () => {
    const s = api();
    const a = await s.start();
    // The attacker signed in as their own account and rewrites aid to the victim's.
    s.setTamper((jwt) => {
      const [h, p, sig] = jwt.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
      return [h, Buffer.from(JSON.stringify({ ...claims, aid: a.accountId })).toString('base64url'), sig].join('.');
    });
    const callbackUrl = await op.browse(await begin(a), main(randomDigits(16)));
    const r = await a.call('POST', '/alibaba-sign-in/callback', { callbackUrl });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'VERIFICATION_REQUIRED', details: { reason: 'sign-in-failed' } } } });
    expect(s.logs.join('\n')).toMatch(/signature/i);
    expect(proofOf(s, a.id)).toBeNull();
  });

  it('accepts only its redirect URIs; without configuration there is no sign-in', async () => {
    const s = api();
    const a = await s.start();
    expect(await a.call('POST', '/alibaba-sign-in', { redirectUri: 'https://evil.example/cb' }))
      .toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'redirectUri' }] } } });
    const plain = setup({ requireVerifiedLink: true });
    const b = await plain.start();
    expect((await b.call('GET', '')).body.activation.proofs).toEqual(['marketplace']);
    expect(await b.call('POST', '/alibaba-sign-in', { redirectUri: EXTENSION_REDIRECT_URI }))
      .toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', details: { reason: 'not-configured' } } } });
  });

  it('in a browser tab: the callback page completes only in the browser that started the sign-in', async () => {
    const s = api();
    const a = await s.start();
    const res = await s.app.request(`/api/v1/activations/${a.id}/alibaba-sign-in`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ redirectUri: WEB_REDIRECT }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    const { authorizationUrl } = (await res.json()) as { authorizationUrl: string };
    const back = new URL(await op.browse(authorizationUrl, main(a.accountId)));
    const path = `${back.pathname}${back.search}`;
    // Someone else's browser (a link sent to a victim): no cookie, nothing proved.
    const stranger = await s.app.request(path);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toMatch(/did not prove/);
    expect(proofOf(s, a.id)).toBeNull();
    // The browser that started it (the stranger's try spent nothing): proved, and on to the landing page.
    const ok = await s.app.request(path, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('Location')).toBe(`/activate/landing?activation=${a.id}`);
    expect(proofOf(s, a.id)).toBe('alibaba-sign-in');
  });
});
