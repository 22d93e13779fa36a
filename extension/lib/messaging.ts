// The sending half of the protocol (shared/protocol.ts): a message in, its typed reply out. Only
// types come from the protocol, so no schema code ships with the senders.
import { browser } from 'wxt/browser';
import type { Message, ReplyTo } from '../../shared/protocol';

/** What the background's polyfill sends back when its handler threw (the polyfill's own format). */
interface PolyfillRejection {
  __mozWebExtensionPolyfillReject__: true;
  message: string;
}

const isRejection = (v: unknown): v is PolyfillRejection =>
  typeof v === 'object' && v !== null && (v as PolyfillRejection).__mozWebExtensionPolyfillReject__ === true;

/**
 * Sends one message to the background. Resolves to `undefined` when nothing answered (the router
 * refused the sender or the message), so callers check the outline of what they get.
 *
 * Content scripts call the browser's own API, not the polyfill (wxt.config.ts says why), so this
 * does what the polyfill would: Chrome rejects when the listener answers nothing, and a handler
 * that threw arrives as the polyfill's rejection record.
 */
export async function send<M extends Message>(message: M): Promise<ReplyTo<M> | undefined> {
  let reply: unknown;
  try {
    reply = await browser.runtime.sendMessage(message);
  } catch (e) {
    if (e instanceof Error && e.message.includes('message port closed before a response')) return undefined;
    throw e;
  }
  if (isRejection(reply)) throw new Error(reply.message);
  return reply as ReplyTo<M> | undefined;
}
