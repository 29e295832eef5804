// Every performance budget of the project, in one place: bench/run.ts prints each as PASS/FAIL (never failing the
// run), and scripts/build.ts warns over the bundle budget. Change a budget here, and docs/performance.md with it.

export const BUDGETS = {
  /** Each read endpoint's rps in the API over its floor's rps, measured side by side in one run: at least this. */
  readRatioMin: 0.8,
  /** p50 of the deep page (by cursor) over p50 of the first page: at most this. */
  deepPageRatioMax: 2,
  /** p50 of the first list page with the full table (100,000 posts) over that with 1,000: at most this. */
  rowsRatioMax: 1.5,
  /** The deployable bundle after gzip, in KiB: at most this (startup CPU grows with it). */
  bundleGzipKiBMax: 200,
  /** Startup CPU of the bundle in a local workerd (`wrangler check startup`, active), in ms: at most this. */
  startupMsMax: 20,
} as const

/** The bundle budget in bytes (scripts/build.ts). */
export const WORKER_GZIP_BUDGET_BYTES = BUDGETS.bundleGzipKiBMax * 1024
