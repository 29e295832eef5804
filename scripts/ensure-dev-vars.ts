// Creates .dev.vars with a random JWT_SECRET for local development, once. Never overwrites an existing file.
import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'

const file = new URL('../.dev.vars', import.meta.url)
if (!existsSync(file)) {
  writeFileSync(
    file,
    `# Local secrets, made by scripts/ensure-dev-vars.ts; not committed.\nJWT_SECRET=${randomBytes(32).toString('hex')}\n`,
  )
  console.log('created .dev.vars with a random JWT_SECRET')
}
