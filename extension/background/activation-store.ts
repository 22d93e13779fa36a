// The activation being worked on, with its bearer token, kept where only the background (and the
// extension's own pages) can read it: the extension origin's IndexedDB. Content scripts can read
// `storage.local` (and `storage.session`, once its access level is opened), but they run in the
// page's origin and never see the extension's IndexedDB. Unlike `storage.session`, IndexedDB
// survives a browser restart, so the wizard resumes where the user left it. Only this module
// writes it; the popup asks the background (`get-activation`), never the store.
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { storage } from 'wxt/utils/storage';
import type { Activation } from '../../shared/schemas';

export interface ActivationRef {
  id: string;
  token: string;
  activation: Activation;
  /** When `activation` was last read from or written by the API (ms since epoch). */
  syncedAt: number;
  /** The API it was created on: a token is worthless against another one. */
  apiBaseUrl: string;
}

const KEY = 'current';
/** A proved activation free login brought while another was in progress: it waits for the user. */
const OFFER_KEY = 'offer';
let db: UseStore | null = null;
// Opened on first use: the worker may start before anything needs it.
const store = (): UseStore => (db ??= createStore('guance-activator', 'activation'));

export const activationStore = {
  async get(): Promise<ActivationRef | null> {
    return (await get<ActivationRef>(KEY, store())) ?? null;
  },
  set(ref: ActivationRef): Promise<void> {
    return set(KEY, ref, store());
  },
  remove(): Promise<void> {
    return del(KEY, store());
  },
  async getOffer(): Promise<ActivationRef | null> {
    return (await get<ActivationRef>(OFFER_KEY, store())) ?? null;
  },
  setOffer(ref: ActivationRef): Promise<void> {
    return set(OFFER_KEY, ref, store());
  },
  removeOffer(): Promise<void> {
    return del(OFFER_KEY, store());
  },
};

/** Where earlier versions kept the activation, token included (readable by content scripts). */
const legacyItem = storage.defineItem<ActivationRef | null>('local:activationRef', { fallback: null });

/**
 * Moves an activation left in `storage.local` by an earlier version into the store, and deletes
 * it there, so an update keeps the user's place and leaves no token behind.
 */
export async function moveLegacyActivation(): Promise<'moved' | 'none'> {
  const legacy = await legacyItem.getValue();
  if (!legacy) return 'none';
  if (!(await activationStore.get())) await activationStore.set(legacy);
  await legacyItem.removeValue();
  return 'moved';
}
