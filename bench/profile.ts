/**
 * `npm run bench:profile -- [--path /api/posts?page=1] [--seconds 5] [--token] [--floor]`
 *
 * Where the API's CPU goes: serves the API (wrangler dev) on a seeded local D1, takes a V8 CPU profile of the Worker
 * through its DevTools inspector while autocannon loads one endpoint, and prints self time by package (through the
 * bundle's source map) and the hottest functions. The figures bench/run.ts cannot give: it says how much, this says why.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startWranglerDev } from '../scripts/lib/wrangler-dev'
import { applyLocalMigrations, projectRoot } from '../scripts/lib/wrangler'
import { floorConfig } from './lib/floor'
import { loadSourceMap, owner, sourceAt, type SourceMap } from './lib/bundle'
import { logInBenchUser, seedD1, seedRows } from './lib/seed-data'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame }>
  samples: number[]
  timeDeltas: number[]
}

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag)
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback)
}

/** A DevTools protocol session over the inspector's WebSocket. */
async function inspector(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Array<{ webSocketDebuggerUrl: string }>
  if (!target) throw new Error('the inspector lists no Worker')
  // The inspector proxy only lets local origins in; Node's WebSocket sends none unless told (undici's headers option).
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { origin: 'http://127.0.0.1' } } as unknown as string[])
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true })
    socket.addEventListener('error', reject, { once: true })
  })
  let next = 0
  const waiting = new Map<number, (result: unknown) => void>()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) waiting.get(message.id)?.(message.result)
  })
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        next += 1
        waiting.set(next, resolve as (result: unknown) => void)
        socket.send(JSON.stringify({ id: next, method, params }))
      }),
    close: () => socket.close(),
  }
}

/** The newest bundle wrangler dev wrote (.wrangler/tmp/dev-* beside the wrangler.toml it served), with its source map. */
function devBundleMap(floor: boolean): SourceMap {
  const tmp = join(projectRoot, ...(floor ? ['bench', 'floor'] : []), '.wrangler', 'tmp')
  const dirs = readdirSync(tmp)
    .filter((d) => d.startsWith('dev-'))
    .map((d) => join(tmp, d))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  for (const dir of dirs) {
    const map = join(dir, 'index.js.map')
    try {
      return loadSourceMap(readFileSync(map, 'utf8'))
    } catch {
      // not this one
    }
  }
  throw new Error(`no source map under ${tmp}`)
}

async function main() {
  const path = option('--path', '/api/posts?page=1')
  const seconds = Number(option('--seconds', '5'))
  const state = mkdtempSync(join(tmpdir(), 'contract-first-profile-'))
  try {
    await applyLocalMigrations(state)
    seedD1(state, seedRows(1_000, 5_000))
    // --floor profiles the floor Worker (bench/floor) on the same data instead, for a side-by-side reading.
    const floor = process.argv.includes('--floor')
    const api = floor
      ? await startWranglerDev({ persistTo: state, config: floorConfig })
      : await startWranglerDev({ persistTo: state, vars: { RATE_LIMITS: 'off', LOG_LEVEL: 'warn' } })
    try {
      const headers: Record<string, string> = {}
      if (process.argv.includes('--token') && !floor) {
        headers.authorization = `Bearer ${(await logInBenchUser(api.baseUrl)).token}`
      }
      const url = `${api.baseUrl}${path}`
      await autocannon({ url, headers, connections: 10, amount: 200 })
      const devtools = await inspector(api.inspectorPort)
      await devtools.send('Profiler.enable')
      await devtools.send('Profiler.setSamplingInterval', { interval: 100 })
      await devtools.send('Profiler.start')
      const load = await autocannon({ url, headers, connections: 10, duration: seconds })
      const { profile } = await devtools.send<{ profile: Profile }>('Profiler.stop')
      devtools.close()

      const map = devBundleMap(floor)
      const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
      const selfUs = new Map<number, number>()
      profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
      const requests = load.requests.total
      const byOwner = new Map<string, number>()
      const byFunction = new Map<string, number>()
      for (const [id, us] of selfUs) {
        const frame = byId.get(id)
        if (!frame) continue
        const source = frame.url.includes('index.js') ? sourceAt(map, frame.lineNumber, frame.columnNumber) : undefined
        const who = source ? owner(source) : frame.url ? `(runtime) ${frame.url.split('/').pop()}` : `(${frame.functionName || 'native'})`
        byOwner.set(who, (byOwner.get(who) ?? 0) + us)
        const name = `${frame.functionName || '(anonymous)'}  ${source ? source.replace(/^.*node_modules\//, '') : who}:${frame.lineNumber + 1}`
        byFunction.set(name, (byFunction.get(name) ?? 0) + us)
      }
      const total = [...selfUs.values()].reduce((a, b) => a + b, 0)
      const idle = [...selfUs].filter(([id]) => byId.get(id)?.functionName === '(idle)').reduce((a, [, us]) => a + us, 0)
      console.log(
        `\n${path}: ${requests} requests in ${seconds} s (${(requests / seconds).toFixed(0)} rps); busy (not idle) ${((total - idle) / requests).toFixed(0)} µs of CPU per request`,
      )
      const show = (title: string, rows: Map<string, number>, n: number) => {
        console.log(`\n${title} (µs of CPU per request, self time)`)
        for (const [name, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, n))
          console.log(`  ${(us / requests).toFixed(1).padStart(8)}  ${name}`)
      }
      show('by package', byOwner, 15)
      show('hottest functions', byFunction, Number(option('--top', '25')))
    } finally {
      await api.stop()
    }
  } finally {
    rmSync(state, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
