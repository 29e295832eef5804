// npm run webhooks:listen: a receiver on this machine for the webhooks of a local API (`npm run dev`), as `stripe listen`
// is for Stripe. It signs in (WEBHOOKS_EMAIL and WEBHOOKS_PASSWORD, or a new throwaway user), registers itself as a
// webhook endpoint (plain http on loopback, which only a development deployment accepts), prints each event it
// receives once its signature is verified, and deletes the endpoint on Ctrl-C.
//   API_URL (default http://127.0.0.1:8787), PORT (default 8790), EVENTS (comma-separated types, default all).
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { createApiClient, verifyWebhook, WebhookVerificationError } from '../generated/client'

const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8787'
const port = Number(process.env.PORT ?? 8790)
const all = ['user.created', 'user.updated', 'user.deleted', 'post.created', 'post.updated', 'post.deleted'] as const
type Subscribable = (typeof all)[number]
const eventTypes = (process.env.EVENTS?.split(',') ?? [...all]) as Subscribable[]

async function signIn(): Promise<string> {
  const api = createApiClient({ baseUrl: apiUrl })
  const email = process.env.WEBHOOKS_EMAIL
  const password = process.env.WEBHOOKS_PASSWORD
  if (email && password) return (await api.post('/api/auth/login', { body: { email, password } })).body.data.token
  const made = { email: `listen-${randomUUID().slice(0, 8)}@example.com`, name: 'Webhooks listener', password: randomUUID() }
  const session = await api.post('/api/auth/register', { body: made })
  console.log(`Signed up ${made.email} (set WEBHOOKS_EMAIL and WEBHOOKS_PASSWORD to listen as someone else).`)
  return session.body.data.token
}

const api = createApiClient({ baseUrl: apiUrl, token: await signIn() })
let secret = ''

const server = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
    verifyWebhook(Buffer.concat(chunks).toString('utf8'), headers, secret)
      .then((event) => {
        console.log(JSON.stringify(event, null, 2))
        response.writeHead(204).end()
      })
      .catch((error: unknown) => {
        const why = error instanceof WebhookVerificationError ? error.message : String(error)
        console.error(`Refused a delivery: ${why}`)
        response.writeHead(400).end(why)
      })
  })
})
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))

const created = await api.post('/api/webhook-endpoints', {
  body: { url: `http://127.0.0.1:${port}/`, eventTypes, description: 'npm run webhooks:listen' },
})
secret = created.body.data.secret
const endpointId = created.body.data.id
console.log(`Listening on http://127.0.0.1:${port}/ for ${eventTypes.join(', ')} from ${apiUrl} (endpoint ${endpointId}). Ctrl-C to stop.`)
await api.post('/api/webhook-endpoints/{id}/ping', { params: { path: { id: endpointId } } })

process.on('SIGINT', () => {
  api
    .delete('/api/webhook-endpoints/{id}', { params: { path: { id: endpointId } }, ifMatch: '*' })
    .catch((error: unknown) => console.error(`Could not delete the endpoint: ${String(error)}`))
    .finally(() => server.close(() => process.exit(0)))
})
