// The page half of the context-menu fill (context-menu-fill.ts). No imports: it is serialised
// into the page by scripting.executeScript, and the end-to-end suite runs it in a page too.

/**
 * Runs in the page (injected by executeScript: must stay self-contained). Fills the focused
 * field (a right-click focuses it), looking into open shadow roots; returns whether it did.
 */
export function fillFocusedField(value: string): boolean {
  let el: Element | null = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el) return false;
  const isArea = el.tagName === 'TEXTAREA';
  const isText = el.tagName === 'INPUT' && ['', 'text', 'search', 'number', 'tel'].includes((el.getAttribute('type') ?? '').toLowerCase());
  if (!isArea && !isText) {
    if ((el as HTMLElement).isContentEditable) {
      el.textContent = value;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, data: value, inputType: 'insertText' }));
      return true;
    }
    return false;
  }
  const field = el as HTMLInputElement | HTMLTextAreaElement;
  if (field.readOnly || field.disabled) return false;
  const proto = isArea ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(field, value);
  else field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
}
