// The browser test drives Debian's Chromium (never a downloaded one: this machine and CI reach only npm and Debian).
// When it is missing, install it as .ci/run does (as root, or through sudo without a password), or say exactly what to run.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const CHROMIUM = '/usr/bin/chromium'

function run(command: string[], asRoot: boolean): void {
  const [file, ...args] = asRoot ? command : ['sudo', '-n', ...command]
  execFileSync(file!, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

if (!existsSync(CHROMIUM)) {
  const asRoot = process.getuid?.() === 0
  const canSudo = !asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
  if (!asRoot && !canSudo) {
    console.error(
      `The browser test needs Debian's Chromium at ${CHROMIUM}. Install it, then run npm test again:\n  sudo apt-get update && sudo apt-get install -y chromium`,
    )
    process.exit(1)
  }
  console.log(`${CHROMIUM} is missing: installing Debian's chromium package (apt-get)`)
  run(['apt-get', 'update', '-qq'], asRoot)
  run(['apt-get', 'install', '-y', '-qq', 'chromium'], asRoot)
}
