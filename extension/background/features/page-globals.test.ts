import { describe, expect, test } from 'vitest';
import { isAlibabaCloudPage, readGlobalsFor, type RunInMainWorld } from './page-globals';

const GLOBALS = { console: { mainAccountPk: '1234567890123456', currentPk: '1234567890123456', accountType: 'main' }, ecs: null };

function recorder(answer: () => unknown): { run: RunInMainWorld; calls: { tabId: number; frameId: number }[] } {
  const calls: { tabId: number; frameId: number }[] = [];
  return {
    calls,
    run: async (target) => {
      calls.push(target);
      return answer();
    },
  };
}

describe('the page-globals reader in the background', () => {
  test('reads in the sending frame of an Alibaba Cloud page, and checks the answer', async () => {
    const r = recorder(() => GLOBALS);
    const g = await readGlobalsFor({ kind: 'content', tabId: 7, frameId: 3, url: 'https://ecs.console.aliyun.com/#/home' }, r.run);
    expect(g).toEqual(GLOBALS);
    expect(r.calls).toEqual([{ tabId: 7, frameId: 3 }]);
    expect(await readGlobalsFor({ kind: 'content', tabId: 7, url: 'https://market.console.alibabacloud.com/bizlist' }, r.run)).toEqual(GLOBALS);
    expect(r.calls[1]).toEqual({ tabId: 7, frameId: 0 });
  });

  test('never runs anything for another page, or for an extension page', async () => {
    const r = recorder(() => GLOBALS);
    for (const url of ['https://boss.guance.com/', 'https://aliyun.com.evil.example/', 'http://ecs.console.aliyun.com/', undefined]) {
      expect(await readGlobalsFor({ kind: 'content', tabId: 1, url }, r.run)).toBeNull();
    }
    expect(await readGlobalsFor({ kind: 'extension-page', tabId: 1, url: 'https://ecs.console.aliyun.com/' }, r.run)).toBeNull();
    expect(r.calls).toEqual([]);
  });

  test('an answer the reader never gives (a page that rewrote built-ins), or a refusal, is null', async () => {
    const sender = { kind: 'content' as const, tabId: 1, url: 'https://home.console.aliyun.com/' };
    expect(await readGlobalsFor(sender, recorder(() => ({ console: { mainAccountPk: '<img>', currentPk: null, accountType: null }, ecs: null })).run)).toBeNull();
    expect(await readGlobalsFor(sender, recorder(() => 'x'.repeat(10)).run)).toBeNull();
    expect(await readGlobalsFor(sender, recorder(() => undefined).run)).toBeNull();
    expect(await readGlobalsFor(sender, recorder(() => {
      throw new Error('Cannot access contents of the page');
    }).run)).toBeNull();
  });

  test('Alibaba Cloud pages are exactly the content scripts\' match patterns', () => {
    expect(isAlibabaCloudPage('https://aliyun.com/')).toBe(true);
    expect(isAlibabaCloudPage('https://a.b.alibabacloud.com/x?y')).toBe(true);
    expect(isAlibabaCloudPage('https://evilaliyun.com/')).toBe(false);
    expect(isAlibabaCloudPage('not a url')).toBe(false);
  });
});
