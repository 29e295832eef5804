import type { Credential } from '../domain/api-key'
import type { User } from '../domain/user'
import type { Logger } from '../runtime/logger'

export type AppEnv = {
  Bindings: Env
  Variables: {
    requestId: string
    logger: Logger
    /** Set by authentication: the caller as stored now. */
    user?: User
    /** Set by authentication: what the caller's token or API key may do. */
    credential?: Credential
  }
}
