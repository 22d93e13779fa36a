import { withAuditContext, type AuditContext, type NotAsync } from '../audit-context';
import type { Db } from '../connection';
import { AccountRepository } from './accounts';
import { ActivationRepository } from './activations';
import { CodeRepository } from './codes';
import { InstanceRepository } from './instances';
import { OutboxRepository } from './outbox';
import { SpiFactsRepository } from './spi';
import { WorkspaceRepository } from './workspaces';

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * Every repository over one connection, statements prepared once. `tx` runs a synchronous function
 * in one transaction; with `audit`, inside that audit context (db/audit-context.ts), which every
 * transaction writing an audited table needs.
 */
export function createRepositories(db: Db) {
  return {
    db,
    accounts: new AccountRepository(db),
    activations: new ActivationRepository(db),
    codes: new CodeRepository(db),
    instances: new InstanceRepository(db),
    outbox: new OutboxRepository(db),
    spiFacts: new SpiFactsRepository(db),
    workspaces: new WorkspaceRepository(db),
    tx: <T>(fn: () => NotAsync<T>, audit?: AuditContext): NotAsync<T> => {
      const run = () => db.transaction(fn).immediate();
      return audit ? withAuditContext<T>(audit, run) : run();
    },
  };
}
