// Label and keyword lists, as data. Everything is compared after normalise(): lower case, no
// whitespace, no trailing colon, so "Account ID:", "账号 ID" and "账号ID" meet as one key.
//
// The normalised lists are built on first use, not when the script loads: the content script
// starts on every console page, and on most of them (the page globals name the account, no form
// asks for an ID) no label is ever compared. Building them, with the regular expressions made
// from them, was a sixth of what loading the script cost such a page (bench/page-cost.bench.ts).

/** The value `make` returns, computed on the first call. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

const normalisedOnce = (texts: readonly string[]) => once(() => texts.map(normalise));

export function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s\u00a0\u3000]+/g, '').replace(/[:：*＊]+$/, '');
}

/** Labels next to the account ID in the avatar menu and on the Account Center page. */
export const accountIdLabels = normalisedOnce([
  'Account ID',
  'Account UID',
  'Main Account ID',
  'UID',
  '账号 ID',
  '账号ID',
  '账号 UID',
  '主账号 ID',
  '账户 ID',
  '云账号 ID',
  '阿里云账号 ID',
  '阿里云账号ID',
  'Alibaba Cloud Account ID',
  'Alibaba Cloud account ID',
]);

/** Labels of an instance ID (the Purchased Services list, and forms that ask for it). */
export const instanceIdLabels = normalisedOnce([
  'Product Instance ID',
  'Instance ID',
  'Instance ID/Name',
  '商品实例 ID',
  '商品实例ID',
  '实例 ID',
  '实例ID',
  '实例ID/名称',
  '实例 ID/名称',
]);

/**
 * A column header as compared: normalised, without the filter a header may carry in its text
 * (`状态(全部状态)▾`, `Status (All)`, `商品类型（全部）`): the header of a filterable column.
 */
export function normaliseHeader(text: string): string {
  return normalise(text.replace(/[▾▼⌄]+/g, '')).replace(/[(（][^()（）]*[)）]$/, '');
}

/** Column headers of the status on the Purchased Services list. */
export const statusLabels = normalisedOnce(['Status', 'State', 'Instance Status', '状态', '实例状态']);

/** Column headers of the product name on the Purchased Services list. */
export const productLabels = normalisedOnce(['Product', 'Product Name', 'Service', 'Name', '商品', '商品名称', '产品名称', '服务名称']);

/** A row is Guance's when it names the product or carries its marketplace code. */
export const GUANCE_NAMES = ['guance', '观测云'];
export const GUANCE_PRODUCT_CODE = 'cmgj00053362';

/**
 * Status words as the list shows them, by the status we record. Order matters: first match wins.
 * Only states, never verbs: 关闭 / Close and 释放 / Release are the actions on an open instance
 * (the marketplace's APP states are OPENING 开通中, OPENED 已开通, EXPIRED 已过期, CLOSED 已释放).
 */
export const STATUS_WORDS: ReadonlyArray<readonly ['closed' | 'expired' | 'opening' | 'active', readonly string[]]> = [
  ['closed', ['inactive', 'closed', 'released', 'unsubscribed', 'terminated', 'stopped', '已关闭', '已释放', '已退订', '已停止', '已停用']],
  ['expired', ['expired', 'frozen', 'suspended', 'overdue', '已过期', '已到期', '过期', '已冻结', '冻结', '欠费']],
  ['opening', ['opening', 'activating', 'provisioning', 'pending activation', '开通中', '创建中', '待开通']],
  ['active', ['active', 'normal', 'running', 'in use', 'in service', 'activated', 'opened', '正常', '运行中', '使用中', '服务中', '已开通', '生效中']],
] as const;

/**
 * The *Login Directly* (免登) action of a Purchased Services record: the buyer clicking it on a
 * Guance record is the strongest sign of which instance they mean. Compared after normalise().
 */
export const loginDirectlyLabels = normalisedOnce(['免登', '免登录', 'Login Directly', 'Log In Directly', 'Log on Directly', 'Direct Login']);

/** Form labels the fill feature looks for, by which value goes in. Instance first: "Product Instance ID" is not an account. */
export const fieldLabels = once(() => ({
  instanceId: instanceIdLabels(),
  accountId: accountIdLabels().filter((l) => l !== 'uid'),
}));

/** `user@<UID>.onaliyun.com`: a RAM user's logon name; the UID is the main account's. */
export const RAM_LOGON_NAME = /[A-Za-z0-9._-]+@(\d{16})\.onaliyun\.com/;

/**
 * Any RAM logon name, `user@<AccountAlias>.onaliyun.com`: the default domain carries the account
 * alias, which is the UID only until the owner sets an alias. Still proof of a RAM user.
 */
export const RAM_LOGON_ANY = /[A-Za-z0-9._-]+@([A-Za-z0-9][A-Za-z0-9-]{0,62})\.onaliyun\.com/i;

/** A standalone 16-digit number (an account ID), not part of a longer one. */
export const SIXTEEN_DIGITS = /(?<!\d)(\d{16})(?!\d)/;

export const ACCOUNT_COOKIE = 'login_aliyunid_pk';
export const CURRENT_PK_COOKIE = 'login_current_pk';
