// The API behind the latency model (bench/latency/d1.ts): src/index.ts's Worker with env.DB delayed and counted.
// Served by bench/run.ts as `wrangler dev bench/latency/api.ts` with the project's wrangler.toml, so it has the same
// bindings and vars as the API; only with --d1-latency, and never deployed.
import worker from '../../src/index'
import { withD1Latency } from './d1'

export default { ...worker, ...withD1Latency(worker) }
