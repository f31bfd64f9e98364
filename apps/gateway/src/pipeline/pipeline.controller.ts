import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { BusinessIntentInputSchema, ResolvedBusinessIntent } from '@bf/contracts';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { IntentClient } from './intent.client';

/** Seed 001 routes under /api/pipeline. */
@Controller('api/pipeline')
export class PipelineController {
  constructor(private readonly intents: IntentClient) {}

  @Post('intent/resolve')
  @HttpCode(200)
  async resolveIntent(@Body() body: unknown): Promise<ResolvedBusinessIntent> {
    const input = validated(BusinessIntentInputSchema, body, 'business intent');
    return (await this.intents.resolve(requestTenant(), input)).intent;
  }
}
