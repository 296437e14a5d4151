import { execFile } from 'node:child_process'
import { MAIN } from './server.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `msgstore ARGS…` (the built dist/main.js) to completion. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { ...process.env, MSGSTORE_LOG_LEVEL: 'error', ...env }, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      },
    )
  })
}
