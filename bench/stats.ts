// What every benchmark reports: a percentile of sorted samples (NaN when there are none). Not a
// benchmark itself: run.ts runs only `bench*` exports.

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
