// Starts `wrangler dev` on a free port with its own local D1 state, for the browser test, the smoke script and the benchmark.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { isAbsolute, join } from 'node:path'
import { applyLocalMigrations, projectRoot, wranglerBin, wranglerEnv } from './wrangler'

export interface WranglerDevOptions {
  /** Local state dir (D1 and friends), relative to the project root; keeps this server apart from `npm run dev`. */
  persistTo: string
  /** Defaults to a free port. */
  port?: number
  /** How long to wait for GET /health to answer 200. */
  timeoutMs?: number
  /** Overrides of [vars] from wrangler.toml, e.g. { LOG_LEVEL: 'error' }. */
  vars?: Record<string, string>
  /** Another Worker's wrangler.toml (the benchmark's floor); defaults to the project's. */
  config?: string
  /** An entry point other than the config's `main`, with the config's bindings (the benchmark's latency model). */
  script?: string
}

export interface WranglerDev {
  baseUrl: string
  /** The DevTools inspector of the Worker (CPU profiles: bench/profile.ts). */
  inspectorPort: number
  /** wrangler's output so far (for diagnostics). */
  output(): string
  /** Stops wrangler and every process it started (workerd included). Safe to call twice. */
  stop(): Promise<void>
}

/** Listens on 127.0.0.1:`port` (0: any) and closes again, so the port is known to be free; rejects when it is taken. */
function claimPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const claimed = typeof address === 'object' && address ? address.port : 0
      server.close(() => (claimed ? resolve(claimed) : reject(new Error('could not find a free port'))))
    })
  })
}

export const freePort = () => claimPort(0)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const persistTo = isAbsolute(options.persistTo) ? options.persistTo : join(projectRoot, options.persistTo)
  const timeoutMs = options.timeoutMs ?? 90_000
  // The Worker needs the JWT_SECRET that .dev.vars provides (wrangler itself only warns); the script creates it when missing.
  await import('../ensure-dev-vars')
  await applyLocalMigrations(persistTo)

  // A busy port would have /health answered by whatever already listens there, passing for a start.
  const port = await claimPort(options.port ?? 0).catch((error: unknown) => {
    throw new Error(`cannot start wrangler dev on port ${options.port}: ${error instanceof Error ? error.message : String(error)}`)
  })
  // Another wrangler dev (npm run dev) may already hold the default inspector port 9229.
  const inspectorPort = await freePort()
  const vars = Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`])
  const config = options.config ? ['--config', options.config] : []
  const args = [
    'dev',
    ...(options.script ? [options.script] : []),
    ...config,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    ...vars,
  ]
  // detached: wrangler leads its own process group, so stop() can kill workerd with it and Ctrl-C of ours does not race it.
  const child = spawn(wranglerBin, args, { cwd: projectRoot, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const pid = child.pid
  if (pid === undefined) throw new Error('wrangler dev did not start')

  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exitCode: number | null | undefined
  child.on('exit', (code) => (exitCode = code))

  const killNow = () => signalGroup(pid, 'SIGKILL')
  const onSignal = () => {
    killNow()
    process.exit(130)
  }
  process.on('exit', killNow)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)

  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= (async () => {
      signalGroup(pid, 'SIGTERM')
      for (let waited = 0; groupAlive(pid) && waited < 5_000; waited += 100) await sleep(100)
      killNow()
      for (let waited = 0; groupAlive(pid) && waited < 2_000; waited += 50) await sleep(50)
      process.off('exit', killNow)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    })())

  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  let lastProblem = 'no answer yet'
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      await stop()
      throw new Error(`wrangler dev exited with ${exitCode} before /health answered. Its output:\n${output}`)
    }
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) })
      await response.body?.cancel()
      if (response.status === 200) return { baseUrl, inspectorPort, output: () => output, stop }
      lastProblem = `GET /health answered ${response.status}`
    } catch (error) {
      // fetch keeps the reason (ECONNREFUSED, ...) in `cause`.
      lastProblem =
        error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error)
    }
    await sleep(250)
  }
  await stop()
  throw new Error(
    `wrangler dev on ${baseUrl} did not answer GET /health with 200 within ${timeoutMs} ms (${lastProblem}). Its output:\n${output}`,
  )
}
