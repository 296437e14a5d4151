import { open, seal } from '../../lib/sealed.js'
import { errors } from '../errors.js'
import { DIRECTIONS, type Direction, MESSAGE_TYPES, type MessageType } from '../message/model.js'
import type { Cursor, SyncFrame } from './frame.js'

/**
 * The sync token: the mailbox it belongs to, the frame, and the mailbox change
 * sequence number the client's copy has caught up to. Never a time: a change commits
 * with a sequence number above every change committed before it, so "everything after
 * number N" misses nothing, whatever the clocks and however long a transaction took.
 *
 * Encrypted and authenticated (AES-256-GCM) under a key every node shares: opaque to
 * the client, as the guide asks, and impossible to forge or edit.
 */
export interface SyncState {
  accountId: string
  extensionId: string
  /** The change sequence number the client has seen everything up to. */
  seq: number
  frame: SyncFrame
}

const PURPOSE = 'msgstore message-sync token v1'

interface Payload {
  a: string
  e: string
  s: number
  f: number
  l: [number, number]
  u: number | null
  t?: MessageType[]
  d?: Direction[]
  c?: number
  x?: 1
}

export function encodeSyncToken(key: Uint8Array, state: SyncState): string {
  const { frame } = state
  const payload: Payload = {
    a: state.accountId,
    e: state.extensionId,
    s: state.seq,
    f: frame.from,
    l: [frame.lower[0], frame.lower[1]],
    u: frame.upper,
  }
  if (frame.types) payload.t = frame.types
  if (frame.directions) payload.d = frame.directions
  if (frame.conversationId !== undefined) payload.c = frame.conversationId
  if (frame.distinct) payload.x = 1
  return seal(key, PURPOSE, payload)
}

/** A token issued for another mailbox is refused, whoever may read both. */
export function checkTokenMailbox(
  state: SyncState,
  mailbox: { accountId: string; extensionId: string },
): void {
  if (state.accountId !== mailbox.accountId || state.extensionId !== mailbox.extensionId) {
    throw errors.invalidSyncToken('It was issued for another mailbox.')
  }
}

/** The state a token carries, whichever mailbox it is for; a 400 naming `syncToken` if this store did not issue it. */
export function openSyncToken(key: Uint8Array, text: string): SyncState {
  const p = open(key, PURPOSE, text.trim())
  if (!isPayload(p)) throw errors.invalidSyncToken()
  const lower: Cursor = [p.l[0], p.l[1]]
  return {
    accountId: p.a,
    extensionId: p.e,
    seq: p.s,
    frame: {
      types: p.t,
      directions: p.d,
      conversationId: p.c,
      distinct: p.x === 1,
      from: p.f,
      lower,
      upper: p.u,
    },
  }
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v)

/** A sealed token is ours, but its shape is still checked: nothing malformed gets further. */
function isPayload(v: unknown): v is Payload {
  if (typeof v !== 'object' || v === null) return false
  const p = v as Record<string, unknown>
  return (
    typeof p.a === 'string' &&
    typeof p.e === 'string' &&
    isInt(p.s) &&
    (p.s as number) >= 0 &&
    isInt(p.f) &&
    Array.isArray(p.l) &&
    p.l.length === 2 &&
    p.l.every(isInt) &&
    (p.u === null || isInt(p.u)) &&
    (p.t === undefined || (Array.isArray(p.t) && p.t.every((t) => MESSAGE_TYPES.includes(t)))) &&
    (p.d === undefined || (Array.isArray(p.d) && p.d.every((d) => DIRECTIONS.includes(d)))) &&
    (p.c === undefined || isInt(p.c)) &&
    (p.x === undefined || p.x === 1)
  )
}
