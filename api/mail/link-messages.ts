// Mail to a Billing Center account whose link to an Alibaba Cloud account ended: superseded by
// the cloud account's proved owner, or ended by an operator. Bilingual, like the other mail.
import type { LinkSettlement } from '../db/repositories/links';
import type { MailMessage } from './mailer';

const list = (ws: LinkSettlement[]) => ws.map((w) => `  - ${w.name} (${w.site}, instance ${w.instanceId})`).join('\n');
const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export function linkEndedMessage(to: string, username: string, accountId: string, ws: LinkSettlement[], endedAt: number,
  why: { reason: 'superseded' } | { reason: 'unlinked'; note: string }): MailMessage {
  const zhWhy = why.reason === 'superseded'
    ? '该阿里云账号的所有者已通过阿里云登录或云市场免登证明了账号归属；此前的绑定未经证明，因此已被取代'
    : `运维人员解除了该绑定，原因：${why.note}`;
  const enWhy = why.reason === 'superseded'
    ? 'the owner of that Alibaba Cloud account proved it (by signing in with Alibaba Cloud or through the marketplace\'s Login Directly), ' +
      'and the link had been made without such proof, so it was replaced'
    : `an operator ended it, giving this reason: ${why.note}`;
  const zhWs = ws.length ? `以下工作空间不再通过该阿里云账号结算，已转为费用中心直接结算：\n${list(ws)}\n\n` : '';
  const enWs = ws.length ? `These workspaces are no longer settled through that Alibaba Cloud account; they are now settled directly in the Billing Center:\n${list(ws)}\n\n` : '';
  return {
    to,
    subject: `观测云：费用中心账号与阿里云账号 ${accountId} 的绑定已解除 / Guance: your Billing Center account is no longer linked to Alibaba Cloud account ${accountId}`,
    text:
      `${username}，您好：\n\n${when(endedAt)}，您的费用中心账号与阿里云账号 ${accountId} 的绑定已解除：${zhWhy}。\n\n${zhWs}` +
      `如有疑问，请联系观测云支持。\n\n` +
      `Hello ${username},\n\nOn ${when(endedAt)} the link between your Billing Center account and Alibaba Cloud account ${accountId} ended: ${enWhy}.\n\n${enWs}` +
      `If this is unexpected, contact Guance support.\n`,
  };
}
