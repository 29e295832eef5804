import type { Claim } from '../application/idempotency'
import type { Access } from '../domain/access'
import type { Logger } from '../runtime/logger'

export type AppEnv = {
  Bindings: Env
  Variables: {
    requestId: string
    logger: Logger
    /** Set by authentication: the request's credential; `confirmed` once the database has read the caller. */
    access?: Access
    /** Set by idempotency.ts while the request holds its Idempotency-Key: its creates record their outcome with it. */
    claim?: Claim
  }
}
