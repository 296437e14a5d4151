import type { Kysely } from 'kysely'
import { bytesType } from './column-types.js'

/**
 * Attachment bytes inside the database, for installations where several nodes must
 * read every blob (PostgreSQL). A blob is a row in `blobs` and its bytes are chunks,
 * so that no blob is ever held whole in memory.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('blobs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // The chunks of a blob are stored under the upload that first wrote its bytes.
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('blob_chunks')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytesType(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_chunks_pk', ['upload_id', 'seq'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('blob_chunks').execute()
  await db.schema.dropTable('blobs').execute()
}
