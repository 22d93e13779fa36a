// What a background feature gets to work with. Each feature is one behaviour in one file;
// registry.ts lists them and the background entrypoint registers the list.
import type { DetectionSnapshot, PageKind } from '../../../shared/detections';
import type { Router } from '../router';

/** What the toolbar badge shows for one tab. */
export interface TabState {
  pageKind: PageKind;
  accountFound: boolean;
  instanceCount: number;
}

/** The detections store, as features see it: read it and follow its changes. */
export interface DetectionsHub {
  snapshot(): Promise<DetectionSnapshot>;
  onSnapshot(cb: (snapshot: DetectionSnapshot) => void): void;
  /** `null` when the tab's state was cleared (closed, navigated away, user cleared). */
  onTab(cb: (tabId: number, state: TabState | null) => void): void;
}

export interface BackgroundFeature {
  id: string;
  /** Wires listeners once, at start; a feature that answers messages registers them on the router. */
  register(hub: DetectionsHub, router: Router): void;
}
