// Instances come into existence the way production learns of them: a signed SPI call from the
// Alibaba Cloud Marketplace (signed SPI GET calls), sent to the running API.
import { formatBeijingTime } from '../../api/marketplace/free-login';
import { signSpiParams } from '../../api/marketplace/signature';

export async function spiCall(apiUrl: string, key: string, params: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${apiUrl}/marketplace/aliyun?${new URLSearchParams(signSpiParams(params, key))}`);
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`SPI ${params.action}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export const createInstance = (apiUrl: string, key: string, aliUid: string, orderBizId: string) =>
  spiCall(apiUrl, key, {
    action: 'createInstance',
    aliUid,
    orderBizId,
    orderId: `9${orderBizId}`,
    productCode: 'cmgj00053362',
    skuId: 'payg',
    trial: 'false',
  });

let lastStampSecond = 0;

/**
 * A Login Directly link of `instanceId`, as the marketplace signs it. The link is its parameters
 * (the stamp has whole seconds), so two in one second would be one link and the second a replay:
 * each call here takes a later second than the one before (at most a few seconds ahead of the
 * clock, well within the window the API allows).
 */
export function freeLoginUrl(apiUrl: string, key: string, instanceId: string): string {
  lastStampSecond = Math.max(Math.floor(Date.now() / 1000), lastStampSecond + 1);
  const timeStamp = formatBeijingTime(lastStampSecond * 1000);
  return `${apiUrl}/marketplace/aliyun?${new URLSearchParams(signSpiParams({ action: 'verify', instanceId, timeStamp }, key))}`;
}
