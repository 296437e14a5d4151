import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, test } from 'node:test'
import { DISTRIBUTED_TABLES, LOCAL_TABLES, REFERENCE_TABLES } from '../../src/storage/tenancy.js'
import { missingAccount } from '../helpers/tenancy.js'

describe('tenancy', () => {
  test('the checker catches a statement that forgets the account, in any part', () => {
    assert.equal(
      missingAccount('select "id" from "messages" where "account_id" = $1 and "id" = $2'),
      undefined,
    )
    assert.match(missingAccount('select "id" from "messages" where "extension_id" = ?')!, /messages/)
    // One subquery forgets it: caught although the statement names the column elsewhere.
    assert.match(
      missingAccount(
        'select (select count(*) from messages m where m.account_id = ? and m.extension_id = ?), (select change_seq from mailboxes where extension_id = ?)',
      )!,
      /2 reference/,
    )
    assert.equal(
      missingAccount(
        'select 1 from "attachments" as "a" inner join "messages" as "m" on "m"."account_id" = "a"."account_id" and "m"."id" = "a"."message_id" where "a"."account_id" = $1',
      ),
      undefined,
    )
    assert.match(
      missingAccount('insert into "attachments" ("message_id", "position") values ($1, $2)')!,
      /insert/,
    )
    assert.equal(missingAccount('insert into "jobs" ("name") values (?)'), undefined)
    assert.equal(missingAccount('select "id" from "accounts" where "id" = ?'), undefined)
  })

  test('docs/postgresql.md shows the Citus call of every table, and classifies every table once', () => {
    const readme = fs.readFileSync(new URL('../../docs/postgresql.md', import.meta.url), 'utf8')
    for (const [table, column] of Object.entries(DISTRIBUTED_TABLES)) {
      const call =
        table === 'accounts'
          ? `SELECT create_distributed_table('accounts', 'id');`
          : `SELECT create_distributed_table('${table}', '${column}', colocate_with => 'accounts');`
      assert.ok(readme.includes(call), `docs/postgresql.md lacks: ${call}`)
    }
    for (const table of REFERENCE_TABLES) {
      assert.ok(
        readme.includes(`SELECT create_reference_table('${table}');`),
        `docs/postgresql.md lacks ${table}`,
      )
    }
    const all = [...Object.keys(DISTRIBUTED_TABLES), ...REFERENCE_TABLES, ...LOCAL_TABLES]
    assert.equal(new Set(all).size, all.length)
  })
})
