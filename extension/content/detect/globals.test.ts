import { describe, expect, test } from 'vitest';
import { GlobalsMessage, GLOBALS_MESSAGE, readPageGlobals } from './globals';

describe('readPageGlobals', () => {
  test('reads the console and ECS configs, PKs as strings', () => {
    const g = readPageGlobals({
      ALIYUN_CONSOLE_CONFIG: { MAIN_ACCOUNT_PK: '1234567890123456', CURRENT_PK: 1234567890123456, ACCOUNT_TYPE: 'main' },
      ALIYUN_ECS_CONSOLE_CONFIG: { MASTER_PK: '1234567890123456', CURRENT_PK: '2234567890123456', isChildAccount: 'true' },
    });
    expect(g).toEqual({
      console: { mainAccountPk: '1234567890123456', currentPk: '1234567890123456', accountType: 'main' },
      ecs: { masterPk: '1234567890123456', currentPk: '2234567890123456', isChildAccount: true, isRoleAccount: null },
    });
  });

  test('a number too large to be exact is dropped, not rounded', () => {
    const g = readPageGlobals({ ALIYUN_CONSOLE_CONFIG: { MAIN_ACCOUNT_PK: 9876543210987654 } });
    expect(g.console?.mainAccountPk).toBeNull();
  });

  test('hostile page data: throwing getters, markup, absurd sizes', () => {
    const evil = {
      get MAIN_ACCOUNT_PK() {
        throw new Error('nope');
      },
      CURRENT_PK: '<img src=x onerror=alert(1)>',
      ACCOUNT_TYPE: 'x'.repeat(1000),
    };
    const g = readPageGlobals({ ALIYUN_CONSOLE_CONFIG: evil, ALIYUN_ECS_CONSOLE_CONFIG: 'not an object' });
    expect(g).toEqual({ console: { mainAccountPk: null, currentPk: null, accountType: 'x'.repeat(16) }, ecs: null });
    expect(readPageGlobals(null)).toEqual({ console: null, ecs: null });
  });

  test('the message schema rejects what the main world would never send', () => {
    const ok = { type: GLOBALS_MESSAGE, globals: { console: null, ecs: null } };
    expect(GlobalsMessage.safeParse(ok).success).toBe(true);
    expect(GlobalsMessage.safeParse({ ...ok, type: 'other' }).success).toBe(false);
    const bad = { type: GLOBALS_MESSAGE, globals: { console: { mainAccountPk: 'abc', currentPk: null, accountType: null }, ecs: null } };
    expect(GlobalsMessage.safeParse(bad).success).toBe(false);
  });

  test('the hand-written check: extra keys dropped, wrong flags, long types and arrays refused', () => {
    const ecs = { masterPk: '1234567890123456', currentPk: null, isChildAccount: false, isRoleAccount: true };
    const ok = GlobalsMessage.safeParse({ type: GLOBALS_MESSAGE, globals: { console: null, ecs: { ...ecs, extra: 'x' } }, more: 1 });
    expect(ok).toEqual({ success: true, data: { type: GLOBALS_MESSAGE, globals: { console: null, ecs } } });
    for (const globals of [
      { console: null, ecs: { ...ecs, isRoleAccount: 'true' } },
      { console: { mainAccountPk: null, currentPk: null, accountType: 'x'.repeat(17) }, ecs: null },
      { console: [], ecs: null },
      { console: null },
    ]) {
      expect(GlobalsMessage.safeParse({ type: GLOBALS_MESSAGE, globals }).success).toBe(false);
    }
    expect(() => GlobalsMessage.parse(null)).toThrow();
  });
});

