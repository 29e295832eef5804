// Writes public/assets/collection.template.json (Postman v2.1) from openapi/openapi.json, starts a local `wrangler dev`,
// downloads the collection from it as an integrator would (/assets/collection.json, its baseUrl that server's origin)
// and runs all of it, as downloaded, with newman (tools/collection, installed on first use): the Flow folder, then one
// request per operation. One line per request, then the assertion count; exits non-zero on any failed assertion,
// script error or request error.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeCollection } from './emit-collection'
import { ensureTool, installedVersion, run, toolsDir } from './lib/tools'
import { projectRoot } from './lib/wrangler'
import { startWranglerDev, type WranglerDev } from './lib/wrangler-dev'

const tools = toolsDir('collection')
const newman = join(tools, 'node_modules', 'newman', 'bin', 'newman.js')
const collectionPath = join(projectRoot, 'test-output', 'collection', 'collection.json')
const reportPath = join(projectRoot, 'test-output', 'collection', 'newman.json')
const state = '.wrangler/collection'

// The parts of newman's JSON report read here.
interface Report {
  run: {
    executions: Array<{
      item: { name: string }
      request: { method: string; url: { path?: string[] } }
      response?: { code: number; responseTime: number }
      assertions?: Array<{ assertion: string; error?: { message: string } }>
      requestError?: { message: string }
      testScript?: Array<{ error?: { message: string } }>
      prerequestScript?: Array<{ error?: { message: string } }>
    }>
    failures: Array<{ error: { name: string; message: string; test?: string }; source?: { name?: string } }>
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

async function main() {
  const started = performance.now()
  await ensureTool('collection')
  console.log(
    writeCollection()
      ? 'public/assets/collection.template.json was stale: rewritten from openapi/openapi.json (commit it)'
      : 'public/assets/collection.template.json matches openapi/openapi.json',
  )

  // A fresh local D1 each run: the flow registers its own user anyway, and nothing piles up.
  rmSync(join(projectRoot, state), { recursive: true, force: true })
  let server: WranglerDev | undefined
  try {
    server = await startWranglerDev({ persistTo: state, vars: { LOG_LEVEL: 'error' } })
    const serverReady = performance.now()
    mkdirSync(join(projectRoot, 'test-output', 'collection'), { recursive: true })
    rmSync(reportPath, { force: true })
    const downloaded = await fetch(`${server.baseUrl}/assets/collection.json`)
    if (!downloaded.ok) throw new Error(`GET /assets/collection.json answered ${downloaded.status}`)
    writeFileSync(collectionPath, await downloaded.text())
    const args = [newman, 'run', collectionPath, '--reporters', 'json', '--reporter-json-export', reportPath, '--timeout-request', '15000']
    const result = await run(process.execPath, args)
    let report: Report
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report
    } catch {
      throw new Error(`newman exited ${result.code} without a report:\n${result.output}`)
    }

    console.log(`newman ${installedVersion(tools, 'newman')}: the collection as downloaded from ${server.baseUrl}/assets/collection.json`)
    let passed = 0
    let failed = 0
    report.run.executions.forEach((execution, index) => {
      const assertions = execution.assertions ?? []
      const failures = assertions.filter((assertion) => assertion.error)
      const scriptErrors = [...(execution.prerequestScript ?? []), ...(execution.testScript ?? [])]
        .map((script) => script.error?.message)
        .filter((message): message is string => Boolean(message))
      passed += assertions.length - failures.length
      failed += failures.length + scriptErrors.length + (execution.requestError ? 1 : 0)
      const { method, url } = execution.request
      const target = `${method} /${(url.path ?? []).join('/')}`
      const status = execution.response ? `${execution.response.code}, ${execution.response.responseTime} ms` : 'no response'
      const ok = failures.length === 0 && scriptErrors.length === 0 && !execution.requestError
      console.log(
        `${ok ? 'ok  ' : 'FAIL'} ${index + 1}. ${execution.item.name}: ${target} -> ${status} (${assertions.length - failures.length}/${assertions.length} assertions)`,
      )
      for (const failure of failures)
        console.log(`       failed: ${failure.assertion}: ${failure.error?.message.replace(/\s*\n\s*/g, ' ')}`)
      for (const message of scriptErrors) console.log(`       script error: ${message}`)
      if (execution.requestError) console.log(`       request error: ${execution.requestError.message}`)
    })
    if (report.run.executions.length === 0) {
      failed += 1
      console.log('FAIL the collection ran no request')
    }
    // Failures newman saw outside any execution (a broken collection-level script, say).
    if (failed === 0 && (result.code !== 0 || report.run.failures.length > 0)) {
      failed += Math.max(1, report.run.failures.length)
      for (const failure of report.run.failures) console.log(`FAIL ${failure.source?.name ?? 'newman'}: ${failure.error.message}`)
      if (report.run.failures.length === 0) console.log(`FAIL newman exited ${result.code}:\n${result.output}`)
    }
    const now = performance.now()
    console.log(
      `${passed} passed, ${failed} failed (wrangler dev up in ${seconds(serverReady - started)}, flow ${seconds(now - serverReady)}, total ${seconds(now - started)})`,
    )
    if (failed > 0) process.exitCode = 1
  } finally {
    await server?.stop()
  }
}

main().catch((error: unknown) => {
  console.error(`FAIL ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
