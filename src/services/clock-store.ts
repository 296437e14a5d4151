import { type Kysely, sql } from 'kysely'
import type { ClockStore } from '../domain/clock.js'
import type { DB } from '../storage/schema.js'

const KEY = 'clock:manual'

/** The manual clock's time in the `meta` table, shared by every node of one database. */
export class DbClockStore implements ClockStore {
  constructor(private readonly db: Kysely<DB>) {}

  async advanceTo(at: number): Promise<number> {
    // Text in `meta`, compared as numbers: the stored time only ever grows.
    await this.db
      .insertInto('meta')
      .values({ key: KEY, value: String(at) })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: sql<string>`case when cast(meta.value as bigint) < ${at} then ${String(at)} else meta.value end`,
        }),
      )
      .execute()
    return (await this.read()) ?? at
  }

  async read(): Promise<number | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', KEY).executeTakeFirst()
    return row ? Number(row.value) : undefined
  }
}
