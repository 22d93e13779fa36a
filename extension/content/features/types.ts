// What a content-script feature gets to work with. Each feature is one behaviour in one file;
// registry.ts lists them and the entrypoints run the list through runContentFeatures().
import type { ContentContext } from '../context';
import type { AccountDetection, InstanceDetection, PageKind } from '../../../shared/detections';
import type { LabelRecord, PageRecords } from '../detect/collect';
import type { PageGlobals } from '../../../shared/page-globals';

export interface ScanResult {
  account?: AccountDetection | null;
  instances?: InstanceDetection[];
}

export interface ContentEnv {
  ctx: ContentContext;
  /** Aborted when the content script is invalidated (extension reloaded or removed). */
  signal: AbortSignal;
  pageKind(): PageKind;
  /** Ask for a scan soon; calls within the debounce window collapse into one. */
  requestScan(): void;
  setGlobals(globals: PageGlobals): void;
  /** The next pass waits for this (at most GLOBALS_WAIT_MS): the page globals on their way. */
  waitFor(pending: Promise<unknown>): void;
  /** Labels read from a part of the page that is gone now (the avatar dropdown): kept for this page. */
  remember(labels: readonly LabelRecord[]): void;
  /** The buyer clicked *Login Directly* on this instance's record: reported, and offered first. */
  chooseInstance(instance: InstanceDetection & { loginDirectlyAt: number }): void;
}

export interface ContentFeature {
  id: string;
  /** Page kinds the feature runs on. */
  on: readonly PageKind[] | 'all';
  /** Wires listeners/observers, all tied to env.signal / env.ctx (content/context.ts). */
  start?(env: ContentEnv): void;
  /** Reads detections from one pass's records (pure: the decide functions). */
  read?(records: PageRecords, now: number): ScanResult;
  /**
   * Runs at the start of a pass that finds another address than the last one (the SPA moved on;
   * its re-render is what asked for the pass), before the pass waits for what is pending.
   */
  locationChanged?(env: ContentEnv): void;
  /** Runs at the start of every pass, before the page is read (re-arming an observer). */
  beforeScan?(env: ContentEnv): void;
  /** Runs after every pass (the fill offer). */
  afterScan?(env: ContentEnv): void | Promise<void>;
}
