// @vitest-environment node
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../shared/errors';
import en from '../public/_locales/en/messages.json';
import zh from '../public/_locales/zh_CN/messages.json';
import { STEP_FIELDS } from '../popup/model/step-fields';
import { createTranslate, format, resolveLang, type Bundle } from './i18n';

const bundles = { en: en as Bundle, zh_CN: zh as Bundle };

describe('i18n', () => {
  test('follows the browser unless set: any zh variant → Chinese', () => {
    expect(resolveLang('auto', 'zh-CN')).toBe('zh_CN');
    expect(resolveLang('auto', 'zh-TW')).toBe('zh_CN');
    expect(resolveLang('auto', 'en-US')).toBe('en');
    expect(resolveLang('auto', 'fr')).toBe('en');
    expect(resolveLang('en', 'zh-CN')).toBe('en');
  });

  test("Chrome's placeholder rules: named placeholders, $1…, $$", () => {
    expect(format({ message: 'Sent to $ADDR$ ($$5)', placeholders: { addr: { content: '$1' } } }, ['a@b.c'])).toBe('Sent to a@b.c ($5)');
    expect(format({ message: '$1 of $2' }, ['1', '3'])).toBe('1 of 3');
  });

  test('switching language at run time changes every string; unknown keys fall back to English, then the key', () => {
    const t = createTranslate(bundles, 'zh_CN');
    expect(t('wizard_code_sent_to', 'a***e@x.com')).toBe('验证码已发送至 a***e@x.com，10 分钟内有效。');
    expect(createTranslate({ en: { only_en: { message: 'x' } }, zh_CN: {} }, 'zh_CN')('only_en')).toBe('x');
    expect(t('no_such_key')).toBe('no_such_key');
  });

  test('both bundles hold the same keys, and every message is non-empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const b of [en, zh] as Bundle[]) for (const [k, v] of Object.entries(b)) expect(v.message, k).not.toBe('');
  });

  test('every API error code and every field has words in both languages', () => {
    const fields = new Set(Object.values(STEP_FIELDS).flat());
    for (const b of [en, zh] as Bundle[]) {
      for (const code of Object.keys(ERROR_STATUS)) expect(b[`error_code_${code}`], code).toBeDefined();
      for (const f of fields) expect(b[`error_invalid_${f}`], f).toBeDefined();
    }
  });

  test('every literal key the popup and options page use exists', () => {
    const root = resolve(import.meta.dirname, '..');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(f) && !f.includes('.test.')) files.push(p);
      }
    };
    for (const d of ['popup', 'options', 'entrypoints/popup', 'entrypoints/options']) walk(join(root, d));
    const used = new Set<string>();
    for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_]+)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(50);
    for (const k of used) {
      expect(en, k).toHaveProperty(k);
      expect(zh, k).toHaveProperty(k);
    }
  });
});
