import { createHash } from 'node:crypto'

/**
 * A conversation is one set of participants within an account: for SMS, the user's
 * number and the outside numbers. Its id is derived from that set, so every copy of
 * a message (sender's and recipients', on any node) lands in the same conversation
 * without coordination. Ids fit in 53 bits so that JavaScript clients read them exactly.
 */
export function conversationIdOf(accountId: string, participants: string[]): number {
  const key = `${accountId}|${[...new Set(participants)].sort().join(',')}`
  const digest = createHash('sha256').update(key).digest()
  const high = digest.readUIntBE(0, 3) & 0x1fffff // 21 bits
  const low = digest.readUInt32BE(3)
  const id = high * 2 ** 32 + low
  return id === 0 ? 1 : id
}

export function participantsKey(participants: string[]): string {
  return [...new Set(participants)].sort().join(',')
}
