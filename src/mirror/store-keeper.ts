import type { Services } from '../app/services.js'
import type { MirrorKeeper } from './keeper.js'

/** The store's message keeping, as the mirror uses it. */
export function storeKeeper(_services: Services): MirrorKeeper {
  throw new Error('message keeping is not available in this build')
}
