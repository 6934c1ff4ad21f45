// Types of scripts/test-summary.mjs (plain JavaScript: `npm test` runs it without a compiler).
export interface StepCount {
  step: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Tests (or whole files) that should have run and did not, by name; counted in `failed`. */
  notRun: string[];
  /** Why, where the runner said: its first error line, or that it wrote no report. */
  problem: string;
}
export declare function countVitest(report: unknown, listed: { file: string }[] | null, root: string): StepCount;
export declare function countPlaywright(report: unknown, listed: unknown): StepCount;
export declare function summaryLines(
  steps: [string, boolean][],
  counts: StepCount[],
  options?: { maxNames?: number; allNamesIn?: string },
): { lines: string[]; ok: boolean };
