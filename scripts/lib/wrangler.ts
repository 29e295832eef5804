// Runs the project's own wrangler (node_modules/.bin) so a global install or a global Node 20 is never picked up.
import { spawn } from 'node:child_process'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))
const binDir = join(projectRoot, 'node_modules', '.bin')
export const wranglerBin = join(binDir, 'wrangler')

/**
 * The environment for a wrangler child: local bins first (its `#!/usr/bin/env node` must find Node 24), no prompts,
 * no metrics, and no fetch of the `Request.cf` sample from workers.cloudflare.com (local runs need no internet).
 */
export function wranglerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
  }
}

/** Runs `wrangler <args>` to completion; resolves with its output, rejects with that output when it fails. */
export function runWrangler(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(wranglerBin, args, { cwd: projectRoot, env: wranglerEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(output)
      else reject(new Error(`wrangler ${args.join(' ')} exited with ${code}:\n${output}`))
    })
  })
}

/** Applies migrations/ to the local D1 in `persistTo` (wrangler's default state dir when omitted). */
export function applyLocalMigrations(persistTo?: string): Promise<string> {
  return runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])])
}
