// The nested tool packages (tools/<name>/, each with its own pinned package-lock.json): installed on first use, so the
// root install stays lean and CI, which starts from a clean clone, gets them with the scripts that need them.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { projectRoot } from './wrangler'

export const toolsDir = (name: string) => join(projectRoot, 'tools', name)

/** PATH with this Node (24, from the root devDependency) and the root's bins first, so `#!/usr/bin/env node` finds them. */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = [dirname(process.execPath), join(projectRoot, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter)
  return { ...process.env, PATH: path, NO_COLOR: '1', FORCE_COLOR: '0', ...extra }
}

export interface RunResult {
  code: number | null
  output: string
  ms: number
}

/** Runs a command to completion (no shell), collecting stdout and stderr together. Never rejects on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  return new Promise<RunResult>((resolve) => {
    const started = performance.now()
    const child = spawn(command, args, {
      cwd: options.cwd ?? projectRoot,
      env: options.env ?? toolEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    })
    let output = ''
    const keep = (chunk: Buffer) => (output += chunk.toString())
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    child.on('error', (error) => (output += `\n${error.message}`))
    child.on('close', (code, signal) => {
      if (signal) output += `\nkilled by ${signal}`
      resolve({ code, output, ms: performance.now() - started })
    })
  })
}

/**
 * `npm ci --prefix tools/<name>` when tools/<name>/node_modules is missing or older than the package-lock.json
 * (npm ci writes node_modules/.package-lock.json). Quiet unless it fails.
 */
export async function ensureTool(name: string): Promise<void> {
  const dir = toolsDir(name)
  const installed = join(dir, 'node_modules', '.package-lock.json')
  const lock = join(dir, 'package-lock.json')
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return
  const npm = process.env.npm_execpath && existsSync(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm']
  const [command = 'npm', ...prefix] = npm
  const result = await run(command, [...prefix, 'ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], {
    timeoutMs: 600_000,
  })
  if (result.code !== 0) throw new Error(`npm ci --prefix tools/${name} failed (exit ${result.code}):\n${result.output}`)
}

/** The version in node_modules/<pkg>/package.json under `base` (a tools/<name> folder or the project root). */
export function installedVersion(base: string, pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(base, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: unknown }
  return typeof manifest.version === 'string' ? manifest.version : 'unknown'
}
