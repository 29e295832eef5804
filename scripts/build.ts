/**
 * `npm run build [-- --env <name>]`: bundle the Worker exactly as `wrangler deploy` would (without uploading),
 * report its raw and gzip size, fail over the platform limit, and profile its startup CPU locally.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { WORKER_GZIP_BUDGET_BYTES } from '../bench/budgets'

const KiB = 1024
const MiB = 1024 * KiB

/** Cloudflare rejects a Worker over 3 MiB after gzip on the Free plan (10 MiB on Paid); we hold ourselves to Free. */
export const WORKER_GZIP_LIMIT_BYTES = 3 * MiB
/** Our own budget (bench/budgets.ts, with the benchmark's other budgets): startup time grows with bundle size. Warns only. */
export { WORKER_GZIP_BUDGET_BYTES }

const OUT_DIR = 'dist'
/** What wrangler uploads as Worker modules; source maps and its README are not part of the script size. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.wasm']

export interface BundleSize {
  files: string[]
  rawBytes: number
  gzipBytes: number
}

export function measureBundle(dir: string): BundleSize {
  const files = listFiles(dir).filter((file) => MODULE_EXTENSIONS.some((ext) => file.endsWith(ext)))
  let rawBytes = 0
  let gzipBytes = 0
  for (const file of files) {
    const bytes = readFileSync(file)
    rawBytes += bytes.length
    gzipBytes += gzipSync(bytes).length
  }
  return { files, rawBytes, gzipBytes }
}

/** Active (non-idle) CPU time in a V8 .cpuprofile: the figure `wrangler check startup` prints as "Active". */
export function activeCpuMs(profilePath: string): number {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]))
  let micros = 0
  profile.samples.forEach((nodeId, i) => {
    if (names.get(nodeId) !== '(idle)') micros += profile.timeDeltas[i] ?? 0
  })
  return micros / 1000
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string } }[]
  samples: number[]
  timeDeltas: number[]
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path) : [path]
  })
}

function wrangler(args: string[]): number {
  // The wrangler of this project, under the Node that runs this script: never a global one.
  const bin = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js')
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' })
  return result.status ?? 1
}

const kib = (bytes: number): string => `${(bytes / KiB).toFixed(1)} KiB`

function main(): number {
  // Passed through untouched, so `npm run build -- --env production` bundles production's config.
  const passthrough = process.argv.slice(2)
  rmSync(OUT_DIR, { recursive: true, force: true })
  if (wrangler(['deploy', '--dry-run', '--outdir', OUT_DIR, ...passthrough]) !== 0) {
    console.error('build: wrangler deploy --dry-run failed')
    return 1
  }

  const size = measureBundle(OUT_DIR)
  if (size.files.length === 0) {
    console.error(`build: no Worker modules found in ${OUT_DIR}/`)
    return 1
  }
  console.log(`\nbundle: ${size.files.join(', ')}`)
  console.log(`bundle size: raw ${kib(size.rawBytes)}, gzip ${kib(size.gzipBytes)}`)
  console.log(`limit ${kib(WORKER_GZIP_LIMIT_BYTES)} gzip (Workers Free plan), budget ${kib(WORKER_GZIP_BUDGET_BYTES)} gzip`)

  const profile = resolve(OUT_DIR, 'worker-startup.cpuprofile')
  if (wrangler(['check', 'startup', '--outfile', profile, ...passthrough]) === 0) {
    console.log(`startup CPU (local workerd profile, active): ${activeCpuMs(profile).toFixed(1)} ms`)
  } else {
    console.warn('build: warning: `wrangler check startup` failed; startup CPU not measured')
  }

  if (size.gzipBytes > WORKER_GZIP_LIMIT_BYTES) {
    console.error(`build: FAIL: gzip ${kib(size.gzipBytes)} is over the Workers limit of ${kib(WORKER_GZIP_LIMIT_BYTES)}`)
    return 1
  }
  if (size.gzipBytes > WORKER_GZIP_BUDGET_BYTES) {
    console.warn(`build: warning: gzip ${kib(size.gzipBytes)} is over the ${kib(WORKER_GZIP_BUDGET_BYTES)} budget`)
  }
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main()
}
