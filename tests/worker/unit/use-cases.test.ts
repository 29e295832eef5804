import { describe, expect, it, vi } from 'vitest'
import { getHealth } from '../../../src/application/health'
import { changePassword, getProfile, login, logout, register } from '../../../src/application/auth'
import { createUserPost, deleteUserPost, listUserPosts, updateUserPost } from '../../../src/application/posts'
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../../src/application/users'
import { DomainError } from '../../../src/domain/errors'
import { fakeTokens, memoryCredentials, noApiKeys, memoryPosts, memoryUsers, memoryWelcomes, recordingEmail, tokenAccess } from './fakes'

const rejectsWith = (code: string) => expect.objectContaining({ name: 'DomainError', code })

function registerDeps(emailFails = false) {
  const users = memoryUsers()
  const email = recordingEmail(emailFails)
  const background: Promise<unknown>[] = []
  const errors: unknown[] = []
  return {
    users,
    email,
    background,
    errors,
    deps: {
      users,
      credentials: memoryCredentials(users),
      ...noApiKeys,
      onBackgroundError: (_event: string, e: unknown) => void errors.push(e),
      tokens: fakeTokens,
      email,
      welcomes: memoryWelcomes(),
      background: (work: () => Promise<unknown>) => void background.push(work()),
      onEmailError: (e: unknown) => void errors.push(e),
    },
  }
}

describe('register', () => {
  it('always creates the user role and sends the welcome email in the background', async () => {
    const { deps, email, background } = registerDeps()
    const session = await register(deps, { email: 'a@example.com', name: 'A', password: 'password123' })
    expect(session.user.role).toBe('user')
    expect(session.token).toBe(`token-for-${session.user.id}@0`)
    await Promise.all(background)
    expect(email.sent).toEqual(['a@example.com'])
  })

  it('a failing email provider never fails the registration; the error is reported', async () => {
    const { deps, background, errors } = registerDeps(true)
    await expect(register(deps, { email: 'b@example.com', name: 'B', password: 'password123' })).resolves.toBeDefined()
    await Promise.all(background)
    expect(errors).toHaveLength(1)
  })
})

describe('login and the caller', () => {
  it('the same INVALID_CREDENTIALS for an unknown email and a wrong password', async () => {
    const { deps } = registerDeps()
    await register(deps, { email: 'c@example.com', name: 'C', password: 'password123' })
    await expect(login(deps, { email: 'c@example.com', password: 'nope', address: '192.0.2.1' })).rejects.toEqual(
      rejectsWith('INVALID_CREDENTIALS'),
    )
    await expect(login(deps, { email: 'x@example.com', password: 'password123', address: '192.0.2.1' })).rejects.toEqual(
      rejectsWith('INVALID_CREDENTIALS'),
    )
  })

  it('refuses a valid token of a user that no longer exists', async () => {
    const { deps, users } = registerDeps()
    const { user } = await register(deps, { email: 'd@example.com', name: 'D', password: 'password123' })
    expect((await getProfile(deps, tokenAccess(user))).id).toBe(user.id)
    await users.delete({ access: tokenAccess(user) }, user.id)
    await expect(getProfile(deps, tokenAccess(user))).rejects.toEqual(rejectsWith('UNAUTHORIZED'))
  })

  it('refuses a token issued before a sign-out or a password change; the new one works', async () => {
    const { deps } = registerDeps()
    const { user } = await register(deps, { email: 'e@example.com', name: 'E', password: 'password123' })
    await logout(deps, tokenAccess(user, 0))
    await expect(getProfile(deps, tokenAccess(user, 0))).rejects.toEqual(rejectsWith('UNAUTHORIZED'))
    await expect(logout(deps, tokenAccess(user, 0))).rejects.toEqual(rejectsWith('UNAUTHORIZED'))
    const again = await login(deps, { email: 'E@example.com', password: 'password123', address: '192.0.2.1' })
    expect(again.token).toBe(`token-for-${user.id}@1`)
    const changed = await changePassword(deps, tokenAccess(user, 1), { currentPassword: 'password123', newPassword: 'another-password' })
    expect(changed.token).toBe(`token-for-${user.id}@2`)
    await expect(getProfile(deps, tokenAccess(user, 1))).rejects.toEqual(rejectsWith('UNAUTHORIZED'))
    expect((await getProfile(deps, tokenAccess(user, 2))).id).toBe(user.id)
    await expect(changePassword(deps, tokenAccess(user, 2), { currentPassword: 'wrong', newPassword: 'x-password' })).rejects.toEqual(
      rejectsWith('REAUTHENTICATION_REQUIRED'),
    )
  })
})

describe('user rules', () => {
  it('only an admin creates users and changes roles; a user may act only on themselves; a guest writes nothing', async () => {
    const users = memoryUsers()
    const deps = {
      users,
      credentials: memoryCredentials(users),
      tokens: fakeTokens,
      background: () => undefined,
      onBackgroundError: () => undefined,
    }
    const admin = tokenAccess(await users.create({ email: 'root@example.com', name: 'Root', role: 'admin', password: 'p' }))
    const aliceUser = await users.create({ email: 'alice@example.com', name: 'Alice', role: 'user', password: 'p' })
    const bob = await users.create({ email: 'bob@example.com', name: 'Bob', role: 'user', password: 'p' })
    const alice = tokenAccess(aliceUser)
    await expect(createUser({ users }, alice, { email: 'e@example.com', name: 'E', role: 'user', password: 'p' })).rejects.toEqual(
      rejectsWith('FORBIDDEN'),
    )
    await expect(updateUser(deps, alice, bob.id, { name: 'Hacked' })).rejects.toEqual(rejectsWith('FORBIDDEN'))
    await expect(updateUser(deps, alice, aliceUser.id, { role: 'admin' })).rejects.toEqual(rejectsWith('FORBIDDEN'))
    expect((await updateUser(deps, alice, aliceUser.id, { role: 'user', name: 'Al' })).name).toBe('Al')
    expect((await updateUser(deps, admin, bob.id, { role: 'guest' })).role).toBe('guest')
    // Bob is a guest now, whatever his token was issued as: no write of his goes through, not even to his own name.
    await expect(updateUser(deps, tokenAccess(bob), bob.id, { name: 'Guesty' })).rejects.toEqual(rejectsWith('FORBIDDEN'))
    await expect(deleteUser({ users }, admin, 'missing')).rejects.toEqual(rejectsWith('NOT_FOUND'))
  })

  it('the public views drop the email', async () => {
    const users = memoryUsers()
    const alice = await users.create({ email: 'alice@example.com', name: 'Alice', role: 'user', password: 'p' })
    expect(await getUser({ users }, alice.id)).not.toHaveProperty('email')
    const page = await listUsers({ users }, { page: 1, pageSize: 10, sort: 'createdAt', order: 'asc' })
    expect(page).toMatchObject({ total: 1, totalPages: 1 })
    expect(page.items[0]).not.toHaveProperty('email')
  })
})

describe('post rules', () => {
  it("authors and admins write; others are refused; another author's post is NOT_FOUND", async () => {
    const users = memoryUsers()
    const posts = memoryPosts(users)
    const make = (name: string, role: 'admin' | 'user') => users.create({ email: `${name}@example.com`, name, role, password: 'p' })
    const [one, two, root] = await Promise.all([make('one', 'user'), make('two', 'user'), make('root', 'admin')])
    const [u1, u2, admin] = [tokenAccess(one), tokenAccess(two), tokenAccess(root)]
    const post = await createUserPost({ posts }, u1, one.id, { title: 'T', body: 'B' })
    await expect(createUserPost({ posts }, u2, one.id, { title: 'T', body: 'B' })).rejects.toEqual(rejectsWith('FORBIDDEN'))
    await expect(createUserPost({ posts }, admin, 'nobody', { title: 'T', body: 'B' })).rejects.toEqual(rejectsWith('NOT_FOUND'))
    await expect(updateUserPost({ posts }, u2, two.id, post.id, { title: 'X' })).rejects.toEqual(rejectsWith('NOT_FOUND'))
    expect((await updateUserPost({ posts }, admin, one.id, post.id, { title: 'X' })).title).toBe('X')
    await expect(deleteUserPost({ posts }, u2, two.id, post.id)).rejects.toBeInstanceOf(DomainError)
    await expect(listUserPosts({ posts }, 'nobody', { page: 1, pageSize: 5, sort: 'createdAt', order: 'desc' })).rejects.toEqual(
      rejectsWith('NOT_FOUND'),
    )
    await deleteUserPost({ posts }, u1, one.id, post.id)
    expect(await posts.get(post.id)).toBeNull()
  })
})

describe('getHealth', () => {
  it('reports a probe that never answers as unhealthy after the deadline, the others with their latency', async () => {
    vi.useFakeTimers()
    try {
      const report = getHealth({
        database: { required: true, probe: () => new Promise(() => undefined) },
        cache: { required: false, probe: async () => undefined },
      })
      await vi.advanceTimersByTimeAsync(3_000)
      const { status, checks } = await report
      expect(status).toBe('unhealthy')
      expect(checks.database).toMatchObject({ healthy: false, error: 'No answer within 3000 ms' })
      expect(checks.cache.healthy).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a probe that throws is unhealthy with its message; all answering is healthy', async () => {
    const failing = await getHealth({
      database: { required: true, probe: async () => Promise.reject(new Error('D1 binding DB is missing')) },
      cache: { required: false, probe: async () => undefined },
    })
    expect(failing.checks.database).toMatchObject({ healthy: false, required: true, error: 'D1 binding DB is missing' })
    const fine = { required: true, probe: async () => undefined }
    expect((await getHealth({ database: fine, cache: { ...fine, required: false } })).status).toBe('healthy')
  })

  it('only a required probe that fails makes it unhealthy; another makes it degraded', async () => {
    const down = async () => Promise.reject(new Error('down'))
    const up = async () => undefined
    expect((await getHealth({ database: { required: true, probe: up }, cache: { required: false, probe: down } })).status).toBe('degraded')
    expect((await getHealth({ database: { required: true, probe: down }, cache: { required: false, probe: down } })).status).toBe(
      'unhealthy',
    )
  })
})
