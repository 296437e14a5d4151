import type { Kysely } from 'kysely'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Clock } from '../domain/clock.js'
import { MirrorStateRepository } from '../storage/repositories/mirror-state.js'
import type { DB } from '../storage/schema.js'

/**
 * `msgstore mirror` runs as a process of its own and keeps its counts in the database
 * (migration 0012), so the serving process exports them, per local account, read when
 * Prometheus scrapes: one small read of a few rows per mirrored extension.
 */
export function registerMirrorSeries(registry: Registry, db: Kysely<DB>, clock: Clock): void {
  const state = new MirrorStateRepository(db)
  const registers = [registry]
  const byAccount = async () => {
    const totals = new Map<
      string,
      { messages: number; attachments: number; errors: number; oldest: number | null; mailboxes: number }
    >()
    for (const row of await state.list()) {
      const t = totals.get(row.account_id) ?? {
        messages: 0,
        attachments: 0,
        errors: 0,
        oldest: null,
        mailboxes: 0,
      }
      t.messages += Number(row.messages_mirrored)
      t.attachments += Number(row.attachments_mirrored)
      t.errors += Number(row.errors)
      t.mailboxes += 1
      const last = row.last_sync_at === null ? null : Number(row.last_sync_at)
      if (last !== null && (t.oldest === null || last < t.oldest)) t.oldest = last
      totals.set(row.account_id, t)
    }
    return totals
  }
  const counter = (
    name: string,
    help: string,
    pick: (t: { messages: number; attachments: number; errors: number }) => number,
  ) =>
    new Counter({
      name,
      help,
      labelNames: ['account_id'],
      registers,
      async collect() {
        this.reset()
        for (const [account_id, t] of await byAccount()) this.inc({ account_id }, pick(t))
      },
    })
  counter(
    'msgstore_mirror_messages_total',
    'Message records the mirror kept changed or new, per local account',
    (t) => t.messages,
  )
  counter(
    'msgstore_mirror_attachments_total',
    'Attachments the mirror downloaded, per local account',
    (t) => t.attachments,
  )
  counter(
    'msgstore_mirror_errors_total',
    'Mailbox syncs of the mirror that failed, per local account',
    (t) => t.errors,
  )
  new Gauge({
    name: 'msgstore_mirror_oldest_sync_age_seconds',
    help: 'Seconds since the least recently synced mirrored mailbox of the account was synced',
    labelNames: ['account_id'],
    registers,
    async collect() {
      this.reset()
      for (const [account_id, t] of await byAccount())
        if (t.oldest !== null) this.set({ account_id }, Math.max(0, (clock.now() - t.oldest) / 1000))
    },
  })
}
