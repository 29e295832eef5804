type Probe = () => Promise<void>
/** Each dependency's probe, and whether operations fail without it. */
export type Probes<Name extends string> = Record<Name, { probe: Probe; required: boolean }>

interface HealthReport<Name extends string> {
  status: 'healthy' | 'degraded' | 'unhealthy'
  timestamp: string
  checks: Record<Name, CheckResult>
}
interface CheckResult {
  healthy: boolean
  latencyMs: number
  required: boolean
  /** Why it failed: for the logs only (it may name a binding or a secret). */
  error?: string
}

const TIMEOUT_MS = 3000

async function run({ probe, required }: { probe: Probe; required: boolean }, deadline: Promise<never>): Promise<CheckResult> {
  const started = performance.now()
  try {
    await Promise.race([probe(), deadline])
    return { healthy: true, latencyMs: elapsed(started), required }
  } catch (error) {
    return { healthy: false, latencyMs: elapsed(started), required, error: error instanceof Error ? error.message : 'Check failed' }
  }
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100

/** Runs every probe at once: unhealthy when a required one failed, degraded when only others did. */
export async function getHealth<Name extends string>(probes: Probes<Name>): Promise<HealthReport<Name>> {
  const names = Object.keys(probes) as Name[]
  // One timer for all the probes (they run at once), cleared as soon as they are all answered.
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`No answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)),
  )
  deadline.catch(() => undefined)
  const results = await Promise.all(names.map((name) => run(probes[name], deadline))).finally(
    () => timer !== undefined && clearTimeout(timer),
  )
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as Record<Name, CheckResult>
  return {
    status: results.some((r) => !r.healthy && r.required) ? 'unhealthy' : results.some((r) => !r.healthy) ? 'degraded' : 'healthy',
    timestamp: new Date().toISOString(),
    checks,
  }
}
