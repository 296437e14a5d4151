import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'

/**
 * Which cores the servers and the load generator run on. The generator must never
 * compete with the server it measures for a core: then the slower of the two sets the
 * figure, and a bare route that the generator cannot drive any faster looks as slow as
 * a real route. With two or more cores, the generator gets the last core and the
 * servers every other one (`taskset`); with one core, nothing is pinned and the bench
 * says so.
 */
export interface CorePlan {
  /** `taskset -c` list for server processes, or undefined when not pinned. */
  server?: string
  /** `taskset -c` list for the load generator, or undefined when not pinned. */
  generator?: string
  /** Threads the generator runs (one per core it has). */
  generatorThreads: number
  cpus: number
}

let plan: CorePlan | undefined

export function corePlan(): CorePlan {
  if (plan) return plan
  const cpus = os.availableParallelism()
  const taskset = hasCommand('taskset')
  if (cpus < 2 || !taskset) plan = { cpus, generatorThreads: 1 }
  else
    plan = {
      cpus,
      server: cpus === 2 ? '0' : `0-${cpus - 2}`,
      generator: String(cpus - 1),
      generatorThreads: 1,
    }
  return plan
}

/** The command and arguments that run `command args` on the given cores (or unpinned). */
export function pinned(cores: string | undefined, command: string, args: string[]): [string, string[]] {
  return cores ? ['taskset', ['-c', cores, command, ...args]] : [command, args]
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** CPU seconds a process has used (utime + stime), from /proc (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}
