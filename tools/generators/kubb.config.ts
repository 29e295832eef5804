// Kubb's configuration for scripts/test-generators.ts: plugin-oas, plugin-ts and plugin-client with the fetch client
// (Kubb 4's default is axios). bundle: true is Kubb 5's fixed behaviour (the client's source is written into the output
// and compiled with it); Kubb 4's shared runtime, @kubb/plugin-client/clients/fetch, ships a declaration file that fails
// skipLibCheck: false on its own (TS7016 on an undeclared '../chunk--u3MIqq1.js'), whatever the document.
// The script passes the document and the output folder in KUBB_INPUT and KUBB_OUTPUT.
import { defineConfig } from '@kubb/core'
import { pluginClient } from '@kubb/plugin-client'
import { pluginOas } from '@kubb/plugin-oas'
import { pluginTs } from '@kubb/plugin-ts'

const input = process.env.KUBB_INPUT
const output = process.env.KUBB_OUTPUT
if (!input || !output) throw new Error('KUBB_INPUT and KUBB_OUTPUT must be set')

export default defineConfig({
  input: { path: input },
  output: { path: output, clean: true },
  plugins: [pluginOas(), pluginTs(), pluginClient({ client: 'fetch', bundle: true })],
})
