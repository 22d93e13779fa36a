// What the content scripts read, as step 1 shows it: instances in the order to offer them, the one
// to preselect, and the "read from" line.
import type { DetectionSource, InstanceDetection } from '../../../shared/detections';
import type { Translate } from '../../lib/i18n';

const RANK: Record<InstanceDetection['status'], number> = { active: 0, unknown: 1, opening: 2, expired: 3, closed: 4 };

/** The buyer's Login Directly click on a usable instance outranks everything else; the latest click first. */
const clickedAt = (i: InstanceDetection) => (i.status === 'active' || i.status === 'unknown' ? (i.loginDirectlyAt ?? 0) : 0);

/**
 * Clicked with Login Directly first, then active, then of unknown status, newest first within
 * each; opening, expired and closed last.
 */
export function orderInstances(instances: readonly InstanceDetection[]): string[] {
  return [...instances]
    .sort((a, b) => clickedAt(b) - clickedAt(a) || RANK[a.status] - RANK[b.status] || b.at - a.at)
    .map((i) => i.instanceId)
    .filter((id, i, all) => all.indexOf(id) === i);
}

/** The instance to preselect: never a closed or expired one (the API would refuse it). */
export function preferredInstance(instances: readonly InstanceDetection[]): string | null {
  return orderInstances(instances.filter((i) => i.status === 'active' || i.status === 'unknown'))[0] ?? null;
}

export function sourceLine(t: Translate, source: DetectionSource, at: number): string {
  const page = t(`detect_page_${source.pageKind.replace(/-/g, '_')}`);
  const method = t(`detect_method_${source.method.split(':')[0]!.replace(/-/g, '_')}`);
  return t('detect_source', page, method, new Date(at).toLocaleString());
}
