import { ConflictException, HttpException, HttpStatus, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { creditPriceOf, StepAction } from '@bf/contracts';
import { CreditBalance, CreditLedger, CreditTransaction, CreditTransactionPage } from '@bf/persistence';

/** A step of a run about to start, and whether it runs as a dry run (free). */
export interface PricedStep {
  stepId: string;
  action: StepAction;
  dryRun: boolean;
}

/** Credits for the gateway: the reservation an execute makes, and the credit routes' reads and grants. */
@Injectable()
export class CreditsService {
  private readonly ledger: CreditLedger;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ledger = new CreditLedger(config.credits.tenantInitialCredits);
  }

  /**
   * In the execute transaction, before the run is recorded: holds the price of
   * every live step. A run with no live step is free and reserves nothing. Short
   * of credit → 402 with the available balance and the cost; the caller's
   * transaction then rolls back, so no run and no audit event exist.
   */
  async reserveForRun(manager: EntityManager, tenantId: string, runId: string, steps: PricedStep[]): Promise<number> {
    const live = steps.filter((step) => !step.dryRun);
    if (!live.length) return 0;
    const prices = Object.fromEntries(live.map((step) => [step.stepId, creditPriceOf(step.action)]));
    const cost = Object.values(prices).reduce((sum, price) => sum + price, 0);
    const outcome = await this.ledger.reserve(manager, tenantId, runId, prices);
    if (!outcome.reserved) {
      throw new HttpException(
        {
          message: `not enough credits: this live execution costs ${cost} credit(s), ${outcome.balance.available} available (GET /api/v1/credits); dry runs are free`,
          details: { balance: outcome.balance.available, cost },
        },
        HttpStatus.PAYMENT_REQUIRED,
      );
    }
    return cost;
  }

  balance(tenantId: string): Promise<CreditBalance> {
    return this.dataSource.transaction((manager) => this.ledger.balance(manager, tenantId));
  }

  transactions(tenantId: string, limit: number, cursor?: string): Promise<CreditTransactionPage> {
    return this.ledger.transactions(this.dataSource.manager, tenantId, { limit, beforeSeq: cursor });
  }

  /** 409 when a negative correction would take the balance below what running executions hold. */
  async grant(tenantId: string, amount: number, reason: string): Promise<CreditTransaction> {
    const [tenant] = await this.dataSource.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    if (!tenant) throw new NotFoundException(`tenant ${tenantId} not found`);
    const entry = await this.dataSource.transaction((manager) => this.ledger.grant(manager, tenantId, amount, reason, { source: 'api' }));
    if (!entry) {
      const balance = await this.balance(tenantId);
      throw new ConflictException({ message: `a correction of ${amount} would leave less than the ${balance.reserved} credit(s) reserved by running executions`, details: balance });
    }
    return entry;
  }
}
