import type { CodePurpose } from '../../shared/schemas';
import type { MailMessage } from './mailer';

const WHAT: Record<CodePurpose, { en: string; zh: string }> = {
  register: { en: 'register a Guance and Billing Center account', zh: '注册观测云与费用中心账号' },
  'bind-billing-account': { en: 'bind your Billing Center account to an Alibaba Cloud account', zh: '将费用中心账号绑定到阿里云账号' },
  'guance-account': { en: 'confirm this email address for a Guance workspace', zh: '为观测云工作空间确认此邮箱' },
};

/** Bilingual: most buyers on the Chinese marketplace read Chinese first. */
export function codeMessage(to: string, purpose: CodePurpose, code: string, minutes: number): MailMessage {
  const w = WHAT[purpose];
  return {
    to,
    subject: `观测云验证码 / Guance verification code: ${code}`,
    text:
      `您的验证码是 ${code}，用于${w.zh}，${minutes} 分钟内有效。如非本人操作，请忽略此邮件。\n\n` +
      `Your verification code is ${code}, to ${w.en}. It is valid for ${minutes} minutes. ` +
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
