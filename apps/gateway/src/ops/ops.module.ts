import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DependencyIndicators } from '@bf/runtime';
import { HealthService } from './health.service';
import { OpsController } from './ops.controller';
import { QueueDepthCollector } from './queue-depth.collector';

/** Health (terminus), metrics and the queue-depth gauges of the gateway. */
@Module({
  // Terminus would log every failing check as an error; the readiness answer says what failed, and probes come every few seconds.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [OpsController],
  providers: [DependencyIndicators, HealthService, QueueDepthCollector],
})
export class OpsModule {}
