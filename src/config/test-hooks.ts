/**
 * Hooks for msgstore's own crash tests, kept apart from the operator's settings: they
 * are read from MSGSTORE_TEST_* variables only, have no flag and no documentation row,
 * and do nothing unless set.
 */
export interface TestHooks {
  /** The export build stops and waits forever (until the process is killed) once archive N is written. */
  readonly exportStallAfterArchive?: number
}

export function loadTestHooks(env: Record<string, string | undefined>): TestHooks {
  const stall = env.MSGSTORE_TEST_EXPORT_STALL_AFTER
  return Object.freeze(stall ? { exportStallAfterArchive: Number(stall) } : {})
}
