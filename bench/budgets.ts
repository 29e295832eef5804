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
  /**
   * With every D1 round trip delayed by an RTT (`npm run bench -- --d1-latency <ms>`), each endpoint's p50 in the API:
   * at most this factor times (its round trips x RTT + its floor's p50 at zero latency). What the API adds on top of
   * the network may grow by 30% of the floor's cost, and every round trip it makes must be one the budget allows for.
   */
  latencyFactorMax: 1.3,
} as const

/** The bundle budget in bytes (scripts/build.ts). */
export const WORKER_GZIP_BUDGET_BYTES = BUDGETS.bundleGzipKiBMax * 1024

/** The latency budget's bound for one endpoint, in ms. */
export const latencyBoundMs = (roundTrips: number, rttMs: number, floorP50AtZeroMs: number) =>
  BUDGETS.latencyFactorMax * (roundTrips * rttMs + floorP50AtZeroMs)
