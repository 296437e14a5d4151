import assert from 'node:assert/strict'
import { databaseFor, type RunningServer, STANDARD_FILE, startServer, tempDir } from './server.js'

/** Several nodes need a database they can share: the tests of them run on PostgreSQL only. */
export const onPostgres = Boolean(process.env.MSGSTORE_TEST_DATABASE_URL)
export const POSTGRES_ONLY = onPostgres ? false : 'runs on PostgreSQL only'

/** `count` nodes of one new PostgreSQL database, provisioned with STANDARD_FILE through the first. */
export async function startNodes(count = 2, args: string[] = []): Promise<RunningServer[]> {
  const database = await databaseFor(tempDir())
  assert.ok(database, 'several nodes need MSGSTORE_TEST_DATABASE_URL')
  const nodes: RunningServer[] = []
  for (let i = 0; i < count; i++) nodes.push(await startServer({ args: ['--database', database, ...args] }))
  assert.equal((await nodes[0]!.admin('POST', '/admin/v1/provision', STANDARD_FILE)).status, 200)
  return nodes
}

/** Stops the nodes (each in turn; a stopped one is skipped). */
export async function stopNodes(nodes: RunningServer[]): Promise<void> {
  for (const node of nodes) await node.stop()
}
