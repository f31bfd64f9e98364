import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { rootLogger } from '@bf/observability';
import { CoreModule, Runtime } from '@bf/runtime';
import { DsseSignerService } from './dsse-signer.service';
import { ForgeSignProcessor } from './forge-sign.processor';
import { FORGE_STEP_GATE, ForgeStepGate, OPEN_GATE } from './forge/forge-step.gate';
import { ForgeStepProcessor } from './forge/forge-step.processor';
import { ForgeStepRunner } from './forge/forge-step.runner';
import { loadMasterKey } from './master-key';
import { SigningKeyStore } from './signing-key.store';

/**
 * Built while the worker boots, so a missing production master key or a master
 * key that cannot decrypt the active key stops forge-sign at start-up rather than
 * failing the first evidence pack; and the first start leaves an active key behind.
 */
const KEY_STORE: Provider = {
  provide: SigningKeyStore,
  inject: [DataSource, APP_CONFIG],
  useFactory: async (dataSource: DataSource, config: AppConfig) => {
    const store = new SigningKeyStore(dataSource, await loadMasterKey(config, rootLogger().child({ component: 'forge-sign' })));
    await store.active();
    return store;
  },
};

@Module({})
export class ForgeSignModule {
  /** `forgeStepGate`: tests only (see forge/forge-step.gate.ts). */
  static forRuntime(runtime: Runtime, options: { forgeStepGate?: ForgeStepGate } = {}): DynamicModule {
    return {
      module: ForgeSignModule,
      imports: [CoreModule.forRuntime(runtime)],
      controllers: [ForgeSignProcessor, ForgeStepProcessor],
      providers: [KEY_STORE, DsseSignerService, ForgeStepRunner, { provide: FORGE_STEP_GATE, useValue: options.forgeStepGate ?? OPEN_GATE }],
    };
  }
}
