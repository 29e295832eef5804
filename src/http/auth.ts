import { changePassword, getProfile, login, logout, register } from '../application/auth'
import type { authOperations } from '../contract/auth'
import { requestDeps } from '../runtime/composition'
import { access } from './middleware/authentication'
import { noStore } from './cache-control'
import { dataBody } from './envelope'
import { tagged, untagged } from './etags'
import type { Handlers } from './handlers'
import { clientNetwork } from './middleware/client-network'
import { limitLogin, limitRegistration } from './middleware/rate-limit'

export const authHandlers: Handlers<typeof authOperations> = {
  async register(c) {
    const input = c.req.valid('json')
    await limitRegistration(c, input.email)
    const session = await register(requestDeps(c), input)
    noStore(c)
    c.header('Location', `/api/users/${session.user.id}`)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 201)
  },

  async login(c) {
    await limitLogin(c)
    const session = await login(requestDeps(c), { ...c.req.valid('json'), address: clientNetwork(c) })
    noStore(c)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 200)
  },

  async getProfile(c) {
    const user = await getProfile(requestDeps(c), access(c))
    noStore(c)
    return c.json(dataBody(c, tagged(c, user)), 200)
  },

  async changePassword(c) {
    const session = await changePassword(requestDeps(c), access(c), c.req.valid('json'))
    noStore(c)
    return c.json(dataBody(c, { ...session, user: untagged(session.user), tokenType: 'Bearer' as const }), 200)
  },

  async logout(c) {
    await logout(requestDeps(c), access(c))
    return c.body(null, 204)
  },
}
