import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { IntentProcessor } from './intent.processor';

@Module({})
export class IntentModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return { module: IntentModule, imports: [CoreModule.forRuntime(runtime)], controllers: [IntentProcessor] };
  }
}
