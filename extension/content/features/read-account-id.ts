// The main account's ID (globals > labels > RAM logon name > cookie): decide.ts does the work.
import { decideAccount } from '../detect/decide';
import type { ContentFeature } from './types';

export const readAccountId: ContentFeature = {
  id: 'read-account-id',
  on: ['console', 'account-center', 'marketplace-product', 'purchased-services', 'other'],
  read: (records, now) => ({ account: decideAccount(records, now) }),
};
