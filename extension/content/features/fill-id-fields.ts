// On pages that ask for the account or instance ID, offer (a small button under the field) to
// fill in what was detected. Never fills on its own, never touches a field that has a value or
// that the user typed in. The offer is built with DOM APIs in a shadow root outside the page's
// own tree, so a page framework's DOM is left alone; page text never becomes HTML.
// The page may be hostile: the root is closed (page script gets no handle on the buttons), the
// values live in this script's memory, not in attributes, and only the user's own click (a
// trusted event; Enter or Space on the focused button is one too) fills anything.
import { browser } from 'wxt/browser';
import type { DetectionSnapshot } from '../../../shared/detections';
import { send } from '../../lib/messaging';
import { collectFields, fieldKind, setFieldValue, type FieldKind, type FillableElement } from '../detect/id-fields';
import type { ContentEnv, ContentFeature } from './types';

export const OFFER_HOST_TAG = 'guance-activator-offers';

/** The values a field of each kind can take, preferred first: closed or expired instances are not offered. */
export function offerValues(snapshot: DetectionSnapshot, kind: FieldKind): string[] {
  if (kind === 'accountId') return snapshot.account ? [snapshot.account.accountId] : [];
  return [...snapshot.instances]
    .filter((i) => i.status === 'active' || i.status === 'unknown')
    .sort(
      (a, b) =>
        (b.loginDirectlyAt ?? 0) - (a.loginDirectlyAt ?? 0) ||
        Number(b.status === 'active') - Number(a.status === 'active') ||
        b.at - a.at,
    )
    .slice(0, 3)
    .map((i) => i.instanceId);
}

let valueSeq = 0;

/**
 * "Fill 1234…": the value is drawn by CSS generated content, not held as text, because the
 * browser's find (window.find) looks into closed shadow roots too and would let a page guess an
 * ID digit by digit. Screen readers and the accessibility tree still read it. Returns the rule.
 */
function labelButton(b: HTMLButtonElement, value: string): string {
  const marker = '\u0001';
  const [before = '', after = ''] = (browser.i18n.getMessage('fill_offer', [marker]) || `Fill ${marker}`).split(marker);
  const v = document.createElement('span');
  b.append(before, v, after);
  // IDs are digits (the background validated them); anything else is shown as plain text.
  if (!/^\d{1,32}$/.test(value)) {
    v.textContent = value;
    return '';
  }
  v.className = `v${++valueSeq}`;
  return `.${v.className}::after { content: "${value}"; }`;
}

interface Offer {
  box: HTMLDivElement;
  field: FillableElement;
  /** What the box offers, to tell whether a pass changed it (kept here, never in the DOM). */
  key: string;
  buttons: { button: HTMLButtonElement; kind: FieldKind; value: string }[];
}

export interface FillOffersOptions {
  /** Whether an event is the user's own; tests stand in for the browser here. */
  isTrusted?: (e: Event) => boolean;
}

export function createFillOffers(env: Pick<ContentEnv, 'signal'>, opts: FillOffersOptions = {}) {
  const isTrusted = opts.isTrusted ?? ((e: Event) => e.isTrusted);
  const typed = new WeakSet<Element>();
  const offers = new Map<FillableElement, Offer>();
  let host: HTMLElement | null = null;
  let shadow: ShadowRoot | null = null;

  const onInput = (e: Event) => {
    // Only a real keystroke or paste marks the field as the user's (our own fill is untrusted).
    if (!e.isTrusted) return;
    const target = e.composedPath()[0];
    if (target instanceof Element) {
      typed.add(target);
      remove(target as FillableElement);
    }
  };
  document.addEventListener('input', onInput, { capture: true, signal: env.signal });
  let frame = 0;
  const onMove = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      for (const o of offers.values()) place(o);
    });
  };
  window.addEventListener('scroll', onMove, { capture: true, passive: true, signal: env.signal });
  window.addEventListener('resize', onMove, { passive: true, signal: env.signal });
  env.signal.addEventListener('abort', () => host?.remove(), { once: true });

  function root(): ShadowRoot {
    if (shadow && host?.isConnected) return shadow;
    host = document.createElement(OFFER_HOST_TAG);
    host.style.cssText = 'all: initial; position: absolute; top: 0; left: 0; z-index: 2147483647;';
    shadow = host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = `
      .offer { position: absolute; display: flex; gap: 4px; font: 12px/1.4 system-ui, sans-serif; }
      button { all: unset; cursor: pointer; padding: 1px 8px; border-radius: 10px; background: #1a7f37;
        color: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.3); white-space: nowrap; }
      button:focus-visible { outline: 2px solid #0969da; }`;
    shadow.append(style);
    document.documentElement.append(host);
    return shadow;
  }

  function place(o: Offer) {
    const r = o.field.getBoundingClientRect();
    o.box.style.top = `${r.bottom + window.scrollY + 2}px`;
    o.box.style.left = `${r.left + window.scrollX}px`;
    o.box.hidden = r.width === 0 && r.height === 0;
  }

  function remove(field: FillableElement) {
    offers.get(field)?.box.remove();
    offers.delete(field);
  }

  function offer(field: FillableElement, kind: FieldKind, values: string[]) {
    const key = `${kind}:${values.join(',')}`;
    const existing = offers.get(field);
    if (existing?.key === key) return place(existing);
    if (existing) remove(field);
    const box = document.createElement('div');
    box.className = 'offer';
    const buttons: Offer['buttons'] = [];
    const rules: string[] = [];
    for (const value of values) {
      const b = document.createElement('button');
      b.type = 'button';
      buttons.push({ button: b, kind, value });
      rules.push(labelButton(b, value));
      b.title = browser.i18n.getMessage(kind === 'accountId' ? 'fill_offer_account_title' : 'fill_offer_instance_title');
      // mousedown would move the focus out of the field before the click: keep it where it is.
      b.addEventListener('mousedown', (e) => e.preventDefault());
      b.addEventListener('click', (e) => {
        if (!isTrusted(e)) return;
        // Re-checked at click time: the user may have typed since the offer appeared.
        if (field.value === '' && !typed.has(field)) setFieldValue(field, value);
        remove(field);
      });
      box.append(b);
    }
    const style = document.createElement('style');
    style.textContent = rules.join('\n');
    box.append(style);
    const o: Offer = { box, field, key, buttons };
    offers.set(field, o);
    root().append(box);
    place(o);
  }

  /** One pass: which fields ask for what, and the offers that go with them. */
  function update(snapshot: DetectionSnapshot) {
    const seen = new Set<FillableElement>();
    for (const { element, texts } of collectFields(document)) {
      const kind = fieldKind(texts);
      if (!kind || element.value !== '' || typed.has(element)) continue;
      const values = offerValues(snapshot, kind);
      if (!values.length) continue;
      seen.add(element);
      offer(element, kind, values);
    }
    for (const field of [...offers.keys()]) if (!seen.has(field)) remove(field);
  }

  return { update, offers, typed };
}

export const fillIdFields: ContentFeature = {
  id: 'fill-id-fields',
  on: 'all',
  start(env) {
    state.set(env, createFillOffers(env));
  },
  async afterScan(env) {
    const offers = state.get(env);
    if (!offers) return;
    // Cheap check first: no field on the page asks for our IDs → no message to the background.
    if (!collectFields(document).some((f) => fieldKind(f.texts))) return offers.update({ account: null, instances: [] });
    // The answer comes from our own background (pages cannot speak on this channel), which
    // validated every detection when it arrived; only its outline is checked here.
    const raw = await send({ type: 'detections/get' }).catch(() => undefined);
    if (raw && Array.isArray(raw.instances) && env.ctx.isValid) offers.update(raw);
  },
};

const state = new WeakMap<ContentEnv, ReturnType<typeof createFillOffers>>();
