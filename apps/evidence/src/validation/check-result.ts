/** One validation check as reported in the step result and validation_results.json. */
export interface CheckResult {
  check: string;
  /** null: skipped, because what it would check was not set up live by this run. */
  passed: boolean | null;
  skipped?: string;
  detail: Record<string, unknown> | string;
  ms: number;
}

/** Runs a check, timing it; a throw is a failed check with its message, never a crashed step. */
export async function timed(check: string, body: () => Promise<{ passed: boolean; detail: CheckResult['detail'] }>): Promise<CheckResult> {
  const started = performance.now();
  try {
    const { passed, detail } = await body();
    return { check, passed, detail, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { check, passed: false, detail: { error: (error as Error).message }, ms: Math.round(performance.now() - started) };
  }
}

export function skipped(check: string, reason: string): CheckResult {
  return { check, passed: null, skipped: reason, detail: reason, ms: 0 };
}
