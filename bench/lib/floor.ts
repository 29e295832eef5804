import { join } from 'node:path'
import { projectRoot } from '../../scripts/lib/wrangler'

/** The floor Worker's own wrangler.toml (bench/floor): served with startWranglerDev({ config: floorConfig }). */
export const floorConfig = join(projectRoot, 'bench', 'floor', 'wrangler.toml')
