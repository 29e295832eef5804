// Starts `wrangler dev` for the floor Worker (bench/floor/wrangler.toml) on the API's persisted state dir.
// scripts/lib/wrangler-dev.ts always serves the project's own wrangler.toml, so the floor needs its own starter.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../../scripts/lib/wrangler-dev'
import { projectRoot, wranglerBin, wranglerEnv } from '../../scripts/lib/wrangler'

export interface Server {
  baseUrl: string
  inspectorPort: number
  /** wrangler's recent output, for diagnostics. */
  output(): string
  stop(): Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Signals wrangler's process group; signal 0 only asks whether it is still alive. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/** wrangler dev holds requests while the Worker loads, so a slow start shows up as a timeout here. */
async function answersReady(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/__ready`, { signal: AbortSignal.timeout(2_000) })
    return (await response.text()) === 'ok'
  } catch {
    return false
  }
}

export async function startFloor(persistTo: string, timeoutMs = 90_000): Promise<Server> {
  const port = await freePort()
  const inspectorPort = await freePort()
  const config = join(projectRoot, 'bench', 'floor', 'wrangler.toml')
  const args = ['dev', '--config', config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)]
  args.push('--persist-to', persistTo, '--show-interactive-dev-session=false')
  // detached: wrangler leads its own process group, so stopping it stops its workerd too.
  const child = spawn(wranglerBin, args, { cwd: projectRoot, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const pid = child.pid
  if (pid === undefined) throw new Error('the floor wrangler dev did not start')
  let output = ''
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000))
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited = false
  child.on('exit', () => (exited = true))

  const kill = () => signalGroup(pid, 'SIGKILL')
  process.on('exit', kill)
  const stop = async () => {
    signalGroup(pid, 'SIGTERM')
    for (let waited = 0; signalGroup(pid, 0) && waited < 5_000; waited += 100) await sleep(100)
    kill()
    process.off('exit', kill)
  }

  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && !exited) {
    if (await answersReady(baseUrl)) return { baseUrl, inspectorPort, output: () => output, stop }
    await sleep(250)
  }
  await stop()
  throw new Error(`the floor Worker did not start within ${timeoutMs} ms. Its output:\n${output}`)
}
