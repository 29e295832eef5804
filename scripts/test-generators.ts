// Generates a client from openapi/openapi.json with each mainstream TypeScript generator that runs offline from npm, then
// compiles each output, unedited, with the same strict TypeScript settings. One line per generator; exit 1 if any fails.
// The generators are pinned in tools/generators/ (installed on first use); openapi-typescript is the root's own.
// Each runs with its defaults plus only what it needs to emit a TypeScript fetch client; a generator that fails is a
// finding about the document (or the generator), never something to hide with options.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { ensureTool, installedVersion, run, toolEnv, toolsDir, type RunResult } from './lib/tools'
import { projectRoot } from './lib/wrangler'

const tools = toolsDir('generators')
const bin = (name: string) => join(tools, 'node_modules', '.bin', name)
// OPENAPI_FILE points the run at another document (to try a change to the contract before making it).
const documentPath = process.env.OPENAPI_FILE ? resolve(process.env.OPENAPI_FILE) : join(projectRoot, 'openapi', 'openapi.json')
const outRoot = join(projectRoot, 'test-output', 'generators')

interface Generator {
  /** The npm package, as printed (name@version). */
  pkg: string
  /** Where its version is read: the root install or tools/generators. */
  base: string
  /** Folder under test-output/generators. */
  dir: string
  /** The command that writes the client into `out` (absolute). */
  command(out: string): { command: string; args: string[]; env?: NodeJS.ProcessEnv }
}

const generators: Generator[] = [
  {
    pkg: 'openapi-typescript',
    base: projectRoot,
    dir: 'openapi-typescript',
    command: (out) => ({
      command: join(projectRoot, 'node_modules', '.bin', 'openapi-typescript'),
      args: [documentPath, '-o', join(out, 'schema.ts')],
    }),
  },
  {
    pkg: '@hey-api/openapi-ts',
    base: tools,
    dir: 'hey-api',
    // Defaults: the TypeScript types, the SDK and the fetch client.
    command: (out) => ({ command: bin('openapi-ts'), args: ['-i', documentPath, '-o', out] }),
  },
  {
    pkg: 'orval',
    base: tools,
    dir: 'orval',
    // orval's default client is axios; fetch needs no runtime package.
    command: (out) => ({ command: bin('orval'), args: ['--input', documentPath, '--output', join(out, 'api.ts'), '--client', 'fetch'] }),
  },
  {
    pkg: 'swagger-typescript-api',
    base: tools,
    dir: 'swagger-typescript-api',
    command: (out) => ({ command: bin('swagger-typescript-api'), args: ['generate', '-p', documentPath, '-o', out] }),
  },
  {
    pkg: 'oazapfts',
    base: tools,
    dir: 'oazapfts',
    command: (out) => ({ command: bin('oazapfts'), args: [documentPath, join(out, 'api.ts')] }),
  },
  {
    pkg: 'openapi-zod-client',
    base: tools,
    dir: 'openapi-zod-client',
    command: (out) => ({ command: bin('openapi-zod-client'), args: [documentPath, '-o', join(out, 'api.ts')] }),
  },
  {
    pkg: 'typed-openapi',
    base: tools,
    dir: 'typed-openapi',
    // Relative paths: typed-openapi 2.2.7 prefixes the working directory to an absolute -o.
    command: (out) => ({
      command: bin('typed-openapi'),
      args: [relative(projectRoot, documentPath), '-o', relative(projectRoot, join(out, 'api.ts'))],
    }),
  },
  {
    pkg: 'openapi-typescript-codegen',
    base: tools,
    dir: 'openapi-typescript-codegen',
    // Its default client is fetch.
    command: (out) => ({ command: bin('openapi'), args: ['--input', documentPath, '--output', out] }),
  },
  {
    pkg: '@kubb/cli',
    base: tools,
    dir: 'kubb',
    // tools/generators/kubb.config.ts: plugin-oas, plugin-ts and plugin-client with the fetch client, bundled (why: there).
    command: (out) => ({
      command: bin('kubb'),
      args: ['generate', '--config', join(tools, 'kubb.config.ts')],
      env: toolEnv({ KUBB_INPUT: documentPath, KUBB_OUTPUT: out }),
    }),
  },
]

// The same settings for every output. allowImportingTsExtensions: Kubb writes `from './x.ts'` (allowed with noEmit).
// types: [] keeps the root's @types (node) out, so a client that needs Node's globals to compile says so.
const compilerOptions = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'Bundler',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  allowImportingTsExtensions: true,
  noEmit: true,
}
const tsc = join(tools, 'node_modules', 'typescript', 'bin', 'tsc')

interface Outcome {
  line: string
  passed: boolean
}

/** The generator's own error message: its marked line (✘ ✗ 🛑), else an `XxxError:` line, else any line about an error. */
function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    // Stack frames, the source line a throw points at, and Node's version footer say nothing about the document.
    .filter((line) => line && !/^(at |file:\/\/|Node\.js v|\^+$)/.test(line) && !line.includes('throw '))
  const index = [/^[✘✗🛑]/u, /^\[?\w*Error\b/, /error|failed/i]
    .map((pattern) => lines.findIndex((line) => pattern.test(line)))
    .find((i) => i >= 0)
  if (index === undefined) return lines.at(-1) ?? '(no output)'
  const line = lines[index] ?? ''
  // "validation failed:" followed by a JSON list of problems: add the first message.
  const detail = line.endsWith(':') ? lines.slice(index + 1, index + 8).find((next) => /"message"/.test(next)) : undefined
  return detail ? `${line} ${detail}` : line
}

function countTs(dir: string): number {
  let count = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile() && entry.name.endsWith('.ts')) count++
  return count
}

/** A path inside the project relative to it, any other absolute. */
const shown = (path: string) => (path.startsWith(projectRoot) ? relative(projectRoot, path) : path)

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

async function check(generator: Generator): Promise<Outcome> {
  const name = `${generator.pkg}@${installedVersion(generator.base, generator.pkg)}`
  const out = join(outRoot, generator.dir)
  // Some write only the file, not its folder.
  mkdirSync(out, { recursive: true })
  const { command, args, env } = generator.command(out)
  const generated: RunResult = await run(command, args, { env: env ?? toolEnv() })
  if (generated.code !== 0)
    return { passed: false, line: `FAIL ${name}: generating exited ${generated.code}: ${firstError(generated.output)}` }
  const files = existsSync(out) ? countTs(out) : 0
  if (files === 0) return { passed: false, line: `FAIL ${name}: generating wrote no .ts file into ${relative(projectRoot, out)}` }

  const tsconfig = join(outRoot, `tsconfig.${generator.dir}.json`)
  writeFileSync(tsconfig, `${JSON.stringify({ compilerOptions, include: [`${generator.dir}/**/*.ts`] }, null, 2)}\n`)
  const compiled = await run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false'], { cwd: outRoot })
  if (compiled.code !== 0) {
    const error = compiled.output.split('\n').find((line) => /error TS\d+/.test(line)) ?? firstError(compiled.output)
    const errors = compiled.output.split('\n').filter((line) => /error TS\d+/.test(line)).length
    return {
      passed: false,
      line: `FAIL ${name}: ${error} (${errors} error${errors === 1 ? '' : 's'}; test-output/generators/${generator.dir})`,
    }
  }
  return {
    passed: true,
    line: `PASS ${name} (${files} .ts file${files === 1 ? '' : 's'}; generate ${seconds(generated.ms)}, tsc ${seconds(compiled.ms)})`,
  }
}

async function main() {
  const started = performance.now()
  await ensureTool('generators')
  rmSync(outRoot, { recursive: true, force: true })
  mkdirSync(outRoot, { recursive: true })
  // The outputs import their runtimes (@oazapfts/runtime, @zodios/core, zod ...) from tools/generators.
  symlinkSync(join(tools, 'node_modules'), join(outRoot, 'node_modules'), 'dir')

  console.log(
    `generators on ${shown(documentPath)}; tsc ${installedVersion(tools, 'typescript')} -p per output: strict, noUncheckedIndexedAccess, ` +
      `skipLibCheck false, module ESNext/Bundler, allowImportingTsExtensions, lib ES2022+DOM, types [], noEmit`,
  )
  // Two at a time (2 cores): each result is printed in the list's order as soon as it and those before it are done.
  const settle: Array<(outcome: Outcome) => void> = []
  const results = generators.map(() => new Promise<Outcome>((resolve) => settle.push(resolve)))
  let next = 0
  const slots = Math.max(1, Math.min(2, availableParallelism()))
  const worker = async () => {
    while (next < generators.length) {
      const index = next++
      const generator = generators[index]!
      const outcome = await check(generator).catch((error: unknown) => ({
        passed: false,
        line: `FAIL ${generator.pkg}: ${error instanceof Error ? error.message : String(error)}`,
      }))
      settle[index]!(outcome)
    }
  }
  const workers = Array.from({ length: slots }, worker)
  let failed = 0
  for (const result of results) {
    const outcome = await result
    console.log(outcome.line)
    if (!outcome.passed) failed++
  }
  await Promise.all(workers)
  console.log(`${generators.length - failed} passed, ${failed} failed (${seconds(performance.now() - started)})`)
  if (failed > 0) process.exitCode = 1
}

main().catch((error: unknown) => {
  console.error(`FAIL ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
