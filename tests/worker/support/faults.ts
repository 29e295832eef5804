// Faults of the platform, injected around the Worker's bindings as an operator's wrapper would: a D1 round trip that
// fails before it runs, or after it committed (the answer lost on the way back), or is slow; and bindings that throw.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { createApp } from '../../../src/app'
import { afterResponse } from '../../../src/runtime/afterwards'
import { interceptD1 } from './d1-proxy'

export type Fault = 'before' | 'after' | 'slow'

/** What D1 says when its connection drops; a write it says this of may have committed (D1 does not retry writes). */
export const LOST = 'D1_ERROR: Network connection lost.'

const EXECUTES = new Set<PropertyKey>(['first', 'all', 'run', 'raw'])

export interface Trip {
  index: number
  /** The statement (or `batch of n`), for messages. */
  what: string
  /** Made by work after the answer (inside runAfterResponse), which the client does not wait for. */
  afterResponse: boolean
  fault?: Fault
}

/**
 * A D1 binding whose round trips (an executed statement, or a batch however many statements) are numbered from 0, and
 * each failed as `plan` says. Work after the answer (waitUntil) is numbered too, marked `afterResponse`.
 */
export function faultyD1(plan: (trip: number) => Fault | undefined, db: D1Database = env.DB) {
  const trips: Trip[] = []
  const unwrapped = new WeakMap<object, D1PreparedStatement>()

  async function trip<T>(what: string, run: () => Promise<T>): Promise<T> {
    const index = trips.length
    const fault = plan(index)
    trips.push({ index, what, afterResponse: afterResponse.getStore() === true, ...(fault ? { fault } : {}) })
    if (fault === 'before') throw new Error(LOST)
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, 25))
    const result = await run()
    if (fault === 'after') throw new Error(LOST)
    return result
  }

  // The runtime's batch() needs its own statement objects, so remember which real statement each wrapper stands for.
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapper = new Proxy(statement, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values), sql)
        if (!EXECUTES.has(property)) return value.bind(target)
        return (...args: unknown[]) => trip(`${String(property)}: ${sql}`, () => Reflect.apply(value, target, args) as Promise<unknown>)
      },
    })
    unwrapped.set(wrapper, statement)
    return wrapper
  }

  // The app reads and writes through a D1 session (withSession), which interceptD1 wraps the same way.
  const binding = interceptD1(db, (target) => ({
    prepare: (sql: string) => wrap(target.prepare(sql), sql),
    batch: <T>(statements: D1PreparedStatement[]) =>
      trip(`batch of ${statements.length}`, () => target.batch<T>(statements.map((s) => unwrapped.get(s) ?? s))),
    ...('exec' in target ? { exec: (sql: string) => trip(`exec: ${sql}`, () => target.exec(sql)) } : {}),
  }))
  return { binding, trips }
}

/** A random plan: each trip fails with probability `rate`, half of those after they committed. */
export function randomFaults(rate: number, random: () => number = Math.random): (trip: number) => Fault | undefined {
  return () => {
    const roll = random()
    if (roll >= rate) return undefined
    return roll < rate / 2 ? 'before' : 'after'
  }
}

/** A rate limiting binding that throws on every call. */
export const brokenLimiter: RateLimit = { limit: () => Promise.reject(new Error('Rate limiting binding unavailable')) }

const app = createApp()

/** One request through the Worker's app with these bindings replaced, waiting for its work after the answer too. */
export async function sendWith(request: Request, bindings: Partial<Env> & Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await app.request(request, undefined, { ...env, ...bindings }, ctx)
  // The body is read before waiting, as a client would; the answer is handed back whole.
  const body = await response.arrayBuffer()
  await waitOnExecutionContext(ctx)
  return new Response(response.status === 204 || response.status === 304 ? null : body, response)
}
