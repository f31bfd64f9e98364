import { DynamicModule, Module } from '@nestjs/common';
import { DNS_PROVIDER_FACTORY } from '@bf/dns';
import { CoreModule, Runtime } from '@bf/runtime';
import { StepRunner } from '@bf/step-sdk';
import { ConfigureDnsStep } from './configure-dns.step';
import { DnsProcessor } from './dns.processor';
import { EmbeddedDnsServerLifecycle } from './embedded-server';

export const DNS_STEPS = [ConfigureDnsStep];

@Module({})
export class DnsModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: DnsModule,
      imports: [CoreModule.forRuntime(runtime)],
      controllers: [DnsProcessor],
      providers: [StepRunner, DNS_PROVIDER_FACTORY, EmbeddedDnsServerLifecycle, ...DNS_STEPS],
    };
  }
}
