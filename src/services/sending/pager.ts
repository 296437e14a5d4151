import type { Kysely } from 'kysely'
import { errors } from '../../domain/errors.js'
import { conversationIdOf } from '../../domain/message/conversation.js'
import type { Message, Party } from '../../domain/message/model.js'
import { loadMessage } from '../../storage/repositories/message-status.js'
import type { DB } from '../../storage/schema.js'
import { storeAttachments, textFile } from './attachments.js'
import { storeCopies } from './copies.js'
import type { Envelope } from './envelope.js'
import { readText } from './envelope.js'
import { type AccountExtension, accountDirectory } from './recipients.js'
import type { Sender } from './sender.js'
import type { SendingDeps } from './service.js'

/** createInternalTextMessage: text of at most 1024 UTF-16 units. */
export const PAGER_TEXT_MAX = 1024

type Directory = Awaited<ReturnType<typeof accountDirectory>>

/**
 * A pager thread is a set of participants, kept as the conversation's participants:
 * `ext:{id}` for an extension addressed directly (the sender too), `dept:{id}` for a
 * department. Departments stay departments, so a reply reaches the department's
 * members of the time of the reply, and a member who has left it is no longer in the
 * thread.
 */
const extToken = (id: string) => `ext:${id}`
const deptToken = (id: string) => `dept:${id}`

/**
 * Sends a company pager message: to extensions by `extensionNumber` or `extensionId`,
 * a department fanning out to its members, or as a reply (`replyOn`) to the other
 * participants of a thread. Pager messages are delivered at once: the sender's copy is
 * `Sent`, each recipient's `Received`, all in one conversation.
 */
export async function sendPager(deps: SendingDeps, sender: Sender, envelope: Envelope): Promise<Message> {
  checkFrom(envelope.from, sender)
  const text = readText(envelope, PAGER_TEXT_MAX, true)!
  const directory = await accountDirectory(deps.db, sender.accountId)
  const thread =
    envelope.replyOn === undefined || envelope.replyOn === null
      ? newThread(envelope.to, sender, directory)
      : await replyThread(deps.db, envelope.replyOn, sender, directory)
  const recipients = fanOut(thread.addressed, sender, directory, thread.strict)
  const toDepartment = thread.addressed.some((e) => e.type === 'Department')
  const conversationId = conversationIdOf(sender.accountId, thread.participants)
  const attachments = await storeAttachments(deps.blobs, [textFile(text)])
  const party = (e: { id: string; extensionNumber: string; name: string }): Party => ({
    extensionNumber: e.extensionNumber,
    extensionId: e.id,
    name: e.name,
  })
  const common = {
    accountId: sender.accountId,
    type: 'Pager' as const,
    availability: 'Alive' as const,
    priority: 'Normal' as const,
    subject: text,
    from: party({ id: sender.extensionId, extensionNumber: sender.extensionNumber, name: sender.name }),
    to: thread.addressed.map(party),
    conversationId,
    participants: thread.participants,
    extra: { pgToDepartment: toDepartment },
    attachments,
  }
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now()
    const outbound = await storeCopies(
      trx,
      {
        accountId: sender.accountId,
        outbound: {
          ...common,
          extensionId: sender.extensionId,
          direction: 'Outbound',
          readStatus: 'Read',
          messageStatus: 'Sent',
          creationTime: now,
        },
        inbound: recipients.map((recipient) => ({
          ...common,
          extensionId: recipient.id,
          direction: 'Inbound',
          readStatus: 'Unread',
          messageStatus: 'Received',
          creationTime: now,
        })),
      },
      now,
    )
    return outbound!
  })
}

/** A pager message is always from the caller: naming anyone else is MSG-331. */
function checkFrom(from: unknown, sender: Sender): void {
  if (from === undefined || from === null) return
  if (typeof from !== 'object' || Array.isArray(from)) throw errors.invalidParameter('from')
  const { extensionId, extensionNumber } = from as Envelope
  if (extensionId !== undefined && String(extensionId) !== sender.extensionId) throw errors.senderMismatch()
  if (extensionNumber !== undefined && String(extensionNumber) !== sender.extensionNumber) {
    throw errors.senderMismatch()
  }
}

interface Thread {
  /** The extensions the message is addressed to (departments as such), not the sender. */
  addressed: AccountExtension[]
  participants: string[]
  /** Addressed directly by the request: a Disabled or Frozen extension there is an error. */
  strict: boolean
}

function newThread(to: unknown, sender: Sender, directory: Directory): Thread {
  const list = to === undefined || to === null ? [] : Array.isArray(to) ? to : [to]
  if (list.length === 0) throw errors.required('to')
  const byNumber = new Map([...directory.byId.values()].map((e) => [e.extensionNumber, e]))
  const addressed = new Map<string, AccountExtension>()
  for (const item of list) {
    if (typeof item !== 'object' || item === null) throw errors.invalidParameter('to')
    const { extensionId, extensionNumber } = item as Envelope
    let found: AccountExtension | undefined
    if (extensionId !== undefined) {
      found = directory.byId.get(String(extensionId))
      if (!found) throw errors.notFound('to.extensionId', 400)
    } else if (extensionNumber !== undefined) {
      found = byNumber.get(String(extensionNumber))
      if (!found) throw errors.notFound('to.extensionNumber', 400)
    } else {
      throw errors.required('to.extensionNumber')
    }
    addressed.set(found.id, found)
  }
  const targets = [...addressed.values()]
  const participants = [
    extToken(sender.extensionId),
    ...targets.map((e) => (e.type === 'Department' ? deptToken(e.id) : extToken(e.id))),
  ]
  // Paging oneself adds nobody: the sender's own copy is the Outbound one.
  return { addressed: targets.filter((e) => e.id !== sender.extensionId), participants, strict: true }
}

/**
 * `replyOn`: the id of the replier's own copy of a pager message. The reply goes to
 * every other participant of its thread; a replier who is no longer one (a member
 * who left the department the thread was sent to) is refused with MSG-326.
 */
async function replyThread(
  db: Kysely<DB>,
  replyOn: unknown,
  sender: Sender,
  directory: Directory,
): Promise<Thread> {
  const id = typeof replyOn === 'string' && /^\d{1,16}$/.test(replyOn) ? Number(replyOn) : replyOn
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw errors.invalidParameter('replyOn')
  const original = await loadMessage(db, sender, id)
  if (!original || original.type !== 'Pager' || original.conversationId === undefined) {
    throw errors.notFound('replyOn', 400)
  }
  const conversation = await db
    .selectFrom('conversations')
    .select('participants')
    .where('account_id', '=', sender.accountId)
    .where('id', '=', original.conversationId)
    .executeTakeFirst()
  const participants = conversation ? conversation.participants.split(',') : []
  const member = (token: string) =>
    token.startsWith('dept:') && (directory.members.get(token.slice(5)) ?? []).includes(sender.extensionId)
  if (!participants.includes(extToken(sender.extensionId)) && !participants.some(member)) {
    throw errors.replyDenied()
  }
  const addressed = participants
    .filter((t) => t !== extToken(sender.extensionId))
    .map((t) => directory.byId.get(t.slice(t.indexOf(':') + 1)))
    .filter((e): e is AccountExtension => e !== undefined)
  return { addressed, participants, strict: false }
}

/**
 * The extensions that get an Inbound copy: users addressed directly, and the members
 * of addressed departments, once each, never the sender. A Disabled or Frozen user
 * addressed directly is an error (in a reply it is skipped); reached through a
 * department it is skipped.
 */
function fanOut(
  addressed: AccountExtension[],
  sender: Sender,
  directory: Directory,
  strict: boolean,
): AccountExtension[] {
  const recipients = new Map<string, AccountExtension>()
  for (const e of addressed) {
    if (e.type !== 'Department') {
      if (e.status !== 'Enabled') {
        if (strict) throw errors.recipientState('to')
        continue
      }
      if (e.id !== sender.extensionId) recipients.set(e.id, e)
      continue
    }
    const members = directory.members.get(e.id) ?? []
    if (members.length === 0 && strict) throw errors.noDepartmentMembers('to')
    for (const memberId of members) {
      const member = directory.byId.get(memberId)
      if (member && member.status === 'Enabled' && member.id !== sender.extensionId)
        recipients.set(member.id, member)
    }
  }
  return [...recipients.values()]
}
