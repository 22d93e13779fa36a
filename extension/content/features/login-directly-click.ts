// A *Login Directly* (免登) click on a Guance record of the Purchased Services list is the
// strongest sign of which instance the buyer means: that record is read on the spot (the same
// reading as a pass) and the instance is reported as chosen, so the popup and the fill offer
// put it first. Only the user's own clicks count: a page script's synthetic click is ignored.
import { recordAt } from '../detect/collect';
import { decideRecord } from '../detect/decide';
import { loginDirectlyLabels, normalise } from '../detect/keywords';
import type { ContentFeature } from './types';

const ACTION = 'a, button, [role="button"], [role="link"]';

/** The Login Directly control a click landed on, or null. */
export function loginDirectlyControl(target: EventTarget | null): Element | null {
  const el = target instanceof Element ? target.closest(ACTION) : null;
  if (!el) return null;
  const text = normalise(el.textContent ?? '');
  return text.length <= 30 && loginDirectlyLabels().includes(text) ? el : null;
}

export const loginDirectlyClick: ContentFeature = {
  id: 'login-directly-click',
  on: ['purchased-services'],
  start(env) {
    const onClick = (e: Event) => {
      if (!e.isTrusted) return;
      const control = loginDirectlyControl(e.composedPath()[0] ?? e.target);
      if (!control) return;
      const record = recordAt(control, document);
      if (!record) return;
      const now = Date.now();
      const instance = decideRecord(record, { url: location.href, pageKind: env.pageKind() }, now);
      if (instance) env.chooseInstance({ ...instance, source: { ...instance.source, method: 'login-directly-click' }, loginDirectlyAt: now });
    };
    // Capture: the page's own handler may stop the event or open its 提示 dialog first.
    document.addEventListener('click', onClick, { capture: true, signal: env.signal });
  },
};
