import { eq, sql, type SQL } from 'drizzle-orm'
import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Outbox } from '../../application/webhook-ports'
import type { EventType } from '../../domain/webhook'
import { events, posts, users } from './schema'

/** A user as its events carry it (the whole record, as its owner reads it), made by SQLite from the row itself. */
const userJson = sql`json_object('id', ${users.id}, 'email', ${users.email}, 'name', ${users.name}, 'role', ${users.role}, 'createdAt', ${users.createdAt}, 'updatedAt', ${users.updatedAt})`
/** A post as its events carry it. */
const postJson = sql`json_object('id', ${posts.id}, 'authorId', ${posts.userId}, 'title', ${posts.title}, 'body', ${posts.body}, 'createdAt', ${posts.createdAt}, 'updatedAt', ${posts.updatedAt})`

type Subject = { table: typeof users; owner: SQL; json: SQL } | { table: typeof posts; owner: SQL; json: SQL }
const subjects = {
  user: { table: users, owner: sql`${users.id}`, json: userJson },
  post: { table: posts, owner: sql`${posts.userId}`, json: postJson },
} satisfies Record<string, Subject>

/**
 * The statements that write a change's event in the change's own batch (the transactional outbox). `where` picks the
 * row the change acts on and must hold exactly when the change applies (the same guard as the write), so there is no
 * event for a write that did not happen, and no write without its event:
 * - `after`, placed after an insert: the event of the new row (found by its new id);
 * - `before`, placed before a delete: the event carries the row as it was;
 * - `around`, for an update: the event row before the update (guarded like it), and its data filled from the row
 *   as the update left it, after.
 * Each event id is added to the request's outbox, to be sent to the queue after a successful answer.
 */
export function eventStatements(
  db: DrizzleD1Database,
  outbox: Outbox,
  kind: keyof typeof subjects,
  type: EventType,
  where: SQL | undefined,
) {
  const id = crypto.randomUUID()
  const now = new Date().toISOString()
  const { table, owner, json } = subjects[kind]
  outbox.record(id)
  const insert = (data: SQL) =>
    db.insert(events).select(sql`select ${id}, ${type}, ${owner}, ${data}, ${now}, null from ${table} where ${where ?? sql`1`}`)
  return {
    id,
    /** After an insert, or before a delete: the row's event, with the row as it is then. */
    now: insert(json),
    /** Before an update: the event, its data filled by `fill` once the update ran. */
    placeholder: insert(sql`'{}'`),
    fill: (row: SQL) =>
      db
        .update(events)
        .set({ data: sql`(select ${json} from ${table} where ${row})` })
        .where(eq(events.id, id)),
  }
}

/** The outbox of a request that writes no events (a sign-up's recovery, housekeeping). */
export const noOutbox: Outbox = { record: () => undefined }
