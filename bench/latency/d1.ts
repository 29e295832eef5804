// The benchmark's latency model (npm run bench -- --d1-latency <ms>), Worker side: a D1 binding, and every session
// opened on it (withSession), whose round trips each wait the given RTT before they run, and are counted. The API's
// and the floor's bench entries (api.ts, floor.ts) apply it alike. Local only, never deployed.
//
// One round trip, as tests/worker/round-trips.test.ts counts them: each executed statement (first, all, run, raw),
// each batch however many statements it holds, each exec. prepare() and bind() reach no database.
import { AsyncLocalStorage } from 'node:async_hooks'
import { afterResponse } from '../../src/runtime/afterwards'
import { ROUND_TRIPS_HEADER, RTT_VAR } from './protocol'

const EXECUTES = new Set<PropertyKey>(['first', 'all', 'run', 'raw'])

type D1 = D1Database | D1DatabaseSession

/** One request's count; closed once its response is ready, so later work (ctx.waitUntil) is not counted either. */
interface Trips {
  count: number
  open: boolean
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * `db` with each round trip delayed by `rttMs` and counted for the request it was made in. The request is found
 * through AsyncLocalStorage, so one wrapped binding serves every request: the env object the Worker sees stays the
 * same across requests, as it does in production (the API caches its validated config and services per env object).
 */
export function delayedD1<T extends D1>(db: T, rttMs: number, current: () => Trips | undefined): T {
  // The runtime's batch() needs its own statement objects: remember which real statement each wrapper stands for.
  const unwrapped = new WeakMap<object, D1PreparedStatement>()

  const roundTrip = async <R>(run: () => Promise<R>): Promise<R> => {
    const trips = current()
    // Work after the answer (the API's runAfterResponse) is not on the client's path, even when it starts before the
    // response is ready.
    if (trips?.open && !afterResponse.getStore()) trips.count += 1
    if (rttMs > 0) await sleep(rttMs)
    return run()
  }

  const statement = (real: D1PreparedStatement): D1PreparedStatement => {
    const wrapper = new Proxy(real, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        if (property === 'bind') return (...values: unknown[]) => statement(target.bind(...values))
        if (!EXECUTES.has(property)) return value.bind(target)
        return (...args: unknown[]) => roundTrip(() => Reflect.apply(value, target, args) as Promise<unknown>)
      },
    })
    unwrapped.set(wrapper, real)
    return wrapper
  }

  const wrap = <U extends D1>(target: U): U =>
    new Proxy(target, {
      get(real, property) {
        switch (property) {
          case 'withSession':
            return 'withSession' in real ? (constraint?: string) => wrap(real.withSession(constraint)) : undefined
          case 'prepare':
            return (sql: string) => statement(real.prepare(sql))
          case 'batch':
            return <R>(statements: D1PreparedStatement[]) => roundTrip(() => real.batch<R>(statements.map((s) => unwrapped.get(s) ?? s)))
          case 'exec':
            return 'exec' in real ? (sql: string) => roundTrip(() => real.exec(sql)) : undefined
          default: {
            const value: unknown = Reflect.get(real, property, real)
            return typeof value === 'function' ? value.bind(real) : value
          }
        }
      },
    })

  return wrap(db)
}

interface Handler<E> {
  fetch(request: Request, env: E, ctx: ExecutionContext): Response | Promise<Response>
}

/**
 * A Worker's fetch handler behind the latency model: env.DB delayed by the RTT in env[RTT_VAR], and each response
 * carrying its request's round trips in ROUND_TRIPS_HEADER. The env the handler gets is built once per env object.
 */
export function withD1Latency<E extends { DB: D1Database }>(handler: Handler<E>): Handler<E> {
  const requests = new AsyncLocalStorage<Trips>()
  const envs = new WeakMap<object, E>()

  const delayedEnv = (env: E): E => {
    let found = envs.get(env)
    if (!found) {
      const rttMs = Number((env as Record<string, unknown>)[RTT_VAR] ?? 0)
      if (!(rttMs >= 0)) throw new Error(`${RTT_VAR} must be a number of milliseconds >= 0`)
      envs.set(env, (found = { ...env, DB: delayedD1(env.DB, rttMs, () => requests.getStore()) }))
    }
    return found
  }

  return {
    async fetch(request, env, ctx) {
      const trips: Trips = { count: 0, open: true }
      const response = await requests.run(trips, () => handler.fetch(request, delayedEnv(env), ctx))
      trips.open = false
      // A copy: the handler's response may have immutable headers (one from the Cache API, say).
      const counted = new Response(response.body, response)
      counted.headers.set(ROUND_TRIPS_HEADER, String(trips.count))
      return counted
    },
  }
}
