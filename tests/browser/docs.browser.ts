// Opens /docs in headless Debian Chromium against a fresh `wrangler dev` and checks that the reference renders offline.
import { mkdirSync } from 'node:fs'
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

    mkdirSync(join(projectRoot, 'test-output'), { recursive: true })
    const response = await page.goto(`${server.baseUrl}/docs`)
    if (response?.status() !== 200) throw new Error(`GET /docs answered ${response?.status() ?? 'nothing'}, expected 200`)
    console.log('ok   GET /docs answered 200')

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

    // Late requests (telemetry, lazy fonts) must be counted too, so wait for the network to settle first.
    await page.waitForLoadState('networkidle')
    await page.screenshot({ path: screenshotPath })
    console.log(`ok   screenshot saved to ${screenshotPath}`)

    if (pageErrors.length > 0) throw new Error(`/docs threw in the browser:\n  ${pageErrors.join('\n  ')}`)
    console.log('ok   no uncaught errors in the page')
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
