// A worker process that crashes mid-step, for the crash-safety tests: it takes
// the next job of a queue, sends the `running` report a real worker would send,
// prints the job id, then hangs until it is SIGKILLed. Plain JavaScript so it
// runs as its own node process without a build.
// Usage: node take-job-and-hang.js REDIS_URL PREFIX QUEUE LOCK_MS
const { Queue, Worker } = require('bullmq');
const IORedis = require('ioredis');

async function main() {
  const [redisUrl, prefix, queueName, lockMs] = process.argv.slice(2);
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(queueName, null, { connection, prefix, lockDuration: Number(lockMs), autorun: false });
  let job;
  while (!job) job = await worker.getNextJob('crashing-worker', { block: true });
  const reports = new Queue('step-status', { connection, prefix });
  const { tenantId, runId, stepId, attempt } = job.data;
  await reports.add(
    'step.report',
    { status: 'running', tenantId, runId, stepId, attempt, worker: `crashing-worker@${process.pid}`, at: new Date().toISOString() },
    { jobId: `${runId}.${stepId}.a${attempt}.running`, attempts: 10, backoff: { type: 'exponential', delay: 200 } },
  );
  process.stdout.write(`taken ${job.id}\n`);
  setInterval(() => undefined, 1 << 30);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
