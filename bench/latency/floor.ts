// The floor behind the latency model (bench/latency/d1.ts): bench/floor's Worker with env.DB delayed and counted,
// exactly as bench/latency/api.ts does to the API. Served with bench/floor/wrangler.toml; only with --d1-latency.
import app from '../floor/index'
import { withD1Latency } from './d1'

export default withD1Latency(app)
