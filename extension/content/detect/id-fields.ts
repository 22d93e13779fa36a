// Form fields that ask for our IDs: DOM → records (collectFields) → which ID goes where
// (fieldKind, pure). Labels come from <label for>, a wrapping <label>, aria-label,
// aria-labelledby, the placeholder, and the text of the nearest wrapper around the field.
import { fieldLabels, normalise } from './keywords';
import { squash } from './collect';

export type FieldKind = keyof ReturnType<typeof fieldLabels>;
export type FillableElement = HTMLInputElement | HTMLTextAreaElement;

export interface FieldRecord {
  element: FillableElement;
  texts: string[];
}

const TEXT_TYPES = new Set(['', 'text', 'search', 'number', 'tel']);
const FIELD_SELECTOR = 'input, textarea';

export function isFillable(el: Element | null): el is FillableElement {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA') return !(el as HTMLTextAreaElement).readOnly && !(el as HTMLTextAreaElement).disabled;
  if (tag !== 'INPUT') return false;
  const input = el as HTMLInputElement;
  return TEXT_TYPES.has((input.getAttribute('type') ?? '').toLowerCase()) && !input.readOnly && !input.disabled;
}

function labelTexts(el: FillableElement): string[] {
  const doc = el.ownerDocument;
  const texts: string[] = [];
  const add = (t: string | null | undefined) => {
    const s = squash(t, 120);
    if (s) texts.push(s);
  };
  if (el.id) for (const l of doc.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`)) add(l.textContent);
  add(el.closest('label')?.textContent);
  add(el.getAttribute('aria-label'));
  for (const id of (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)) {
    add(doc.getElementById(id)?.textContent);
  }
  add(el.getAttribute('placeholder'));
  // Nearby text: the closest wrapper (up to 3 levels) that holds this field and no other.
  let wrapper: Element | null = el.parentElement;
  for (let i = 0; wrapper && i < 3; i++, wrapper = wrapper.parentElement) {
    if (wrapper.querySelectorAll(FIELD_SELECTOR).length > 1) break;
    const t = squash(wrapper.textContent, 200);
    if (t) {
      if (t.length <= 80) add(t);
      break;
    }
  }
  return texts;
}

export function collectFields(root: Document | Element): FieldRecord[] {
  const out: FieldRecord[] = [];
  for (const el of root.querySelectorAll(FIELD_SELECTOR)) {
    if (isFillable(el)) out.push({ element: el, texts: labelTexts(el) });
  }
  return out;
}

/** Which of our IDs a field asks for, from its label texts; instance first ("Product Instance ID"). */
export function fieldKind(texts: readonly string[]): FieldKind | null {
  const norm = texts.map(normalise);
  const labels = fieldLabels();
  for (const kind of ['instanceId', 'accountId'] as const) {
    if (norm.some((t) => labels[kind].some((l) => t.includes(l)))) return kind;
  }
  return null;
}

/**
 * Types a value the way a user would, so React and Vue register it: the native value setter
 * (React tracks values set through the element's own property) then input and change events.
 * Self-contained on purpose: the context menu injects it into any page with scripting.executeScript.
 */
export function setFieldValue(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}
