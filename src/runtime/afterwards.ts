import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Work after the answer (waitUntil) runs inside this context, so whatever it does can be told from the request's own
 * work: its log lines say `afterResponse`, and the round-trip tests count its database trips apart from the ones the
 * client waits for.
 */
export const afterResponse = new AsyncLocalStorage<true>()

/** Starts work that the answer does not wait for, keeping the invocation alive until it settles. */
export function runAfterResponse(ctx: Pick<ExecutionContext, 'waitUntil'>, work: () => Promise<unknown>): void {
  ctx.waitUntil(afterResponse.run(true, work))
}
