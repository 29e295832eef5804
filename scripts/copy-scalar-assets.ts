// Copies the pinned Scalar browser bundle into the Worker's static assets, so /docs needs no CDN.
import { copyFileSync, mkdirSync } from 'node:fs'

// The package exports no path to its browser build, so it is read from node_modules directly.
const bundle = new URL('../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url)
mkdirSync(new URL('../public/scalar/', import.meta.url), { recursive: true })
copyFileSync(bundle, new URL('../public/scalar/standalone.js', import.meta.url))
console.log('copied Scalar standalone.js into public/scalar/')
