import type { CodePurpose } from '../../shared/schemas';
import type { MailMessage } from './mailer';

const WHAT: Record<CodePurpose, { en: string; zh: string }> = {
  register: { en: 'register a Guance and Billing Center account', zh: '注册观测云与费用中心账号' },
  'bind-billing-account': { en: 'bind your Billing Center account to an Alibaba Cloud account', zh: '将费用中心账号绑定到阿里云账号' },
  'guance-account': { en: 'confirm this email address for a Guance workspace', zh: '为观测云工作空间确认此邮箱' },
};

/** What the code will bind: the reader of the mail must see which cloud account they confirm. */
export interface CodeContext {
  accountId: string;
  instanceId: string;
  /** bind-billing-account: the Billing Center account that will be bound. */
  username?: string;
}

function binds(purpose: CodePurpose, c: CodeContext): { zh: string; en: string } {
  switch (purpose) {
    case 'register':
      return { zh: `注册后，新的费用中心账号将与阿里云账号 ${c.accountId}（云市场实例 ${c.instanceId}）绑定。`,
        en: `The new Billing Center account will be linked to Alibaba Cloud account ${c.accountId} (marketplace instance ${c.instanceId}).` };
    case 'bind-billing-account':
      return { zh: `输入此验证码，即同意将费用中心账号 ${c.username ?? ''} 绑定到阿里云账号 ${c.accountId}（云市场实例 ${c.instanceId}），其工作空间可由该阿里云账号结算。`,
        en: `Entering it binds Billing Center account ${c.username ?? ''} to Alibaba Cloud account ${c.accountId} (marketplace instance ${c.instanceId}), which may then pay for its workspaces.` };
    case 'guance-account':
      return { zh: `将创建一个由阿里云账号 ${c.accountId}（云市场实例 ${c.instanceId}）结算的工作空间。`,
        en: `A workspace settled through Alibaba Cloud account ${c.accountId} (marketplace instance ${c.instanceId}) will be created.` };
  }
}

/** Bilingual: most buyers on the Chinese marketplace read Chinese first. */
export function codeMessage(to: string, purpose: CodePurpose, code: string, minutes: number, context?: CodeContext): MailMessage {
  const w = WHAT[purpose];
  const b = context ? binds(purpose, context) : { zh: '', en: '' };
  return {
    to,
    subject: `观测云验证码 / Guance verification code: ${code}`,
    text:
      `您的验证码是 ${code}，用于${w.zh}，${minutes} 分钟内有效。${b.zh}如非本人操作，请忽略此邮件。\n\n` +
      `Your verification code is ${code}, to ${w.en}. It is valid for ${minutes} minutes. ${b.en ? `${b.en} ` : ''}` +
      `If you did not ask for it, ignore this message.\n`,
  };
}

/** Hides most of an address: "alice@example.com" → "a***e@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const shown = local.length <= 2 ? `${local[0] ?? ''}***` : `${local[0]}***${local[local.length - 1]}`;
  return `${shown}@${domain}`;
}
