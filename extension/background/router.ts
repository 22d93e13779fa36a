// The background's one message router: one `onMessage` listener for the whole protocol
// (shared/protocol.ts). The sender is checked once, here: a message from anything but this
// extension is ignored, an extension page is told apart from a content script by its URL (a page
// cannot put its content script's frame on the extension's origin), and each message is accepted
// only from the senders the protocol lists for it, then parsed with its schema. Modules register
// a handler per message type; a message nobody handles gets no answer.
import { browser, type Browser } from 'wxt/browser';
import { maySend, parseMessage, type Message, type MessageType, type Replies, type Sender } from '../../shared/protocol';

export interface SenderInfo {
  kind: Sender;
  /** The sender's tab (content scripts; an extension page opened in a tab has one too). */
  tabId?: number;
  /** The sender's frame in that tab (0: the top frame). */
  frameId?: number;
  url?: string;
}

export type Handler<T extends MessageType> = (message: Message<T>, sender: SenderInfo) => Promise<Replies[T]> | Replies[T];

/** Who sent a message, or `null` when it is not one of this extension's pages or content scripts. */
export function senderOf(sender: Browser.runtime.MessageSender, runtimeId: string, ownOrigin: string): SenderInfo | null {
  if (sender.id !== runtimeId) return null;
  const tabId = sender.tab?.id;
  if (sender.url?.startsWith(ownOrigin)) return { kind: 'extension-page', url: sender.url, ...(tabId === undefined ? {} : { tabId }) };
  if (tabId !== undefined) {
    return { kind: 'content', tabId, ...(sender.frameId === undefined ? {} : { frameId: sender.frameId }), ...(sender.url ? { url: sender.url } : {}) };
  }
  return null;
}

export interface Router {
  on<T extends MessageType>(type: T, handler: Handler<T>): void;
  /** The listener's body: a promise of the reply, or `undefined` for a message that gets none. */
  dispatch(raw: unknown, sender: Browser.runtime.MessageSender): Promise<unknown> | undefined;
  /** Adds the one `onMessage` listener (call synchronously at start, so a woken worker hears the message that woke it). */
  listen(signal?: AbortSignal): void;
}

export function createRouter(): Router {
  const handlers = new Map<MessageType, Handler<MessageType>>();
  const router: Router = {
    on(type, handler) {
      if (handlers.has(type)) throw new Error(`two handlers for ${type}`);
      handlers.set(type, handler as unknown as Handler<MessageType>);
    },
    dispatch(raw, sender) {
      const from = senderOf(sender, browser.runtime.id, browser.runtime.getURL('/'));
      if (!from) return undefined;
      const message = parseMessage(raw);
      if (!message || !maySend(message.type, from.kind)) return undefined;
      const handler = handlers.get(message.type);
      if (!handler) return undefined;
      return Promise.resolve().then(() => handler(message, from));
    },
    listen(signal) {
      const listener = (raw: unknown, sender: Browser.runtime.MessageSender) => router.dispatch(raw, sender);
      browser.runtime.onMessage.addListener(listener);
      signal?.addEventListener('abort', () => browser.runtime.onMessage.removeListener(listener), { once: true });
    },
  };
  return router;
}
