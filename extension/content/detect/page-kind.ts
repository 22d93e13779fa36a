// Which kind of Alibaba Cloud / Guance page a URL is: decides which features run and is recorded
// with every detection.
import type { PageKind } from '../../../shared/detections';

const ALIYUN_HOST = /(^|\.)(aliyun\.com|alibabacloud\.com)$/;

export function pageKindOf(href: string): PageKind {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return 'other';
  }
  const host = url.hostname.toLowerCase();
  if (host === 'boss.guance.com' || host === 'bill.guance.one') return 'billing-center';
  if (!ALIYUN_HOST.test(host)) return 'other';
  // Purchased Services: market.console.aliyun.com/imageconsole (and the international marketplace console).
  if (/^(market|marketplace)\.console\./.test(host)) return 'purchased-services';
  if (/^(market|marketplace)\./.test(host) && /\/products\//.test(url.pathname)) return 'marketplace-product';
  if (/^(account|usercenter2?)\.console\./.test(host) || /^(account|usercenter2?)\./.test(host)) return 'account-center';
  if (/(^|\.)console\./.test(host) || host.startsWith('home.console') || /^(ecs|ram|home)\./.test(host)) return 'console';
  return 'other';
}
