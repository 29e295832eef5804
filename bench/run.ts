/**
 * `npm run bench [-- --quick] [-- --duration <s>] [-- --connections <n>] [-- --log-level <level>] [-- --d1-latency <ms>]`
 *
 * Serves the API (wrangler dev) on a seeded local D1 next to a floor Worker (bench/floor) that makes the same D1
 * queries and nothing else, loads each endpoint with autocannon in alternating turns (API, floor, API, floor: the
 * same noise hits both), and writes bench/results.json. Budgets (bench/budgets.ts) are reported, never enforced: only
 * a crash exits non-zero. `--duration` is the seconds of load per endpoint for the API and again for the floor
 * (default 10); `--quick` is 1 s each on 1,000 users / 5,000 posts, for CI.
 *
 * `--d1-latency <ms>` adds the latency model: a copy of the API and one of the floor, each behind a bench-only entry
 * (bench/latency/) that delays every D1 round trip by <ms> and counts them, are loaded the same way after the run
 * above; each endpoint's round trips and p50 at that latency are printed, budgeted and kept in results.json.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, platform, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { startWranglerDev, type WranglerDev } from '../scripts/lib/wrangler-dev'
import { applyLocalMigrations, projectRoot } from '../scripts/lib/wrangler'
import { floorConfig } from './lib/floor'
import { buildBundle, profileStartup, type BundleReport } from './lib/bundle'
import { compare, type Measured, type Target } from './lib/load'
import { patchPosts } from './lib/patch-posts'
import { logInBenchUser, seedD1, seedRows } from './lib/seed-data'
import { RTT_VAR } from './latency/protocol'
import { BUDGETS, latencyBoundMs } from './budgets'

interface Options {
  quick: boolean
  seconds: number
  /** Turns each endpoint's seconds are split into, alternating API and floor. */
  rounds: number
  connections: number
  logLevel: string
  users: number
  posts: number
  smallUsers: number
  smallPosts: number
  /** --d1-latency: the RTT each D1 round trip is delayed by in the latency model; undefined: no latency model. */
  d1LatencyMs: number | undefined
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick')
  const value = (flag: string) => {
    const at = argv.indexOf(flag)
    return at === -1 ? undefined : argv[at + 1]
  }
  const known = new Set(['--quick', '--duration', '--connections', '--log-level', '--d1-latency'])
  const unknown = argv.filter((arg, i) => arg.startsWith('--') && !known.has(arg) && !known.has(argv[i - 1] ?? ''))
  if (unknown.length > 0)
    throw new Error(
      `unknown option ${unknown.join(' ')}; use --quick --duration <s> --connections <n> --log-level <level> --d1-latency <ms>`,
    )
  const latency = value('--d1-latency')
  const d1LatencyMs = argv.includes('--d1-latency') ? Number(latency) : undefined
  if (d1LatencyMs !== undefined && !(Number.isFinite(d1LatencyMs) && d1LatencyMs >= 0))
    throw new Error('--d1-latency takes the milliseconds each D1 round trip is delayed by (a number >= 0)')
  // Seconds of load per endpoint for the API and again for its floor: --quick spends ~2 s on each endpoint in all.
  const seconds = Number(value('--duration') ?? (quick ? 1 : 10))
  const connections = Number(value('--connections') ?? 10)
  if (!(seconds > 0) || !Number.isInteger(connections) || connections < 1) throw new Error('--duration and --connections must be positive')
  return {
    quick,
    seconds,
    rounds: Math.max(2, Math.round(seconds / 2)),
    connections,
    // Production's level: the request log line is info, so it is off here, as it is in production.
    logLevel: value('--log-level') ?? 'warn',
    users: quick ? 1_000 : 10_000,
    posts: quick ? 5_000 : 100_000,
    smallUsers: 100,
    smallPosts: 1_000,
    d1LatencyMs,
  }
}

const PAGE_SIZE = 20

interface Endpoint {
  name: string
  kind: 'read' | 'write'
  api: Target
  floor: Target
  /** Runs just before the endpoint is loaded (the PATCH's posts are made then, after every read). */
  prepare?: () => Promise<void>
}

interface Row extends Measured {
  name: string
  kind: 'read' | 'write'
  floor: Measured
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text()
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/** Each server must serve exactly the rows seeded into its files. */
async function expectPosts(api: string, posts: number) {
  const page = await json<{ meta: { total: number } }>(await fetch(`${api}/api/posts?page=1`))
  if (page.meta.total !== posts) throw new Error(`the API at ${api} sees ${page.meta.total} posts, expected ${posts}`)
}

async function expectFloorPosts(floor: string, posts: number) {
  const page = await json<{ total?: { total: number } }>(await fetch(`${floor}/api/posts?page=1`))
  if (page.total?.total !== posts) throw new Error(`the floor at ${floor} sees ${page.total?.total} posts, expected ${posts}`)
}

/** The cursor the API hands out for `page` of /api/posts, and the keyset position inside it (for the floor). */
async function cursorFor(api: string, page: number) {
  const previous = await json<{ meta: { nextCursor: string | null } }>(await fetch(`${api}/api/posts?page=${page - 1}`))
  const cursor = previous.meta.nextCursor
  if (!cursor) throw new Error(`page ${page - 1} of /api/posts has no next cursor`)
  const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v: string; i: string }
  return { cursor, after: position.v, id: position.i }
}

/**
 * Makes `count` posts of the user's through `base`'s POST (the API's or the floor's), for the PATCH to take turns on;
 * a new post is at version 1 (the API's ETag says so too).
 */
async function makePosts(base: string, userId: string, count: number, token?: string) {
  const make = async () => {
    const response = await fetch(`${base}/api/users/${userId}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ title: 'Benchmark post to edit', body: 'Edited by bench/run.ts to measure the conditional update.' }),
    })
    const version = Number(/^"v(\d+)"$/.exec(response.headers.get('etag') ?? '')?.[1] ?? 1)
    const made = await json<{ data?: { id: string }; id?: string }>(response)
    const id = made.data?.id ?? made.id
    if (!id) throw new Error(`POST ${base}/api/users/${userId}/posts answered without an id`)
    return { id, version }
  }
  return Promise.all(Array.from({ length: count }, make))
}

function endpoints(
  api: string,
  floor: string,
  user: { id: string; token: string },
  bookmark: string,
  deepPage: number,
  deep: { cursor: string; after: string; id: string },
  connections: number,
): Endpoint[] {
  const get = (base: string, path: string, headers?: Record<string, string>): Target => ({
    url: `${base}${path}`,
    method: 'GET',
    ...(headers ? { headers } : {}),
  })
  const same = (name: string, path: string): Endpoint => ({ name, kind: 'read', api: get(api, path), floor: get(floor, path) })
  const post = (base: string, headers: Record<string, string>): Target => ({
    url: `${base}/api/users/${user.id}/posts`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ title: 'Benchmark post', body: 'Written by bench/run.ts to measure the write path.' }),
  })
  // The path is set per request (bench/lib/patch-posts.ts): each PATCH edits one of the user's posts at its last version.
  const patch = (base: string, headers: Record<string, string>): Target => ({
    url: `${base}/api/users/${user.id}/posts`,
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ title: 'Edited by the benchmark' }),
  })
  const apiPatch = patch(api, { authorization: `Bearer ${user.token}` })
  const floorPatch = patch(floor, {})
  const postPath = (postId: string) => `/api/users/${user.id}/posts/${postId}`
  return [
    same('GET /api/users/{id}', `/api/users/${user.id}`),
    // The same read with the client's bookmark, which skips the Worker cache: what a single read costs from D1.
    {
      name: 'GET /api/users/{id} (bookmark: from D1)',
      kind: 'read',
      api: get(api, `/api/users/${user.id}`, { 'x-d1-bookmark': bookmark }),
      floor: get(floor, `/api/users/${user.id}`, { 'x-d1-bookmark': bookmark }),
    },
    same('GET /api/users?page=1', '/api/users?page=1'),
    same('GET /api/posts?page=1', '/api/posts?page=1'),
    same(`GET /api/posts?page=${deepPage}`, `/api/posts?page=${deepPage}`),
    {
      name: `GET /api/posts?cursor=(page ${deepPage})`,
      kind: 'read',
      api: get(api, `/api/posts?cursor=${deep.cursor}`),
      floor: get(floor, `/api/posts?after=${encodeURIComponent(deep.after)}&id=${deep.id}`),
    },
    {
      name: 'GET /api/profile',
      kind: 'read',
      api: get(api, '/api/profile', { authorization: `Bearer ${user.token}` }),
      floor: get(floor, `/api/profile?id=${user.id}`),
    },
    same('GET /health', '/health'),
    // Last, so the rows it adds do not change what the reads above see.
    {
      name: 'POST /api/users/{id}/posts',
      kind: 'write',
      api: post(api, { authorization: `Bearer ${user.token}` }),
      floor: post(floor, {}),
    },
    {
      name: 'PATCH /api/users/{id}/posts/{postId} (If-Match)',
      kind: 'write',
      api: apiPatch,
      floor: floorPatch,
      // Twice as many posts as connections: a post is edited by one request at a time (each edit bumps its version).
      prepare: async () => {
        const [forApi, forFloor] = await Promise.all([
          makePosts(api, user.id, 2 * connections, user.token),
          makePosts(floor, user.id, 2 * connections),
        ])
        apiPatch.chained = patchPosts(postPath, forApi)
        floorPatch.chained = patchPosts(postPath, forFloor)
      },
    },
  ]
}

/** The same endpoint with the answers' D1 round-trip counts collected (the latency model's entries send them). */
const countingRoundTrips = (endpoint: Endpoint): Endpoint => {
  endpoint.api.roundTrips = true
  endpoint.floor.roundTrips = true
  return endpoint
}

interface LatencyRow {
  name: string
  api: Measured
  floor: Measured
  /** The floor's p50 for this endpoint without added latency, from the run above. */
  floorP50AtZeroMs: number
  boundMs: number
}

interface LatencyModel {
  rttMs: number
  rows: LatencyRow[]
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits

function machine(): string {
  const cpu = cpus()
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} x${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`
}

/** "1", or "1 (0-2)" when the count varied between requests (a cache that answers some of them, say). */
function trips(measured: Measured): string {
  const t = measured.roundTrips
  if (!t) return ''
  return t.min === t.max ? String(t.p50) : `${t.p50} (${t.min}-${t.max})`
}

function printTable(rows: Row[], small: Measured, smallPosts: number, latency: LatencyModel | undefined) {
  const at = latency ? ` @${latency.rttMs}` : ''
  const header = ['endpoint', 'kind', 'rps', 'p50 ms', 'p99 ms', 'floor rps', 'floor p50', 'ratio']
  // With --d1-latency: each endpoint's D1 round trips and its p50 at that RTT, the API's and the floor's.
  if (latency) header.push('D1 trips', `p50${at}`, 'floor trips', `floor p50${at}`)
  const lines = rows.map((r) => {
    const cells = [
      r.name,
      r.kind,
      r.rps.toFixed(0),
      r.p50Ms.toFixed(2),
      r.p99Ms.toFixed(2),
      r.floor.rps.toFixed(0),
      r.floor.p50Ms.toFixed(2),
      (r.rps / r.floor.rps).toFixed(2),
    ]
    const slow = latency?.rows.find((l) => l.name === r.name)
    if (latency)
      cells.push(
        ...(slow ? [trips(slow.api), slow.api.p50Ms.toFixed(2), trips(slow.floor), slow.floor.p50Ms.toFixed(2)] : ['', '', '', '']),
      )
    return cells
  })
  lines.push([
    `GET /api/posts?page=1 (${smallPosts.toLocaleString('en')} posts)`,
    'read',
    small.rps.toFixed(0),
    small.p50Ms.toFixed(2),
    small.p99Ms.toFixed(2),
    ...header.slice(5).map(() => ''),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)))
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`
  console.log(format(header))
  console.log(`|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`)
  for (const line of lines) console.log(format(line))
}

function printBudgets(
  rows: Row[],
  deepPageRatio: number,
  rowsRatio: number,
  bundle: BundleReport,
  latency: LatencyModel | undefined,
  options: Options,
) {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
  const b = BUDGETS
  console.log('\nbudgets (reported, not enforced):')
  for (const row of rows.filter((r) => r.kind === 'read')) {
    const ratio = row.rps / row.floor.rps
    console.log(
      `  ${verdict(ratio >= b.readRatioMin)}  ${row.name}: ${ratio.toFixed(2)}x floor rps (budget >= ${b.readRatioMin.toFixed(2)}x)`,
    )
  }
  console.log(
    `  ${verdict(deepPageRatio <= b.deepPageRatioMax)}  deep page (by cursor) p50 / first page p50: ${deepPageRatio.toFixed(2)}x (budget <= ${b.deepPageRatioMax}x)`,
  )
  console.log(
    `  ${verdict(rowsRatio <= b.rowsRatioMax)}  list p50 with ${options.posts.toLocaleString('en')} vs ${options.smallPosts.toLocaleString('en')} posts: ${rowsRatio.toFixed(2)}x (budget <= ${b.rowsRatioMax}x)`,
  )
  console.log(
    `  ${verdict(bundle.gzipKiB <= b.bundleGzipKiBMax)}  bundle: ${bundle.gzipKiB.toFixed(1)} KiB gzip (budget <= ${b.bundleGzipKiBMax} KiB)`,
  )
  if (bundle.startupMs === null) console.log(`  n/a   startup: not measured (${bundle.startupProblem ?? 'unknown reason'})`)
  else
    console.log(
      `  ${verdict(bundle.startupMs <= b.startupMsMax)}  startup: ${bundle.startupMs.toFixed(1)} ms active CPU (budget <= ${b.startupMsMax} ms)`,
    )
  for (const row of latency?.rows ?? []) {
    const n = row.api.roundTrips?.p50 ?? 0
    console.log(
      `  ${verdict(row.api.p50Ms <= row.boundMs)}  ${row.name} at ${latency?.rttMs} ms per D1 round trip: p50 ${row.api.p50Ms.toFixed(2)} ms (budget <= ${b.latencyFactorMax} x (${n} x ${latency?.rttMs} + ${row.floorP50AtZeroMs.toFixed(2)}) = ${row.boundMs.toFixed(2)} ms)`,
    )
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  const started = performance.now()
  const stamp = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
  const state = mkdtempSync(join(tmpdir(), 'contract-first-bench-'))
  const removeState = () => rmSync(state, { recursive: true, force: true })
  process.on('exit', removeState)
  const servers: WranglerDev[] = []
  const track = <T extends WranglerDev>(server: Promise<T>) => server.then((s) => (servers.push(s), s))
  const apiState = join(state, 'api')
  const smallState = join(state, 'api-small')
  const floorState = join(state, 'floor')
  const latencyApiState = join(state, 'api-latency')
  const latencyFloorState = join(state, 'floor-latency')
  const rttMs = options.d1LatencyMs
  // wrangler's own per-request lines would be piped into this process, the one that also runs the load.
  process.env.WRANGLER_LOG ??= 'warn'
  console.log(
    `bench: ${options.quick ? 'quick, ' : ''}${options.seconds} s per endpoint and server in ${options.rounds} turns, ${options.connections} connections, LOG_LEVEL=${options.logLevel}${rttMs === undefined ? '' : `, latency model at ${rttMs} ms per D1 round trip`}; state in ${state}`,
  )

  try {
    // The bundle builds while the data is prepared and the servers start; it is awaited below (and its error with it).
    const building = buildBundle(state)
    building.catch(() => undefined)
    await applyLocalMigrations(apiState)
    // Seeded before any server starts: one workerd per D1 file (see bench/floor/wrangler.toml). The floor gets a
    // byte-for-byte copy of the API's state, so both read the same rows through the same indexes.
    cpSync(apiState, smallState, { recursive: true })
    seedD1(apiState, seedRows(options.users, options.posts))
    seedD1(smallState, seedRows(options.smallUsers, options.smallPosts))
    cpSync(apiState, floorState, { recursive: true })
    if (rttMs !== undefined) {
      cpSync(apiState, latencyApiState, { recursive: true })
      cpSync(apiState, latencyFloorState, { recursive: true })
    }
    console.log(
      `[${stamp()}] seeded ${options.users} users and ${options.posts} posts (small copy: ${options.smallUsers} and ${options.smallPosts})`,
    )

    // RATE_LIMITS=off: a load test from one address is exactly what the limiter exists to stop (development only).
    const vars = { LOG_LEVEL: options.logLevel, RATE_LIMITS: 'off' }
    const starting = [
      startWranglerDev({ persistTo: apiState, vars }),
      startWranglerDev({ persistTo: smallState, vars }),
      startWranglerDev({ persistTo: floorState, config: floorConfig }),
    ]
    // The latency model: the same API and floor, each behind its bench entry (bench/latency/), on their own copies.
    if (rttMs !== undefined) {
      const rtt = { [RTT_VAR]: String(rttMs) }
      starting.push(
        startWranglerDev({
          persistTo: latencyApiState,
          vars: { ...vars, ...rtt },
          script: join(projectRoot, 'bench', 'latency', 'api.ts'),
        }),
        startWranglerDev({
          persistTo: latencyFloorState,
          config: floorConfig,
          vars: rtt,
          script: join(projectRoot, 'bench', 'latency', 'floor.ts'),
        }),
      )
    }
    const [api, apiSmall, floor, latencyApi, latencyFloor] = await Promise.all(starting.map(track)).catch(async (error: unknown) => {
      // Every start must settle before the finally below stops what did start: nothing is left running.
      await Promise.allSettled(starting)
      throw error
    })
    if (!api || !apiSmall || !floor) throw new Error('a server did not start')
    const built = await building
    // Profiled while the servers sit idle, so nothing competes with it for the CPU.
    const bundle: BundleReport = { ...built.report, ...(await profileStartup(state, built.bundleFile, options.quick ? 3 : 7)) }
    await Promise.all([
      expectPosts(api.baseUrl, options.posts),
      expectPosts(apiSmall.baseUrl, options.smallPosts),
      expectFloorPosts(floor.baseUrl, options.posts),
      ...(latencyApi && latencyFloor
        ? [expectPosts(latencyApi.baseUrl, options.posts), expectFloorPosts(latencyFloor.baseUrl, options.posts)]
        : []),
    ])
    console.log(
      `[${stamp()}] servers up (API ${api.baseUrl}, floor ${floor.baseUrl}); bundle ${bundle.gzipKiB.toFixed(1)} KiB gzip, startup ${bundle.startupMs?.toFixed(1) ?? 'n/a'} ms`,
    )

    const { bookmark, ...user } = await logInBenchUser(api.baseUrl)
    // The deepest page that exists, up to 2,000 (the full run's 100,000 posts have 5,000 pages of 20).
    const deepPage = Math.min(2_000, Math.ceil(options.posts / PAGE_SIZE))
    const listPath = '/api/posts?page=1'

    const rows: Row[] = []
    let small: Measured | undefined
    const deepCursor = await cursorFor(api.baseUrl, deepPage)
    for (const endpoint of endpoints(api.baseUrl, floor.baseUrl, user, bookmark, deepPage, deepCursor, options.connections)) {
      await endpoint.prepare?.()
      // The list on the small table joins its twin's turns, so the rows ratio is measured under the same noise too.
      const isList = endpoint.name === `GET ${listPath}`
      const targets = isList
        ? [endpoint.api, endpoint.floor, { ...endpoint.api, url: `${apiSmall.baseUrl}${listPath}` }]
        : [endpoint.api, endpoint.floor]
      const [measuredApi, measuredFloor, measuredSmall] = await compare(targets, options.seconds, options.connections, options.rounds)
      if (!measuredApi || !measuredFloor) throw new Error(`no measurement for ${endpoint.name}`)
      if (measuredSmall) small = measuredSmall
      rows.push({ name: endpoint.name, kind: endpoint.kind, ...measuredApi, floor: measuredFloor })
      console.log(`[${stamp()}] ${endpoint.name}: ${measuredApi.rps.toFixed(0)} rps (floor ${measuredFloor.rps.toFixed(0)})`)
    }
    const first = rows.find((r) => r.name === `GET ${listPath}`)
    const deepOffset = rows.find((r) => r.name === `GET /api/posts?page=${deepPage}`)
    const deep = rows.find((r) => r.name === `GET /api/posts?cursor=(page ${deepPage})`)
    if (!first || !deep || !deepOffset || !small) throw new Error('the list measurements are missing')

    // The latency model: every endpoint again, on the servers whose D1 round trips each wait rttMs, in the same turns.
    let latency: LatencyModel | undefined
    if (rttMs !== undefined && latencyApi && latencyFloor) {
      latency = { rttMs, rows: [] }
      // Its own login: the bookmark must be one of this copy's D1.
      const { bookmark: latencyBookmark, ...latencyUser } = await logInBenchUser(latencyApi.baseUrl)
      const slow = endpoints(
        latencyApi.baseUrl,
        latencyFloor.baseUrl,
        latencyUser,
        latencyBookmark,
        deepPage,
        deepCursor,
        options.connections,
      )
      for (const endpoint of slow.map(countingRoundTrips)) {
        await endpoint.prepare?.()
        const [measuredApi, measuredFloor] = await compare(
          [endpoint.api, endpoint.floor],
          options.seconds,
          options.connections,
          options.rounds,
        )
        const atZero = rows.find((r) => r.name === endpoint.name)
        if (!measuredApi || !measuredFloor || !atZero) throw new Error(`no measurement for ${endpoint.name} at ${rttMs} ms`)
        const boundMs = latencyBoundMs(measuredApi.roundTrips?.p50 ?? 0, rttMs, atZero.floor.p50Ms)
        latency.rows.push({ name: endpoint.name, api: measuredApi, floor: measuredFloor, floorP50AtZeroMs: atZero.floor.p50Ms, boundMs })
        console.log(
          `[${stamp()}] ${endpoint.name} at ${rttMs} ms: ${trips(measuredApi)} round trips, p50 ${measuredApi.p50Ms.toFixed(1)} ms (floor ${trips(measuredFloor)}, ${measuredFloor.p50Ms.toFixed(1)} ms)`,
        )
      }
    }

    // Both ratios compare p50 latency (the same statistic each time), under the same connection count.
    // The budget's deep page is the cursor's (the keyset alternative the issue allows); the offset one is reported too.
    const deepPageRatio = deep.p50Ms / first.p50Ms
    const offsetDeepPageRatio = deepOffset.p50Ms / first.p50Ms
    const rowsRatio = first.p50Ms / small.p50Ms
    const results = {
      endpoints: rows.map((r) => ({
        name: r.name,
        kind: r.kind,
        rps: round(r.rps, 1),
        p50Ms: round(r.p50Ms, 2),
        p99Ms: round(r.p99Ms, 2),
        floorRps: round(r.floor.rps, 1),
        ratio: round(r.rps / r.floor.rps, 3),
      })),
      deepPageRatio: round(deepPageRatio, 3),
      offsetDeepPageRatio: round(offsetDeepPageRatio, 3),
      rows100kVs1kRatio: round(rowsRatio, 3),
      bundleGzipKiB: round(bundle.gzipKiB, 1),
      startupMs: bundle.startupMs === null ? null : round(bundle.startupMs, 1),
      ...(latency
        ? {
            latencyModel: {
              d1RttMs: latency.rttMs,
              endpoints: latency.rows.map((r) => ({
                name: r.name,
                roundTrips: r.api.roundTrips?.p50 ?? 0,
                p50Ms: round(r.api.p50Ms, 2),
                floorRoundTrips: r.floor.roundTrips?.p50 ?? 0,
                floorP50Ms: round(r.floor.p50Ms, 2),
                budgetMs: round(r.boundMs, 2),
              })),
            },
          }
        : {}),
      machine: machine(),
      date: new Date().toISOString(),
    }
    writeFileSync(join(projectRoot, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)

    const count = (n: number) => n.toLocaleString('en')
    console.log(
      `\n${count(options.users)} users, ${count(options.posts)} posts; ${options.seconds} s per endpoint and server (${options.rounds} alternating turns), ${options.connections} connections, LOG_LEVEL=${options.logLevel}\n`,
    )
    printTable(rows, small, options.smallPosts, latency)
    console.log(`\ndeepPageRatio (p50 page ${deepPage} by cursor / p50 page 1): ${deepPageRatio.toFixed(2)}`)
    console.log(`offsetDeepPageRatio (p50 ?page=${deepPage} / p50 page 1): ${offsetDeepPageRatio.toFixed(2)}`)
    console.log(
      `rows100kVs1kRatio (p50 page 1 with ${count(options.posts)} / with ${count(options.smallPosts)} posts): ${rowsRatio.toFixed(2)}`,
    )
    const parts = bundle.contributors.slice(0, 6).map((c) => `${c.name} ${c.kib.toFixed(0)}`)
    console.log(
      `bundle: ${bundle.gzipKiB.toFixed(1)} KiB gzip, ${bundle.rawKiB.toFixed(0)} KiB raw; largest parts (raw KiB): ${parts.join(', ')}`,
    )
    if (latency)
      console.log(
        `latency model: every D1 round trip of the API and of the floor delayed ${latency.rttMs} ms (bench/latency/); D1 trips per request are medians, with the range when they varied`,
      )
    printBudgets(rows, deepPageRatio, rowsRatio, bundle, latency, options)
    console.log(`\nwrote bench/results.json in ${stamp()}`)
  } catch (error) {
    for (const server of servers) console.error(`--- ${server.baseUrl}, last output:\n${server.output().slice(-3_000)}`)
    throw error
  } finally {
    await Promise.allSettled(servers.map((server) => server.stop()))
    removeState()
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  process.exitCode = 1
})
