/** Pauses between the tries of work after the answer: a dependency's blip (a lost connection, a reset) is over by then. */
const PAUSES_MS = [500, 2000]

/**
 * Work after the answer that matters (clearing a login's failed count, recording a welcome or a key's use): tried up to
 * three times before its failure is reported. The answer never waits for it; the invocation stays alive until it settles.
 */
export async function retried(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await work()
      return
    } catch (error) {
      const pause = PAUSES_MS[attempt]
      if (pause === undefined) throw error
      await new Promise((resolve) => setTimeout(resolve, pause))
    }
  }
}
