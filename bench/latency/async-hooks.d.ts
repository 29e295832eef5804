// What the latency entries use of node:async_hooks, which workerd provides under the nodejs_compat flag (both Workers
// have it). Declared here because their tsconfig (bench/floor/tsconfig.json) has the Workers types, not Node's.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R
    getStore(): T | undefined
  }
}
