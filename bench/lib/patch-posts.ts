// The authenticated write the bench loads beside the POST: a PATCH of one of the bench user's own posts with If-Match
// set to the version the last answer for that post carried (its strong ETag "v<n>"), as a careful client sends it.
// Every PATCH bumps the version, so a post is out in one request at a time, and there are more posts than connections.
import type { Chained } from './load'

interface Post {
  id: string
  /** The versions it may be at: one, unless a request for it was never answered (then that one may have landed). */
  versions: number[]
  busy: boolean
}

const ETAG = /^"v(\d+)"$/

export function patchPosts(pathOf: (postId: string) => string, created: Array<{ id: string; version: number }>): Chained {
  const posts: Post[] = created.map(({ id, version }) => ({ id, versions: [version], busy: false }))
  const out = new Map<number, Post>()
  let tickets = 0
  let cursor = 0
  return {
    next() {
      for (let tried = 0; tried < posts.length; tried += 1) {
        const post = posts[(cursor + tried) % posts.length]
        if (!post || post.busy) continue
        cursor = (cursor + tried + 1) % posts.length
        post.busy = true
        tickets += 1
        out.set(tickets, post)
        return { path: pathOf(post.id), headers: { 'if-match': post.versions.map((v) => `"v${v}"`).join(', ') }, ticket: tickets }
      }
      throw new Error(`more PATCH requests in flight than the ${posts.length} posts they take turns on`)
    },
    answered(ticket, status, headers) {
      const post = out.get(ticket)
      if (!post) return
      out.delete(ticket)
      post.busy = false
      const etag = Object.entries(headers).find(([name]) => name.toLowerCase() === 'etag')?.[1]
      const version = ETAG.exec(String(etag ?? ''))?.[1]
      // A failed answer fails the run (load.ts), so only a success's version matters.
      if (status === 200 && version) post.versions = [Number(version)]
    },
    settle() {
      for (const post of out.values()) {
        post.busy = false
        post.versions = [...new Set(post.versions.flatMap((v) => [v, v + 1]))]
      }
      out.clear()
    },
  }
}
