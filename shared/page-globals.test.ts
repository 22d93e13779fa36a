import { describe, expect, test } from 'vitest';
import { parsePageGlobals, readPageGlobals } from './page-globals';

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

  test('the check refuses what the main world would never answer', () => {
    expect(parsePageGlobals({ console: null, ecs: null })).toEqual({ console: null, ecs: null });
    expect(parsePageGlobals({ console: { mainAccountPk: 'abc', currentPk: null, accountType: null }, ecs: null })).toBeNull();
    for (const v of [null, undefined, 'x', [], 42]) expect(parsePageGlobals(v)).toBeNull();
  });

  test('the hand-written check: extra keys dropped, wrong flags, long types and arrays refused', () => {
    const ecs = { masterPk: '1234567890123456', currentPk: null, isChildAccount: false, isRoleAccount: true };
    expect(parsePageGlobals({ console: null, ecs: { ...ecs, extra: 'x' }, more: 1 })).toEqual({ console: null, ecs });
    for (const globals of [
      { console: null, ecs: { ...ecs, isRoleAccount: 'true' } },
      { console: { mainAccountPk: null, currentPk: null, accountType: 'x'.repeat(17) }, ecs: null },
      { console: [], ecs: null },
      { console: null },
    ]) {
      expect(parsePageGlobals(globals)).toBeNull();
    }
  });

  test('the reader is self-contained: it runs alone, as executeScript serialises it', () => {
    // Rebuilt from its own source with nothing of this module in scope.
    const alone = new Function(`return (${readPageGlobals.toString()})`)() as typeof readPageGlobals;
    const win = { ALIYUN_CONSOLE_CONFIG: { MAIN_ACCOUNT_PK: '1234567890123456', CURRENT_PK: '2234567890123456', ACCOUNT_TYPE: 'sub' } };
    expect(alone(win)).toEqual(readPageGlobals(win));
    expect(alone(win).console?.currentPk).toBe('2234567890123456');
  });
});
