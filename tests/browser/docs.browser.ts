// Opens /docs in headless Debian Chromium against a fresh `wrangler dev` and checks that the reference renders offline.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
// Importing it installs Debian's Chromium when it is missing (or says what to run).
import { CHROMIUM } from '../../scripts/ensure-chromium'
import { projectRoot } from '../../scripts/lib/wrangler'
import { startWranglerDev, type WranglerDev } from '../../scripts/lib/wrangler-dev'
import { errorAnchor, errorCatalogue, errorCodes } from '../../src/contract/errors/catalogue'

const screenshotPath = join(projectRoot, 'test-output', 'docs.png')
const failurePath = join(projectRoot, 'test-output', 'docs-failure.png')
const RENDER_TIMEOUT_MS = 30_000

/** Only 127.0.0.1 counts as local; data:, blob: and about: never touch the network. */
function leavesMachine(raw: string): boolean {
  const url = new URL(raw)
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return false
  return url.hostname !== '127.0.0.1'
}

async function expectVisible(page: Page, text: string) {
  const locator = page.getByText(text, { exact: true }).first()
  try {
    await locator.waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS })
  } catch {
    throw new Error(`"${text}" did not become visible on /docs within ${RENDER_TIMEOUT_MS} ms`)
  }
  console.log(`ok   "${text}" is visible`)
}

async function expandGroup(page: Page, tag: string) {
  await page.getByRole('button', { name: `Open Group - ${tag}`, exact: true }).click({ timeout: RENDER_TIMEOUT_MS })
}

async function main() {
  let server: WranglerDev | undefined
  let browser: Browser | undefined
  let page: Page | undefined
  try {
    // A fresh local D1 each run: "try it" registers the example address, which must be free.
    rmSync(join(projectRoot, '.wrangler/browser-test'), { recursive: true, force: true })
    server = await startWranglerDev({ persistTo: '.wrangler/browser-test' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })

    // Every request that tried to leave, whether it was then blocked or not: a blocked font or beacon is still a leak.
    const external = new Set<string>()
    context.on('request', (request) => {
      if (leavesMachine(request.url())) external.add(request.url())
    })
    await context.route(
      (url) => leavesMachine(url.href),
      (route) => {
        external.add(route.request().url())
        return route.abort('blockedbyclient')
      },
    )
    await context.routeWebSocket(
      (url) => leavesMachine(url.href),
      (socket) => {
        external.add(socket.url())
        return socket.close()
      },
    )

    page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    // Console errors too (a blocked script, a missing favicon, a Content-Security-Policy violation all log one).
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
    })
    const violations: string[] = []
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text))
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        ;(window as unknown as { reportViolation: (text: string) => void }).reportViolation(
          `${event.violatedDirective} ${event.blockedURI}`,
        )
      })
    })

    mkdirSync(join(projectRoot, 'test-output'), { recursive: true })
    const response = await page.goto(`${server.baseUrl}/docs`)
    if (response?.status() !== 200) throw new Error(`GET /docs answered ${response?.status() ?? 'nothing'}, expected 200`)
    const policy = (await response.allHeaders())['content-security-policy'] ?? ''
    if (!policy.includes("script-src 'self'") || policy.includes("script-src 'self' 'unsafe-inline'"))
      throw new Error(`/docs has no strict Content-Security-Policy: ${policy || '(none)'}`)
    console.log(
      `ok   GET /docs answered 200 on port ${new URL(server.baseUrl).port}, with a Content-Security-Policy that allows no inline script`,
    )

    // Scalar opens only the first tag's group; the others render their operations once expanded, as a reader would.
    await expectVisible(page, 'Check service health')
    await expandGroup(page, 'Auth')
    await expectVisible(page, 'Register an account')
    await expandGroup(page, 'Users')
    await expectVisible(page, 'List users')
    await expectVisible(page, 'Getting started')

    // The error catalogue: every code's entry is on the page with the anchor that error.docs links to.
    await expectVisible(page, `PRECONDITION_FAILED: ${errorCatalogue.PRECONDITION_FAILED.title}`)
    for (const code of errorCodes) {
      if ((await page.locator(`[id="${errorAnchor(code)}"]`).count()) !== 1)
        throw new Error(`/docs has no anchor #${errorAnchor(code)} for ${code}`)
    }
    console.log(`ok   the error catalogue has an anchor for each of the ${errorCodes.length} codes`)

    // Nothing on the page needs the internet: no hosted API client behind a button.
    if ((await page.getByText('Open API Client').count()) !== 0) throw new Error('/docs offers "Open API Client", which needs the internet')
    console.log('ok   no control that needs the internet')

    // "Try it" sends to the origin that serves the page (this port, not 8787), with a fresh Idempotency-Key each time.
    // The reference renders an operation when it is scrolled to: a reader following a link to it opens a new page.
    const tryPage = await context.newPage()
    tryPage.on('pageerror', (error) => pageErrors.push(error.message))
    tryPage.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`)
    })
    const keys: string[] = []
    const tried: number[] = []
    tryPage.on('response', (answer) => {
      if (!answer.url().startsWith(`${server!.baseUrl}/api/auth/register`)) return
      tried.push(answer.status())
      keys.push(answer.request().headers()['idempotency-key'] ?? '(none)')
    })
    await tryPage.goto(`${server.baseUrl}/docs#tag/auth/POST/api/auth/register`)
    await tryPage
      .getByRole('button', { name: /Test Request.*register/ })
      .first()
      .click({ timeout: RENDER_TIMEOUT_MS })
    for (let i = 0; i < 2; i++) {
      const sent = tryPage.waitForResponse((answer) => answer.url().endsWith('/api/auth/register'), { timeout: RENDER_TIMEOUT_MS })
      await tryPage.keyboard.press('Control+Enter')
      await sent
    }
    // The example body registers one address: the first try creates it, the second is told it is taken (not replayed).
    if (tried.join() !== '201,409') throw new Error(`"try it" of register answered ${tried.join() || 'nothing'}, expected 201 then 409`)
    if (keys.length !== 2 || new Set(keys).size !== 2 || keys.some((key) => !/^[0-9a-f-]{36}$/.test(key)))
      throw new Error(`"try it" sent Idempotency-Keys ${keys.join(', ')}: expected a fresh UUID per request`)
    console.log(`ok   "try it" reached ${server.baseUrl} (201, then 409), with a fresh Idempotency-Key each time`)
    await tryPage.close()

    // A real error body's docs link lands on its entry in the catalogue.
    const error = await page.request.get(`${server.baseUrl}/api/users/not-a-uuid`)
    const docs = ((await error.json()) as { error: { docs: string } }).error.docs
    await page.goto(docs)
    const anchor = docs.split('#')[1]!
    await page.locator(`[id="${anchor}"]`).waitFor({ state: 'attached', timeout: RENDER_TIMEOUT_MS })
    await page.waitForFunction(
      (id) => {
        const top = document.getElementById(id)?.getBoundingClientRect().top
        return top !== undefined && top >= -5 && top < window.innerHeight / 2
      },
      anchor,
      { timeout: RENDER_TIMEOUT_MS },
    )
    console.log(`ok   ${docs} scrolls its catalogue entry into view`)

    for (const path of ['/assets/favicon.svg', '/assets/collection.json', '/llms.txt']) {
      const asset = await page.request.get(`${server.baseUrl}${path}`)
      if (asset.status() !== 200) throw new Error(`GET ${path} answered ${asset.status()}`)
    }
    console.log('ok   the favicon, the Postman collection and llms.txt are served')

    // Late requests (telemetry, lazy fonts) must be counted too, so wait for the network to settle first.
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: screenshotPath })
    console.log(`ok   screenshot saved to ${screenshotPath}`)

    // Refusing eval is the point of the policy; the bundle's zod probes for it once (`Function('')`) and, refused, runs
    // without compiling validators, so that one report is expected. Anything else (an inline script, another origin) fails.
    const unexpectedViolations = violations.filter((text) => !/^script-src(-elem)? eval$/.test(text))
    if (unexpectedViolations.length > 0) throw new Error(`/docs broke its Content-Security-Policy:\n  ${unexpectedViolations.join('\n  ')}`)
    console.log('ok   no Content-Security-Policy violation but the expected eval probe')
    // The one expected console error: the browser reporting the 409 that "try it" was meant to get.
    const unexpected = pageErrors.filter((text) => !text.includes('status of 409'))
    if (unexpected.length > 0) throw new Error(`/docs threw or logged errors in the browser:\n  ${unexpected.join('\n  ')}`)
    console.log('ok   no uncaught errors and no console errors in the page')
    if (external.size > 0) throw new Error(`/docs made requests beyond 127.0.0.1:\n  ${[...external].join('\n  ')}`)
    console.log('ok   every request stayed on 127.0.0.1')

    console.log('PASS docs page renders the operations offline')
  } catch (error) {
    // What the page looked like when it failed is the fastest clue in CI.
    await page?.screenshot({ path: failurePath }).then(
      () => console.error(`screenshot of the failure: ${failurePath}`),
      () => undefined,
    )
    throw error
  } finally {
    await browser?.close()
    await server?.stop()
  }
}

main().catch((error: unknown) => {
  console.error(`FAIL ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
