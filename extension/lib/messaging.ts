// The sending half of the protocol (shared/protocol.ts): a message in, its typed reply out. Only
// types come from the protocol, so no schema code ships with the senders.
import { browser } from 'wxt/browser';
import type { Message, ReplyTo } from '../../shared/protocol';

/**
 * Sends one message to the background. Resolves to `undefined` when nothing answered (the router
 * refused the sender or the message), so callers check the outline of what they get.
 */
export function send<M extends Message>(message: M): Promise<ReplyTo<M> | undefined> {
  return browser.runtime.sendMessage(message) as Promise<ReplyTo<M> | undefined>;
}
