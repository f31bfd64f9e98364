import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { PlanWriter } from './plan-writer';
import { PlannerProcessor } from './planner.processor';

@Module({})
export class PlannerModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return { module: PlannerModule, imports: [CoreModule.forRuntime(runtime)], controllers: [PlannerProcessor], providers: [PlanWriter] };
  }
}
