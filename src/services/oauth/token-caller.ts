import { type Kysely, sql } from 'kysely'
import type { Principal } from '../../domain/principal.js'
import { sha256 } from '../../lib/secrets.js'
import { PreparedStatement } from '../../storage/prepared.js'
import type { DB } from '../../storage/schema.js'

interface PrincipalRow {
  kind: string
  expires_at: number
  id: string
  client_id: string
  account_id: string
  extension_id: string
  permissions: string
  role: 'SuperAdmin' | 'User'
  status: string | null
}

/**
 * The caller of a token, whatever its kind and state. The session carries its extension's
 * role and status (provisioning keeps them in step), so no tenant table is joined: the
 * token names no account until it is read, and a store sharded by account keeps these
 * tables apart (src/storage/tenancy.ts).
 */
const principalStatement = new PreparedStatement(
  (
    _shape: undefined,
    v: { hash: string },
  ) => sql<PrincipalRow>`select t.kind, t.expires_at, s.id, s.client_id,
      s.account_id, s.extension_id, s.role, s.status, a.permissions
    from oauth_tokens t
    join oauth_sessions s on s.id = t.session_id
    join apps a on a.client_id = s.client_id
    where t.token_hash = ${v.hash}`,
)

const permissionSets = new Map<string, ReadonlySet<string>>()

function permissionSet(json: string): ReadonlySet<string> {
  let set = permissionSets.get(json)
  if (!set) {
    set = new Set(JSON.parse(json) as string[])
    if (permissionSets.size > 1000) permissionSets.clear()
    permissionSets.set(json, set)
  }
  return set
}

/**
 * Who a token speaks for, as stored, whatever the token's kind and state: `undefined` when
 * no token has its hash. Whether it may be used (an access token, an enabled extension,
 * not expired) is for the caller to say (oauth.ts). A statement compiled once, and an
 * app's permission list parsed once per distinct list rather than per token.
 */
export async function tokenCaller(
  db: Kysely<DB>,
  token: string,
): Promise<{ kind: string; status: string | null; expiresAt: number; principal: Principal } | undefined> {
  const { rows } = await principalStatement.execute(db, undefined, { hash: sha256(token) })
  const row = rows[0]
  if (!row) return undefined
  return {
    kind: row.kind,
    status: row.status,
    expiresAt: Number(row.expires_at),
    principal: {
      accountId: row.account_id,
      extensionId: row.extension_id,
      role: row.role,
      permissions: permissionSet(row.permissions),
      sessionId: row.id,
      clientId: row.client_id,
    },
  }
}
