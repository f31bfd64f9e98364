import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@bf/runtime';
import { StepRunner } from '@bf/step-sdk';
import { OdooConnection } from '../../odoo/src/odoo-connection';
import { EvidencePackService } from './evidence-pack.service';
import { EvidenceProcessor } from './evidence.processor';
import { ValidateRunStep } from './validate-run.step';

@Module({})
export class EvidenceModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: EvidenceModule,
      imports: [CoreModule.forRuntime(runtime)],
      controllers: [EvidenceProcessor],
      providers: [StepRunner, OdooConnection, ValidateRunStep, EvidencePackService],
    };
  }
}
