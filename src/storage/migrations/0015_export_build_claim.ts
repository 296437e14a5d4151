import type { Kysely } from 'kysely'

/**
 * A report's build is a job like any other: the job runner claims it, keeps the claim
 * alive while it runs and hands it to another node when its node dies. The task keeps
 * only which claim may write it (`build_claim`, the runner's claim token), no lease of
 * its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('export_tasks').renameColumn('lease_owner', 'build_claim').execute()
  await db.schema.alterTable('export_tasks').dropColumn('lease_until').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('export_tasks').addColumn('lease_until', 'bigint').execute()
  await db.schema.alterTable('export_tasks').renameColumn('build_claim', 'lease_owner').execute()
}
