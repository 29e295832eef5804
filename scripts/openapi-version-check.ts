/**
 * `tsx scripts/openapi-version-check.ts [--document openapi/openapi.json] [--releases openapi/releases]`: the version
 * gate. Compares the document with the latest released snapshot (`openapi/releases/<version>.json`, highest semver):
 *
 * - unchanged: passes (info.version must then be the snapshot's);
 * - changed: info.version must be greater than the snapshot's;
 * - changed with breaking changes (scripts/lib/openapi-diff.ts, the same check as openapi:breaking): from 1.0.0 on the
 *   major version must be greater; before 1.0.0 (0.y.z) the minor version must be, as npm's caret ranges treat 0.y as
 *   the breaking digit (`^0.1.0` accepts 0.1.9 but not 0.2.0), so SDK users on `^0.1.0` never get the break unasked.
 *
 * Exit 0 when it passes, 1 with the reason when it does not, 2 on bad input. docs/versioning.md has the policy.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findBreakingChanges, parseDocument } from './lib/openapi-diff'

type Print = (line: string) => void

export interface Version {
  major: number
  minor: number
  patch: number
  prerelease: string[]
  text: string
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text)
  if (!match) return undefined
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ? match[4].split('.') : [],
    text,
  }
}

/** Semver precedence: negative when a < b. A prerelease sorts before its release (1.0.0-rc.1 < 1.0.0). */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] - b[key]
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i]
    const y = b.prerelease[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (x === y) continue
    const numeric = /^\d+$/
    if (numeric.test(x) && numeric.test(y)) return Number(x) - Number(y)
    if (numeric.test(x)) return -1
    if (numeric.test(y)) return 1
    return x < y ? -1 : 1
  }
  return 0
}

/** JSON with every object's keys sorted: two documents that differ only in key order are the same document. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  )
}

/** The version a breaking change needs at least, from the released one: the next major, or before 1.0.0 the next minor. */
export function nextBreakingVersion(released: Version): string {
  return released.major === 0 ? `0.${released.minor + 1}.0` : `${released.major + 1}.0.0`
}

const root = fileURLToPath(new URL('../', import.meta.url))

export function runVersionCheck(args: string[], out: Print, err: Print): number {
  let documentPath = join(root, 'openapi/openapi.json')
  let releasesDir = join(root, 'openapi/releases')
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]
    const value = args[i + 1]
    if ((flag === '--document' || flag === '--releases') && value !== undefined) {
      if (flag === '--document') documentPath = value
      else releasesDir = value
      i++
    } else {
      err('usage: openapi-version-check [--document openapi/openapi.json] [--releases openapi/releases]')
      return 2
    }
  }

  let document
  let snapshots: Array<{ file: string; version: Version }>
  try {
    document = parseDocument(readFileSync(documentPath, 'utf8'), documentPath)
    snapshots = readdirSync(releasesDir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => {
        const version = parseVersion(file.slice(0, -'.json'.length))
        if (!version) throw new Error(`${join(releasesDir, file)}: a snapshot is named <semver>.json`)
        return { file: join(releasesDir, file), version }
      })
  } catch (error) {
    err(`openapi-version-check: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
  const current = parseVersion(document.info?.version ?? '')
  if (!current) {
    out(`openapi-version-check: info.version of ${documentPath} is "${document.info?.version ?? ''}", not a semantic version (x.y.z).`)
    return 1
  }
  if (snapshots.length === 0) {
    out(`openapi-version-check: no released snapshot in ${releasesDir}; the first release is ${releasesDir}/${current.text}.json.`)
    return 1
  }
  const latest = snapshots.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b))
  let snapshot
  try {
    snapshot = parseDocument(readFileSync(latest.file, 'utf8'), latest.file)
  } catch (error) {
    err(`openapi-version-check: ${error instanceof Error ? error.message : String(error)}`)
    return 2
  }
  const released = latest.version
  if (snapshot.info?.version !== released.text) {
    out(
      `openapi-version-check: ${latest.file} has info.version ${snapshot.info?.version ?? '(none)'}; a snapshot's file name is its version.`,
    )
    return 1
  }

  if (canonical(document) === canonical(snapshot)) {
    out(`openapi-version-check: ${current.text} is the released ${released.text}, unchanged.`)
    return 0
  }
  if (compareVersions(current, released) <= 0) {
    out(
      `openapi-version-check: the document changed since release ${released.text} but its info.version is ${current.text}. ` +
        `Raise info.version above ${released.text} (src/contract/document.ts, then npm run openapi): a patch for documentation, ` +
        `a minor for additions, ${nextBreakingVersion(released)} for a breaking change.`,
    )
    return 1
  }

  const breaking = findBreakingChanges(snapshot, document)
  const majorEnough = released.major === 0 ? current.major > 0 || current.minor > released.minor : current.major > released.major
  if (breaking.length > 0 && !majorEnough) {
    const rule =
      released.major === 0 ? 'before 1.0.0 a breaking change raises the minor version' : 'a breaking change raises the major version'
    out(
      `openapi-version-check: ${breaking.length} breaking change(s) since release ${released.text}, but info.version is only ${current.text}: ` +
        `${rule}, so it must be at least ${nextBreakingVersion(released)}. Or make the change additive.`,
    )
    for (const change of breaking) out(`  - ${change}`)
    return 1
  }
  const kind = breaking.length > 0 ? `${breaking.length} breaking change(s)` : 'no breaking change'
  out(`openapi-version-check: ${current.text} follows release ${released.text} (${kind}).`)
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = runVersionCheck(process.argv.slice(2), console.log, console.error)
}
