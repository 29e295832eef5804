// The docs page's own script (a file, not inline, so the page's Content-Security-Policy can forbid inline scripts).
// It starts Scalar on the document this deployment serves and makes the error catalogue's links land.
;(function () {
  'use strict'

  // Every POST that "try it" sends gets a fresh Idempotency-Key unless the reader typed one: a fixed example key would
  // be shared by everyone who tries, and the second person would get a 422 or someone else's replay.
  function freshIdempotencyKey(context) {
    var request = context && context.request
    if (!request || request.method !== 'POST' || !request.headers) return
    if (!request.headers.get('Idempotency-Key')) request.headers.set('Idempotency-Key', crypto.randomUUID())
  }

  Scalar.createApiReference('#app', {
    url: '/openapi.json',
    // Nothing on the page may need the internet: no hosted client, no fonts, no agent, no telemetry.
    hideClientButton: true,
    withDefaultFonts: false,
    showDeveloperTools: 'never',
    agent: { disabled: true },
    mcp: { disabled: true },
    telemetry: false,
    favicon: '/assets/favicon.svg',
    onRequestBuilt: freshIdempotencyKey,
  })

  // error.docs links are /docs#error-<code>: the catalogue's headings carry those ids, but the page is built after
  // load, so the browser cannot scroll to them by itself. Wait for the entry, then bring it into view.
  function landOnErrorEntry() {
    var id = decodeURIComponent(location.hash.slice(1))
    if (!/^error-[a-z-]+$/.test(id)) return
    var tries = 0
    var timer = setInterval(function () {
      var entry = document.getElementById(id)
      if (entry || ++tries > 100) clearInterval(timer)
      if (entry) entry.scrollIntoView({ block: 'start' })
    }, 100)
  }
  window.addEventListener('hashchange', landOnErrorEntry)
  landOnErrorEntry()
})()
