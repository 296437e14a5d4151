/**
 * npm runs a command through `sh -c`, and npm forwards SIGTERM/SIGINT only to that shell.
 * Debian's shell dies of the signal without passing it on, which would leave the server
 * running, orphaned, holding its port (`npx msgstore serve`; `npm start` avoids the shell
 * with `exec`). So when npm started us, we stop as soon as the process that started us is
 * gone. A server started any other way (a service manager, `nohup`, a container) keeps
 * running whatever becomes of its parent.
 */
const CHECK_EVERY_MS = 500

export function stopWhenNpmParentExits(stop: () => void): void {
  if (!process.env.npm_command) return
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer)
      stop()
    }
  }, CHECK_EVERY_MS)
  timer.unref()
}
