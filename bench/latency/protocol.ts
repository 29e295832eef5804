// Names the latency model's two sides share: bench/run.ts (Node) sets the RTT and reads the count; the Worker entries
// (bench/latency/api.ts, floor.ts, through d1.ts) read the RTT and send the count.

/** The var (`--var BENCH_D1_RTT_MS:<ms>`) that sets the delay of every D1 round trip, in milliseconds. */
export const RTT_VAR = 'BENCH_D1_RTT_MS'
/** The response header that carries the D1 round trips the request made before its response was ready. */
export const ROUND_TRIPS_HEADER = 'X-Bench-D1-Round-Trips'
