import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { corePlan, hasCommand } from './cores.js'

/**
 * wrk (Debian's package), the load generator of the bench: native, one event loop per
 * thread, so one core of it drives more requests than the server can answer on
 * another. It runs in its own process on its own core (cores.ts), and the bench reads
 * the CPU it used from /proc, so every figure says whether the generator kept up.
 *
 * What differs per request (a fresh query each time, alternating bodies) is done by a
 * small Lua script: paths are computed here in advance, written one a line, and read by
 * the script; wrk's Lua only picks the next one.
 */

export interface WrkRequest {
  path: string
  method?: string
  headers?: Record<string, string>
  bodies?: string[]
  /** Paths in the order they are to be sent; wrk starts over at the first after the last. */
  paths?: string[]
}

export interface WrkResult {
  seconds: number
  requests: number
  bytes: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  /** Responses with a status of 400 or more. */
  statusErrors: number
  socketErrors: number
  timeouts: number
  /** CPU seconds wrk used (user + system), from /proc. */
  cpuSeconds: number
}

let checked = false

/** Installs wrk from Debian when it is missing and we may (root with apt-get); otherwise says how. */
export function ensureWrk(): void {
  if (checked || hasCommand('wrk')) {
    checked = true
    return
  }
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    console.log('installing wrk (apt-get install wrk) …')
    execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  }
  if (!hasCommand('wrk')) throw new Error('the bench needs wrk: apt-get install wrk')
  checked = true
}

/** Lua long-bracket quoting that no body can close early. */
function luaString(text: string): string {
  let level = ''
  while (text.includes(`]${level}]`)) level += '='
  return `[${level}[\n${text}]${level}]`
}

function script(request: WrkRequest, pathsFile: string | undefined): string {
  const lines = [`wrk.method = ${luaString(request.method ?? 'GET')}`]
  const bodies = request.bodies ?? []
  if (bodies.length === 1) lines.push(`wrk.body = ${luaString(bodies[0]!)}`)
  if (pathsFile || bodies.length > 1) {
    // Only then a request() function: without one, wrk sends a request built once.
    lines.push(
      'local paths = {}',
      `local bodies = {${bodies.length > 1 ? bodies.map(luaString).join(', ') : ''}}`,
      'local n = 0',
      pathsFile ? `for line in io.lines(${luaString(pathsFile)}) do paths[#paths + 1] = line end` : '',
      'request = function()',
      '  n = n + 1',
      '  local p = nil',
      '  if #paths > 0 then p = paths[(n - 1) % #paths + 1] end',
      '  local b = nil',
      '  if #bodies > 0 then b = bodies[(n - 1) % #bodies + 1] end',
      '  return wrk.format(nil, p, nil, b)',
      'end',
    )
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("WRK_RESULT %d %d %d %d %d %d %.1f %.1f %.1f\\n", summary.duration,',
    '    summary.requests, summary.bytes, e.connect + e.read + e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(99), latency.mean))',
    'end',
  )
  return lines.join('\n')
}

/** Runs wrk against `baseUrl + request.path` for `seconds` with `connections` connections. */
export async function runWrk(
  baseUrl: string,
  request: WrkRequest,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  ensureWrk()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msgstore-wrk-'))
  try {
    const pathsFile = request.paths ? path.join(dir, 'paths.txt') : undefined
    if (pathsFile) fs.writeFileSync(pathsFile, `${request.paths!.join('\n')}\n`)
    const scriptFile = path.join(dir, 'load.lua')
    fs.writeFileSync(scriptFile, script(request, pathsFile))
    const plan = corePlan()
    const threads = Math.min(plan.generatorThreads, connections)
    const args = [
      '-t',
      String(threads),
      '-c',
      String(connections),
      '-d',
      `${seconds}s`,
      '--timeout',
      '30s',
      '-s',
      scriptFile,
      ...Object.entries(request.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
      `${baseUrl}${request.path}`,
    ]
    // The shell waits for wrk, then prints the CPU its waited-for children used
    // (cutime + cstime, fields 16 and 17 of /proc/<shell>/stat): wrk's own, to its end.
    const pin = plan.generator ? `taskset -c ${plan.generator} ` : ''
    const shell = `${pin}wrk "$@"; rc=$?; echo "WRK_CPU $(cut -d' ' -f16,17 /proc/$$/stat)"; exit $rc`
    const child = spawn('sh', ['-c', shell, 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      out += c
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    const result = /WRK_RESULT (.+)/.exec(out)
    const cpu = /WRK_CPU (\d+) (\d+)/.exec(out)
    if (code !== 0 || !result || !cpu) throw new Error(`wrk exited with ${code}:\n${out}`)
    const [durationUs, requests, bytes, socketErrors, statusErrors, timeouts, p50, p99, mean] = result[1]!
      .split(' ')
      .map(Number) as number[]
    return {
      seconds: durationUs! / 1e6,
      requests: requests!,
      bytes: bytes!,
      p50Ms: p50! / 1000,
      p99Ms: p99! / 1000,
      meanMs: mean! / 1000,
      statusErrors: statusErrors!,
      socketErrors: socketErrors!,
      timeouts: timeouts!,
      cpuSeconds: (Number(cpu[1]) + Number(cpu[2])) / 100,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
