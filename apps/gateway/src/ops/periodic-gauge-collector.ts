import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';

const COLLECT_EVERY_MS = 5000;

/**
 * Fills gauges on a timer rather than at scrape time: a slow Redis or database
 * must not make /metrics slow. Collects once at start, then every few seconds;
 * a failed collection keeps the last values (the next tick tries again). Every
 * gateway replica reports the same values, so dashboards use max().
 */
export abstract class PeriodicGaugeCollector implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  abstract collect(): Promise<void>;

  onModuleInit(): void {
    this.timer = setInterval(() => void this.collect().catch(() => undefined), COLLECT_EVERY_MS);
    this.timer.unref();
    void this.collect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
