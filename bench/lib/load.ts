// One fixed-duration closed-loop load run with autocannon, in this process. Latency percentiles come from every
// response time (autocannon's own histogram rounds to whole milliseconds, too coarse for local requests).
import autocannon from 'autocannon'
import { ROUND_TRIPS_HEADER } from '../latency/protocol'

export interface Target {
  url: string
  method: 'GET' | 'POST' | 'PATCH'
  headers?: Record<string, string>
  body?: string
  /** Requests that depend on earlier answers (a PATCH's If-Match): each request's path and headers come from here. */
  chained?: Chained
  /** The server answers with ROUND_TRIPS_HEADER (the latency model's entries): collect it. */
  roundTrips?: boolean
}

/** Hands out each request's path and extra headers, and learns from each answer (see bench/lib/patch-posts.ts). */
export interface Chained {
  next(): { path: string; headers: Record<string, string>; ticket: number }
  answered(ticket: number, status: number, headers: Record<string, string | string[]>): void
  /** The run is over: requests still out will never be answered. */
  settle(): void
}

export interface Measured {
  rps: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** The D1 round trips per request (ROUND_TRIPS_HEADER): the median, and the range when it varied. */
  roundTrips?: { p50: number; min: number; max: number }
}

function headerValue(headers: Record<string, string | string[]>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase())
  const value = key === undefined ? undefined : headers[key]
  return Array.isArray(value) ? value[0] : value
}

/** autocannon's per-request hooks for what the target needs: none for a plain target (its load stays the same). */
function hooks(target: Target, trips: number[]): Pick<autocannon.Options, 'requests'> {
  const { chained, roundTrips } = target
  if (!chained && !roundTrips) return {}
  const { url: _url, chained: _chained, roundTrips: _roundTrips, ...defaults } = target
  interface Context {
    ticket?: number
  }
  const request: autocannon.Request = {
    ...defaults,
    ...(chained
      ? {
          setupRequest: (req: autocannon.Request, context: Context) => {
            const { path, headers, ticket } = chained.next()
            context.ticket = ticket
            return { ...req, path, headers: { ...req.headers, ...headers } }
          },
        }
      : {}),
    onResponse: (status: number, _body: string, context: Context, headers: Record<string, string | string[]>) => {
      if (chained && context.ticket !== undefined) chained.answered(context.ticket, status, headers)
      const count = roundTrips ? headerValue(headers, ROUND_TRIPS_HEADER) : undefined
      if (count !== undefined) trips.push(Number(count))
    },
  } as autocannon.Request
  return { requests: [request] }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

function run(target: Target, options: { connections: number; duration?: number; amount?: number }): Promise<Run> {
  const times: number[] = []
  const trips: number[] = []
  const statuses = new Map<number, number>()
  let errors = 0
  let lastError = ''
  const started = performance.now()
  return new Promise<Run>((resolve, reject) => {
    // sampleInt: autocannon notices the end of a run on its sampling tick; 100 ms instead of 1 s keeps runs to their length.
    const { chained: _chained, roundTrips: _roundTrips, ...http } = target
    const instance = autocannon({ ...http, ...options, ...hooks(target, trips), timeout: 10, sampleInt: 100 }, (error: unknown) => {
      const seconds = (performance.now() - started) / 1000
      target.chained?.settle()
      if (error) return reject(error instanceof Error ? error : new Error(String(error)))
      const bad = [...statuses].filter(([status]) => status < 200 || status >= 300)
      // A benchmark of error answers measures nothing: stop rather than report it.
      if (bad.length > 0 || errors > 0) {
        const answered = bad.map(([status, n]) => `${n} x ${status}`).join(', ')
        return reject(new Error(`${target.method} ${target.url}: ${answered || 'no bad statuses'}; ${errors} socket errors ${lastError}`))
      }
      if (target.roundTrips && trips.length === 0)
        return reject(new Error(`${target.method} ${target.url}: no ${ROUND_TRIPS_HEADER} header`))
      resolve({ times, seconds, trips })
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
  /** ROUND_TRIPS_HEADER of each answer, when the target collects it. */
  trips: number[]
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
  const trips = runs.flatMap((r) => r.trips).sort((a, b) => a - b)
  return {
    rps: times.length / seconds,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    requests: times.length,
    ...(trips.length > 0 ? { roundTrips: { p50: percentile(trips, 50), min: trips[0] ?? 0, max: trips.at(-1) ?? 0 } } : {}),
  }
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
