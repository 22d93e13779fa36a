// Mail to a Billing Center account when the marketplace instance paying for its workspaces is
// frozen or released. Bilingual, like the code mail.
import type { MailMessage } from './mailer';

export interface AffectedWorkspace { name: string; site: string }

const list = (ws: AffectedWorkspace[]) => ws.map((w) => `  - ${w.name} (${w.site})`).join('\n');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function frozenMessage(to: string, username: string, instanceId: string, ws: AffectedWorkspace[], endsAt: number): MailMessage {
  return {
    to,
    subject: `观测云：云市场实例 ${instanceId} 已到期 / Guance: marketplace instance ${instanceId} has expired`,
    text:
      `${username}，您好：\n\n阿里云云市场实例 ${instanceId} 已到期，以下工作空间已冻结：\n${list(ws)}\n\n` +
      `请在 ${day(endsAt)} 之前在云市场“已购买的服务”中续费。到期未续费，这些工作空间将转为费用中心直接结算。\n\n` +
      `Hello ${username},\n\nAlibaba Cloud Marketplace instance ${instanceId} has expired, and these workspaces are frozen:\n${list(ws)}\n\n` +
      `Renew the instance in the marketplace's Purchased Services before ${day(endsAt)} (UTC). If it is not renewed by then, ` +
      `these workspaces move to direct settlement in the Billing Center.\n`,
  };
}

export function releasedMessage(to: string, username: string, instanceId: string, ws: AffectedWorkspace[], why: 'released' | 'freeze-ended'): MailMessage {
  const zhWhy = why === 'released' ? '已释放' : '冻结期已满 14 天仍未续费';
  const enWhy = why === 'released' ? 'was released' : 'was not renewed within the 14 days after it expired';
  return {
    to,
    subject: `观测云：工作空间已转为费用中心结算 / Guance: workspaces moved to Billing Center settlement`,
    text:
      `${username}，您好：\n\n阿里云云市场实例 ${instanceId} ${zhWhy}。以下工作空间已转为费用中心直接结算：\n${list(ws)}\n\n` +
      `如需继续通过阿里云结算，请在云市场重新购买观测云，并用新实例绑定这些工作空间。\n\n` +
      `Hello ${username},\n\nAlibaba Cloud Marketplace instance ${instanceId} ${enWhy}. These workspaces are now settled ` +
      `directly in the Billing Center:\n${list(ws)}\n\n` +
      `To pay through Alibaba Cloud again, buy Guance on the marketplace and bind these workspaces to the new instance.\n`,
  };
}
