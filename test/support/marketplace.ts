// Instances come into existence the way production learns of them: a signed SPI call from the
// Alibaba Cloud Marketplace (signed SPI GET calls), sent to the running API.
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
