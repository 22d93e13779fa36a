// The limits as a client meets them through the API, and what the logs may never hold.
import { describe, expect, it } from 'vitest';
import { PASSWORD, SPI_KEY, setup } from '../test-support';

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('rate limits through the API', () => {
  it('limits activation starts per client address, with Retry-After', async () => {
    const s = setup({ rateLimits: { activationStartsPerClient: { limit: 3, windowSeconds: 600 } } });
    await s.createInstance('1234567890123456', '4001');
    const start = (ip: string) => s.app.request('/api/v1/activations', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId: '1234567890123456', instanceId: '4001', site: 'cn1' }),
    }, from(ip));
    for (let i = 0; i < 3; i++) expect((await start('203.0.113.5')).status).toBe(201);
    const refused = await start('203.0.113.5');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('600');
    expect(((await refused.json()) as any).error.code).toBe('RATE_LIMITED');
    expect((await start('203.0.113.6')).status).toBe(201);
    s.clock.advance(600_000);
    expect((await start('203.0.113.5')).status).toBe(201);
  });

  it('ships a default that lets a real person start a few activations', async () => {
    const s = setup();
    await s.createInstance('1234567890123456', '4002');
    for (let i = 0; i < 10; i++) {
      const r = await s.call('POST', '/activations', { accountId: '1234567890123456', instanceId: '4002', site: 'cn1' });
      expect(r.status).toBe(201);
    }
  });

  it('limits code sends per address and per activation per hour', async () => {
    const s = setup({ rateLimits: { codeSendsPerAddress: { limit: 2, windowSeconds: 3600 }, codeSendsPerActivation: { limit: 3, windowSeconds: 3600 } } });
    const a = await s.start();
    const send = (email: string) => a.call('POST', '/verification-codes', { purpose: 'register', email });
    expect((await send('x@example.com')).status).toBe(202);
    s.clock.advance(61_000);
    expect((await send('x@example.com')).status).toBe(202);
    s.clock.advance(61_000);
    const perAddress = await send('x@example.com');
    expect([perAddress.status, perAddress.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(perAddress.headers.get('Retry-After'))).toBeGreaterThan(3000);
    expect((await send('y@example.com')).status).toBe(202);
    const perActivation = await send('z@example.com');
    expect(perActivation.status).toBe(429);
    // another activation may still send to z
    const b = await s.start();
    expect((await b.call('POST', '/verification-codes', { purpose: 'register', email: 'z@example.com' })).status).toBe(202);
  });

  it('delays wrong codes per address, growing across new codes, and a right code clears it', async () => {
    const s = setup();
    const a = await s.start();
    const attempt = (c: string) => a.call('POST', '/registration', s.registrationBody('wuser', 'w@example.com', c));
    let code = await s.codeFor(a, { purpose: 'register', email: 'w@example.com' }, 'w@example.com');
    const wrongFor = (c: string) => (c === '000000' ? '111111' : '000000');
    // Five wrong tries kill the code (issue 2) and cost no waiting.
    for (let i = 0; i < 5; i++) expect((await attempt(wrongFor(code))).body.error.code).toBe('CODE_INVALID');
    s.clock.advance(61_000);
    code = await s.codeFor(a, { purpose: 'register', email: 'w@example.com' }, 'w@example.com');
    // On the new code, each further wrong try makes the next one wait: 2 s, then 4 s.
    expect((await attempt(wrongFor(code))).status).toBe(422);
    const blocked = await attempt(code);
    expect([blocked.status, blocked.body.error.code, blocked.headers.get('Retry-After')]).toEqual([429, 'TOO_MANY_ATTEMPTS', '2']);
    s.clock.advance(2000);
    expect((await attempt(wrongFor(code))).status).toBe(422);
    expect((await attempt(code)).headers.get('Retry-After')).toBe('4');
    s.clock.advance(4000);
    expect((await attempt(code)).status).toBe(201);
  });

  it('delays wrong passwords per login string, growing, without saying whether the account exists', async () => {
    const s = setup();
    await s.register('pw_user', 'pw@example.com');
    const login = (l: string, p: string) => s.call('POST', '/sessions', { login: l, password: p });
    for (let i = 0; i < 4; i++) expect((await login('pw_user', 'wrong password 1')).status).toBe(401);
    const blocked = await login('pw_user', PASSWORD);
    expect([blocked.status, blocked.headers.get('Retry-After')]).toEqual([429, '2']);
    for (let i = 0; i < 4; i++) expect((await login('nobody_here', 'wrong password 1')).status).toBe(401);
    expect((await login('nobody_here', 'wrong password 1')).status).toBe(429);
    s.clock.advance(2000);
    expect((await login('pw_user', PASSWORD)).status).toBe(200);
    expect((await login('pw_user', 'wrong password 1')).status).toBe(401); // the success forgot the failures
    expect((await login('pw_user', PASSWORD)).status).toBe(200);
  });
});

describe('logins', () => {
  it('are limited per client address before any password is hashed', async () => {
    const s = setup({ rateLimits: { loginsPerClient: { limit: 5, windowSeconds: 60 } } });
    let n = 0;
    const login = (ip: string) => s.app.request('/api/v1/sessions', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: `junk${n++}`, password: 'whatever 123' }),
    }, from(ip));
    for (let i = 0; i < 5; i++) expect((await login('198.51.100.7')).status).toBe(401);
    const refused = await login('198.51.100.7');
    expect([refused.status, refused.headers.get('Retry-After')]).toEqual([429, '60']);
    expect(((await refused.json()) as any).error.code).toBe('RATE_LIMITED');
    expect((await login('198.51.100.8')).status).toBe(401);
    s.clock.advance(60_000);
    expect((await login('198.51.100.7')).status).toBe(401);
  });

  it('count failures per login string: a username and an email are not shown to be one account', async () => {
    const s = setup();
    await s.register('twin_user', 'twin@example.com');
    await s.register('other_user', 'other@example.com');
    const login = (l: string, p = 'wrong password 1') => s.call('POST', '/sessions', { login: l, password: p });
    for (let i = 0; i < 4; i++) expect((await login('twin_user')).status).toBe(401);
    expect((await login('twin_user')).status).toBe(429);
    // The same account by its email answers exactly as an email of another account, or of none.
    for (const email of ['twin@example.com', 'other@example.com', 'nobody@example.com']) {
      expect((await login(email)).status).toBe(401);
    }
    expect((await login('twin@example.com', PASSWORD)).status).toBe(200);
    // Across both strings the account's own count still bounds the guesses.
    const t = setup({ rateLimits: { wrongPasswords: { freeFailures: 100, baseDelaySeconds: 2, maxDelaySeconds: 900, resetAfterSeconds: 3600 } } });
    await t.register('many_user', 'many@example.com');
    for (let i = 0; i < 6; i++) expect((await t.call('POST', '/sessions', { login: i % 2 ? 'many_user' : 'many@example.com', password: 'no 1' })).status).toBe(401);
    for (let i = 0; i < 5; i++) await t.call('POST', '/sessions', { login: 'many_user', password: 'no 1' });
    expect((await t.call('POST', '/sessions', { login: 'many@example.com', password: PASSWORD })).status).toBe(429);
  });
});

describe('nothing secret in logs', () => {
  it('no password, code, bearer token or SPI key in the access log or the server log after a whole flow', async () => {
    const access: string[] = [];
    const s = setup({ accessLog: (l) => access.push(l) });
    const { act, res } = await s.register('log_user', 'log@example.com');
    const code = s.lastCode('log@example.com');
    await s.call('POST', '/sessions', { login: 'log_user', password: PASSWORD });
    await s.call('POST', '/sessions', { login: 'log_user', password: 'Wrong-Pass-99' });
    await s.spi({ action: 'upgradeInstance', instanceId: act.instanceId, skuId: 'pro' });
    const all = [...access, ...s.logs].join('\n');
    expect(access.length).toBeGreaterThan(4);
    for (const secret of [PASSWORD, 'Wrong-Pass-99', code, act.token, SPI_KEY]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/token=[0-9a-f]{32}/);
    expect(res.status).toBe(201);
    // One JSON object per request, with the client's address for tracing an abuse.
    const line = JSON.parse(access.find((l) => l.includes('/sessions'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'request', method: 'POST', url: '/api/v1/sessions', status: 200, level: 30 });
    expect(typeof line.reqId).toBe('string');
    expect(line).toHaveProperty('client');
  });
});
