// Guance instances (with status) from the marketplace's Purchased Services list.
import { decideInstances } from '../detect/decide';
import type { ContentFeature } from './types';

export const readInstances: ContentFeature = {
  id: 'read-instances',
  on: ['purchased-services'],
  read: (records, now) => ({ instances: decideInstances(records, now) }),
};
