/** Small helpers shared by the benchmarks: percentiles and JSON-line output. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
export const round3 = (value: number) => Math.round(value * 1000) / 1000;

export function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Runs `total` tasks with at most `inFlight` at once; returns wall seconds and each task's value. */
export async function runConcurrently<T>(total: number, inFlight: number, task: () => Promise<T>): Promise<{ seconds: number; values: T[] }> {
  const values: T[] = [];
  let started = 0;
  const began = performance.now();
  const lane = async () => {
    while (started < total) {
      started++;
      values.push(await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return { seconds: (performance.now() - began) / 1000, values };
}
