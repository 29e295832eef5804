// The one Node API these Workers use (nodejs_compat provides it): the API (runtime/afterwards.ts) and the benchmark's
// latency model (bench/latency). Declared here rather than loading every Node global's types into code that runs on workerd.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R
    getStore(): T | undefined
  }
}
