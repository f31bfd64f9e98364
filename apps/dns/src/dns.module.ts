import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { StepRunner } from '@bf/step-sdk';
import { ConfigureDnsStep } from './configure-dns.step';
import { DnsProcessor } from './dns.processor';

export const DNS_STEPS = [ConfigureDnsStep];

@Module({})
export class DnsModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return { module: DnsModule, imports: [CoreModule.forRuntime(runtime)], controllers: [DnsProcessor], providers: [StepRunner, ...DNS_STEPS] };
  }
}
