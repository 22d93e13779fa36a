import { Hono } from 'hono';
import { ApiError } from '../lib/errors';
import type { MarketplaceService } from '../services/marketplace';
import { verifySpiSignature } from './signature';

/** `GET /marketplace/aliyun`: the Alibaba Cloud Marketplace SPI endpoint (DESIGN §5). */
export function marketplaceRoutes(svc: MarketplaceService, spiKey: string) {
  return new Hono().get('/aliyun', (c) => {
    const params: Record<string, string> = {};
    for (const [k, v] of new URL(c.req.url).searchParams) {
      // A repeated name makes the signed string ambiguous: refuse rather than guess.
      if (Object.hasOwn(params, k)) throw new ApiError('BAD_REQUEST', `Parameter ${k} is repeated`);
      params[k] = v;
    }
    // Nothing is written for a call we cannot prove came from the marketplace.
    if (!verifySpiSignature(params, spiKey)) throw new ApiError('BAD_SIGNATURE', 'The token does not match the parameters');
    const answer = svc.handle(params);
    return c.json(answer.body as Record<string, unknown>, answer.status);
  });
}
