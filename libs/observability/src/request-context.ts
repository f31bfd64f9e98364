import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What travels with one unit of work (an HTTP request, or a job) through every
 * await: today only the correlation id. Log lines (logger mixin), jobs enqueued
 * (JobProducer), run rows and audit events read it from here, so no call site
 * passes it along by hand.
 */
export interface RequestContext {
  correlationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** What a correlation id taken from outside may look like: short, and harmless in logs, headers and SQL text. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function isSafeCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID_PATTERN.test(value);
}

export function newCorrelationId(): string {
  return randomUUID();
}

/** The correlation id of the work in progress, if it has one. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs `work` in a context of its own, carrying `correlationId` (none if undefined). */
export function runWithCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  return storage.run({ correlationId }, work);
}

/**
 * Gives the current context a correlation id when it has none yet (a job
 * enqueued before correlation ids existed takes its run's). Never replaces
 * one, and does nothing outside a context. Returns the id now in effect.
 */
export function adoptCorrelationId(correlationId: string | null | undefined): string | undefined {
  const context = storage.getStore();
  if (context && !context.correlationId && correlationId) context.correlationId = correlationId;
  return context?.correlationId;
}
