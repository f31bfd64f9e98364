import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { EvidenceSignerService } from './evidence-signer.service';
import { ForgeSignProcessor } from './forge-sign.processor';

@Module({})
export class ForgeSignModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return { module: ForgeSignModule, imports: [CoreModule.forRuntime(runtime)], controllers: [ForgeSignProcessor], providers: [EvidenceSignerService] };
  }
}
