import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ambiguousParam, signSpiParams, spiSignature, verifySpiSignature } from './signature';

// Expected values come from the rule written out by hand: the string is typed here literally, then
// hashed with node:crypto directly, never through the code under test.
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('SPI signature', () => {
  const key = 'vendor-secret';
  const params = {
    action: 'createInstance', aliUid: '1234567890123456', orderBizId: '2091234', orderId: '20889',
    productCode: 'cmgj00053362', skuId: 'yuncode5336200001', trial: 'false',
  };
  const signed =
    'action=createInstance&aliUid=1234567890123456&orderBizId=2091234&orderId=20889&productCode=cmgj00053362&skuId=yuncode5336200001&trial=false&key=vendor-secret';

  it('is the MD5 of the sorted k=v pairs plus &key=', () => {
    expect(spiSignature(params, key)).toBe(md5(signed));
    expect(md5(signed)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignores the token itself and includes unknown parameters, in name order', () => {
    const withExtra = { zeta: 'z', token: 'whatever', ...params, email: 'a@b.c' };
    const s =
      'action=createInstance&aliUid=1234567890123456&email=a@b.c&orderBizId=2091234&orderId=20889&productCode=cmgj00053362&skuId=yuncode5336200001&trial=false&zeta=z&key=vendor-secret';
    expect(spiSignature(withExtra, key)).toBe(md5(s));
  });

  it('signs the decoded values (spaces, Chinese) as they are', () => {
    const p = { action: 'renewInstance', instanceId: '42', expiredOn: '2027-01-02 03:04:05', template: '观测云' };
    expect(spiSignature(p, 'k')).toBe(md5('action=renewInstance&expiredOn=2027-01-02 03:04:05&instanceId=42&template=观测云&key=k'));
  });

  it('sorts by byte order of names (upper case before lower case)', () => {
    expect(spiSignature({ b: '1', B: '2', a: '3' }, 'x')).toBe(md5('B=2&a=3&b=1&key=x'));
  });

  it('accepts the right token, in either case, and refuses anything else', () => {
    const token = md5(signed);
    expect(verifySpiSignature({ ...params, token }, key)).toBe(true);
    expect(verifySpiSignature({ ...params, token: token.toUpperCase() }, key)).toBe(true);
    expect(verifySpiSignature({ ...params, token }, 'other-secret')).toBe(false);
    expect(verifySpiSignature({ ...params, trial: 'true', token }, key)).toBe(false);
    expect(verifySpiSignature({ ...params, extra: '', token }, key)).toBe(false);
    expect(verifySpiSignature(params, key)).toBe(false);
    expect(verifySpiSignature({ ...params, token: 'zz' }, key)).toBe(false);
    expect(verifySpiSignature({ ...params, token: token.slice(1) }, key)).toBe(false);
  });

  it('signSpiParams adds the token verify expects', () => {
    expect(signSpiParams(params, key).token).toBe(md5(signed));
  });

  it('refuses a value or name holding & or =: the signed string could not tell it from more parameters', () => {
    // trial "false&zz=1" signs exactly as trial false plus zz 1.
    const smuggled = { ...params, trial: 'false&zz=1' };
    const split = { ...params, trial: 'false', zz: '1' };
    expect(spiSignature(smuggled, key)).toBe(spiSignature(split, key));
    expect(verifySpiSignature(signSpiParams(split, key), key)).toBe(true);
    expect(verifySpiSignature({ ...smuggled, token: spiSignature(split, key) }, key)).toBe(false);
    expect(ambiguousParam(smuggled)).toBe('trial');
    expect(ambiguousParam({ ...params, 'a=b': 'c' })).toBe('a=b');
    expect(ambiguousParam({ ...params, token: 'x=y' })).toBeUndefined();
  });
});
