import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Stored as the user wrote it; unique and looked up without regard to ASCII case (the index on lower(email)).
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'user', 'guest'] })
      .notNull()
      .default('user'),
    passwordHash: text('password_hash').notNull(),
    // Bumped by every write; the ETag is made from it, so If-Match detects concurrent updates.
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    // Tokens carry the generation they were issued in; signing out or changing the password bumps it, ending them all.
    tokenGeneration: integer('token_generation').notNull().default(0),
    // Password attempts since the last success, and until when (epoch ms) the account takes none (docs/decisions.md).
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    // 1 from a sign-up until its welcome email was sent: the cron job sends the ones that work after the answer missed.
    welcomePending: integer('welcome_pending').notNull().default(0),
    // The user's posts and the UTF-8 bytes of their titles and bodies, kept by triggers (migrations/0009): the quota.
    postCount: integer('post_count').notNull().default(0),
    postBytes: integer('post_bytes').notNull().default(0),
  },
  (t) => [
    uniqueIndex('users_email_lower_unique').on(sql`lower(${t.email})`),
    // Only the few sign-ups still owed a welcome are in it, so the cron job's sweep reads no other row.
    index('users_welcome_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.welcomePending} = 1`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    index('users_name_id_idx').on(t.name, t.id),
  ],
)

export const posts = sqliteTable(
  'posts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('posts_user_created_at_id_idx').on(t.userId, t.createdAt, t.id),
    index('posts_user_title_id_idx').on(t.userId, t.title, t.id),
    index('posts_created_at_id_idx').on(t.createdAt, t.id),
    index('posts_title_id_idx').on(t.title, t.id),
  ],
)

/** Stripe-style idempotency keys: the first response to a (scope, key) is stored and replayed for 24 hours. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    // Which attempt holds the claim (random per claim): a write carries it in its guard, so an attempt whose claim
    // expired or was released can never write beside the attempt that claimed the key after it.
    attempt: text('attempt').notNull().default(''),
    // What the request created, recorded in the same transaction as the creation itself (JSON: its id, and for an API
    // key its secret sealed): a retry whose first answer was lost replays it instead of creating twice.
    outcome: text('outcome'),
    // Null while the first request is still running.
    status: integer('status'),
    body: text('body'),
    // JSON object of the response headers a replay must repeat (Location, ETag).
    headers: text('headers'),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expires_at_idx').on(t.expiresAt)],
)

/**
 * Failed password attempts in a row, per account and client network, and per account from every network (address
 * `*`), with until when (epoch ms) each takes no attempt (docs/decisions.md). The subject is the user's id, or for an
 * email no account has, a hash of it: unknown emails are counted and locked as real ones are.
 */
export const loginAttempts = sqliteTable(
  'login_attempts',
  {
    subject: text('subject').notNull(),
    address: text('address').notNull(),
    failures: integer('failures').notNull(),
    lockedUntil: integer('locked_until'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.address] }), index('login_attempts_updated_at_idx').on(t.updatedAt)],
)

/**
 * How many rows `users` and `posts` hold, kept exact by triggers (migrations/0002_row_counts.sql) in the same
 * transaction as each insert and delete, so an unfiltered list's total is one row read instead of a scan of the table.
 */
export const rowCounts = sqliteTable('row_counts', {
  name: text('name', { enum: ['users', 'posts'] }).primaryKey(),
  count: integer('count').notNull(),
})

/**
 * API keys: only a SHA-256 of the secret is kept (the secret is random enough that a fast hash is safe, and the lookup
 * by it is one read of a unique index), with its prefix and last four characters for display. Deleting the user
 * deletes their keys (the foreign key cascades).
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    hash: text('hash').notNull(),
    // Comma-separated: read, write, keys.
    scopes: text('scopes').notNull(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at'),
    revokedAt: text('revoked_at'),
    lastUsedAt: text('last_used_at'),
    // The key that created this one (null: created with a login token). Revoking a key revokes the keys it created.
    parentKeyId: text('parent_key_id'),
  },
  (t) => [
    uniqueIndex('api_keys_hash_unique').on(t.hash),
    index('api_keys_user_created_at_id_idx').on(t.userId, t.createdAt, t.id),
    index('api_keys_parent_key_id_idx').on(t.parentKeyId),
  ],
)

// The webhooks' tables (events, endpoints, deliveries) live beside this file; drizzle-kit reads them through here.
export * from './webhook-schema'
