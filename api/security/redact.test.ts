import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, redactValue } from './redact';

describe('redaction', () => {
  it('masks the SPI token and key in a query string, keeps the rest', () => {
    const u = redactUrl('/marketplace/aliyun?action=verify&instanceId=123&timeStamp=2025-01-01+10%3A00%3A00&token=abcdef0123&key=s3cret');
    expect(u).toContain('action=verify');
    expect(u).toContain('instanceId=123');
    expect(redactUrl('/x?productCode=cmgj00053362&code=123456')).toBe('/x?productCode=cmgj00053362&code=[redacted]');
    expect(u).not.toContain('abcdef0123');
    expect(u).not.toContain('s3cret');
  });

  it('masks secret fields at any depth and in free text', () => {
    const v = redactValue({
      username: 'alice', password: 'hunter2abc', code: '123456',
      guanceAccount: { kind: 'new', password: 'x1yyyyyy', passwordConfirm: 'x1yyyyyy', code: '654321' },
      headers: { authorization: 'Bearer tok_123' },
    });
    const s = JSON.stringify(v);
    for (const secret of ['hunter2abc', '123456', 'x1yyyyyy', '654321', 'tok_123']) expect(s).not.toContain(secret);
    expect(s).toContain('alice');
    expect(redactText('Authorization: Bearer abc.def-ghi')).not.toContain('abc.def-ghi');
    expect(redactText('{"password":"pw12345678","user":"bob"}')).not.toContain('pw12345678');
    expect(redactText('code=987654 sent')).not.toContain('987654');
    expect(redactText('Your verification code is 246810.')).not.toContain('246810');
    expect(redactText('productCode=cmgj00053362')).toContain('cmgj00053362');
  });

  it('leaves paths without a query alone', () => {
    expect(redactUrl('/api/v1/activations/abc')).toBe('/api/v1/activations/abc');
  });
});
