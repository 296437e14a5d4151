/**
 * The path patterns of fault rules and journal filters: segments compared one by one,
 * `*` matching any one segment, `~` matching `~` or any id (RingCentral's ids are
 * digits), anything else matching itself. A trailing slash is ignored.
 */
export function compilePathPattern(pattern: string): (path: string) => boolean {
  const want = segments(pattern)
  return (path) => {
    const got = segments(path)
    if (got.length !== want.length) return false
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!
      const g = got[i]!
      if (w === '*') continue
      const same = w === '~' ? g === '~' || /^\d+$/.test(g) : w === g
      if (!same) return false
    }
    return true
  }
}

/** Segments as the route reads them: clients may send `~` as `%7E`. */
function segments(path: string): string[] {
  const bare = path.split('?', 1)[0]!.replace(/\/+$/, '')
  return bare.split('/').map((segment) => {
    if (!segment.includes('%')) return segment
    try {
      return decodeURIComponent(segment)
    } catch {
      return segment
    }
  })
}
