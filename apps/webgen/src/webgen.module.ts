import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { StepRunner } from '@bf/step-sdk';
import { TemplatesStartupCheck } from '@bf/templates';
import { DeployWebsiteStep } from './deploy-website.step';
import { GenerateWebsiteStep } from './generate-website.step';
import { WebgenProcessor } from './webgen.processor';

export const WEBGEN_STEPS = [GenerateWebsiteStep, DeployWebsiteStep];

@Module({})
export class WebgenModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: WebgenModule,
      imports: [CoreModule.forRuntime(runtime)],
      controllers: [WebgenProcessor],
      providers: [StepRunner, ...WEBGEN_STEPS, TemplatesStartupCheck],
    };
  }
}
