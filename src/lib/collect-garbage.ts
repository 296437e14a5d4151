import v8 from 'node:v8'
import vm from 'node:vm'

let gc: (() => void) | undefined | null = null

/**
 * A full garbage collection now; nothing if this Node cannot offer one.
 *
 * Why: a long streaming job (an export archive) leaves behind garbage in V8's old
 * generation and Buffers whose memory returns only when their objects are collected.
 * V8 collects them at a time of its choosing, often after the next archive has piled
 * up its own, which showed as 20–60 MB of resident memory that depended on the timing.
 * Collecting once at the end of each archive (at most one every few hundred ms, a few
 * ms each) keeps the peak where the live data puts it.
 *
 * Node offers `gc()` only behind `--expose-gc`, a flag of the whole process. Set at run
 * time, the flag reaches new contexts only, so the function is taken from a fresh
 * context and no global changes (the way Jest's leak detector does it).
 */
export function collectGarbage(): void {
  if (gc === null) {
    try {
      v8.setFlagsFromString('--expose-gc')
      const found = vm.runInNewContext('typeof gc === "function" ? gc : undefined') as unknown
      gc = typeof found === 'function' ? (found as () => void) : undefined
    } catch {
      gc = undefined
    }
  }
  gc?.()
}
