import { VerificationCheck } from './types';

/** Collects check outcomes in the order they were made, so a report reads top to bottom. */
export class CheckList {
  private readonly items: VerificationCheck[] = [];

  pass(check: string, detail: string, file?: string): void {
    this.items.push({ check, passed: true, detail, ...(file ? { file } : {}) });
  }

  fail(check: string, detail: string, file?: string): void {
    this.items.push({ check, passed: false, detail, ...(file ? { file } : {}) });
  }

  get all(): VerificationCheck[] {
    return [...this.items];
  }

  get passed(): boolean {
    return this.items.length > 0 && this.items.every((item) => item.passed);
  }
}
