// The one Node API this Worker uses (nodejs_compat provides it), declared here rather than loading every Node global's
// types into code that runs on workerd.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R
    getStore(): T | undefined
  }
}
