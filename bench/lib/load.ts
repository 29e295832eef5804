// One fixed-duration closed-loop load run with autocannon, in this process. Latency percentiles come from every
// response time (autocannon's own histogram rounds to whole milliseconds, too coarse for local requests).
import autocannon from 'autocannon'

export interface Target {
  url: string
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

export interface Measured {
  rps: number
  p50Ms: number
  p99Ms: number
  requests: number
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

function run(target: Target, options: { connections: number; duration?: number; amount?: number }): Promise<Run> {
  const times: number[] = []
  const statuses = new Map<number, number>()
  let errors = 0
  let lastError = ''
  const started = performance.now()
  return new Promise<Run>((resolve, reject) => {
    // sampleInt: autocannon notices the end of a run on its sampling tick; 100 ms instead of 1 s keeps runs to their length.
    const instance = autocannon({ ...target, ...options, timeout: 10, sampleInt: 100 }, (error: unknown) => {
      const seconds = (performance.now() - started) / 1000
      if (error) return reject(error instanceof Error ? error : new Error(String(error)))
      const bad = [...statuses].filter(([status]) => status < 200 || status >= 300)
      // A benchmark of error answers measures nothing: stop rather than report it.
      if (bad.length > 0 || errors > 0) {
        const answered = bad.map(([status, n]) => `${n} x ${status}`).join(', ')
        return reject(new Error(`${target.method} ${target.url}: ${answered || 'no bad statuses'}; ${errors} socket errors ${lastError}`))
      }
      resolve({ times, seconds })
    })
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime)
    })
    instance.on('reqError', (error: unknown) => {
      errors += 1
      lastError = error instanceof Error ? `(${error.message})` : ''
    })
  })
}

export interface Run {
  times: number[]
  seconds: number
}

/** A few requests per connection first: connections, the D1 page cache and the JIT warm up outside the figures. */
export async function warmUp(target: Target, connections: number) {
  await run(target, { connections, amount: connections * 3 })
}

export const loadFor = (target: Target, seconds: number, connections: number): Promise<Run> =>
  run(target, { connections, duration: seconds })

/** Pools several runs of one target: rps over their summed time, percentiles over all their responses. */
export function summarize(runs: Run[]): Measured {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b)
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0)
  return { rps: times.length / seconds, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), requests: times.length }
}

/**
 * Loads the targets in turns (A, B, A, B, ...), `seconds` in all for each, so a burst of noise from the rest of the
 * machine lands on all of them alike rather than on whichever happened to be running.
 */
export async function compare(targets: Target[], seconds: number, connections: number, rounds: number): Promise<Measured[]> {
  for (const target of targets) await warmUp(target, connections)
  const runs = targets.map((): Run[] => [])
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, target] of targets.entries()) runs[i]?.push(await loadFor(target, seconds / rounds, connections))
  }
  return runs.map(summarize)
}
