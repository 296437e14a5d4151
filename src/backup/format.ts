/**
 * A backup is one zip file: the manifest, the database as of one instant, and the
 * files of the data folder that copy refers to, under the paths they have in a data
 * folder, so a restore only has to unpack it.
 */
export const MANIFEST = 'msgstore-backup.json'
export const DATABASE_ENTRY = 'msgstore.db'
export const FORMAT = 'msgstore-backup'
export const FORMAT_VERSION = 1

export interface Manifest {
  format: typeof FORMAT
  formatVersion: number
  msgstoreVersion: string
  createdAt: string
  attachmentFiles: number
  exportFiles: number
}

/** An entry name that stays inside the folder it is unpacked into: relative, no `..`, no backslash. */
export function safeEntryName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false
  return name.split('/').every((part) => part !== '..' && part !== '.')
}
