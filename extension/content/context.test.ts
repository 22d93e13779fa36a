import { afterEach, describe, expect, test, vi } from 'vitest';
import { createContentContext } from './context';

afterEach(() => vi.useRealTimers());

describe('the content context', () => {
  test('a newer copy in the same world stops the older one; another script is left alone', () => {
    const world = {};
    const first = createContentContext('aliyun', () => true, world);
    const other = createContentContext('billing-center', () => true, world);
    expect(first.isValid).toBe(true);
    const second = createContentContext('aliyun', () => true, world);
    expect(first.signal.aborted).toBe(true);
    expect(first.isValid).toBe(false);
    expect(second.isValid).toBe(true);
    expect(other.isValid).toBe(true);
  });

  test('ends once the extension is gone, and stays ended', () => {
    let present = true;
    const ctx = createContentContext('aliyun', () => present, {});
    expect(ctx.isValid).toBe(true);
    present = false;
    expect(ctx.isValid).toBe(false);
    expect(ctx.signal.aborted).toBe(true);
    present = true;
    expect(ctx.isValid).toBe(false);
  });

  test('its timers do not fire once it is over', () => {
    vi.useFakeTimers();
    let present = true;
    const ctx = createContentContext('aliyun', () => present, {});
    const fired: string[] = [];
    ctx.setTimeout(() => fired.push('a'), 10);
    vi.advanceTimersByTime(10);
    ctx.setTimeout(() => fired.push('b'), 10);
    present = false;
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['a']);
  });

  test('its listeners are removed when it ends', () => {
    let present = true;
    const ctx = createContentContext('aliyun', () => present, {});
    const seen: string[] = [];
    ctx.addEventListener(window, 'keydown', (e) => seen.push(e.key), { capture: true });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    present = false;
    expect(ctx.isValid).toBe(false);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'b' }));
    expect(seen).toEqual(['a']);
  });
});
