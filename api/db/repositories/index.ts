import { withAuditContext, type AuditContext, type NotAsync } from '../audit-context';
import type { Db } from '../connection';
import type { GroupCommit } from '../group-commit';
import { AccountRepository } from './accounts';
import { ActivationRepository } from './activations';
import { AuditRepository } from './audit';
import { CodeRepository } from './codes';
import { FreeLoginTokenRepository } from './free-login-tokens';
import { InstanceRepository } from './instances';
import { LinkRepository } from './links';
import { OutboxRepository } from './outbox';
import { SignInRepository } from './sign-ins';
import { PendingCallRepository } from './pending-calls';
import { SettlementRepository } from './settlements';
import { SpiFactsRepository } from './spi';
import { WorkspaceRepository } from './workspaces';

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * Every repository over one connection, statements prepared once. `tx` runs a synchronous function
 * in one transaction; with `audit`, inside that audit context (db/audit-context.ts), which every
 * transaction writing an audited table needs.
 */
export function createRepositories(db: Db, group?: GroupCommit) {
  // One transaction wrapper for every call (building one per call costs about a third of a small
  // write's commit); the function to run is its argument.
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  return {
    db,
    accounts: new AccountRepository(db),
    activations: new ActivationRepository(db),
    audit: new AuditRepository(db),
    codes: new CodeRepository(db),
    freeLoginTokens: new FreeLoginTokenRepository(db),
    instances: new InstanceRepository(db),
    links: new LinkRepository(db),
    signIns: new SignInRepository(db),
    outbox: new OutboxRepository(db),
    pendingCalls: new PendingCallRepository(db),
    settlements: new SettlementRepository(db),
    spiFacts: new SpiFactsRepository(db),
    workspaces: new WorkspaceRepository(db),
    /** With group commit, a savepoint in the turn's batch (db/group-commit.ts); else its own transaction. */
    tx: <T>(fn: () => NotAsync<T>, audit?: AuditContext): NotAsync<T> => {
      const own = () => inTransaction.immediate(fn) as NotAsync<T>;
      const run = group ? () => group.join(own) : own;
      return audit ? withAuditContext<T>(audit, run) : run();
    },
  };
}
