import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { ALL_QUEUES } from '@bf/contracts';
import { JobProducer } from '@bf/queue';

export const BULL_BOARD_PATH = '/admin/queues';

/** Mounts Bull Board for every queue in the catalogue, for queue operations (retry, inspect, clean). */
export function mountBullBoard(app: INestApplication, producer: JobProducer): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: ALL_QUEUES.map((name) => new BullMQAdapter(producer.queue(name))), serverAdapter });
  app.use(BULL_BOARD_PATH, serverAdapter.getRouter());
}
