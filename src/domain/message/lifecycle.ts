import { errors } from '../errors.js'
import { type Availability, READ_STATUSES, type ReadStatus } from './model.js'

/**
 * A message's life cycle: `Alive` → `Deleted` → `Purged`. A Deleted message can be
 * restored; a Purged one has lost its attachment bytes and cannot come back.
 */

export interface MessageState {
  availability: Availability
  readStatus: ReadStatus
}

/** What a PUT (`readStatus` only) or a PATCH (`readStatus` and/or `availability: Alive`) asks for. */
export interface MessageUpdate {
  readStatus?: ReadStatus
  /** `availability: Alive`: restore a Deleted message. */
  restore?: boolean
}

export type MessageChange =
  | ({ kind: 'update' } & MessageUpdate)
  /** One `DELETE …/message-store/{id}`: Alive → Deleted → Purged; `purge` goes straight to Purged. */
  | { kind: 'delete'; purge: boolean }
  /** `DELETE …/message-store?…`: Alive → Deleted, or anything not yet Purged → Purged with `purge`. */
  | { kind: 'deleteByFilter'; purge: boolean }

/** The state a change leads to; throws the API error of a change that is not allowed. */
export function transition(state: MessageState, change: MessageChange): MessageState {
  switch (change.kind) {
    case 'update': {
      let availability = state.availability
      if (change.restore) {
        if (state.availability === 'Purged') throw errors.cannotRestorePurged()
        availability = 'Alive'
      }
      return { availability, readStatus: change.readStatus ?? state.readStatus }
    }
    case 'delete': {
      const availability = change.purge || state.availability !== 'Alive' ? 'Purged' : 'Deleted'
      return { ...state, availability }
    }
    case 'deleteByFilter': {
      if (change.purge) return { ...state, availability: 'Purged' }
      return { ...state, availability: state.availability === 'Alive' ? 'Deleted' : state.availability }
    }
  }
}

/** The availabilities a delete by filter can still change. */
export function deletableByFilter(purge: boolean): Availability[] {
  return purge ? ['Alive', 'Deleted'] : ['Alive']
}

/**
 * Reads the body of one PUT or PATCH item. PUT takes `readStatus` only; PATCH takes
 * `readStatus` and/or `availability` (only `Alive`, which restores a Deleted message).
 */
export function parseMessageUpdate(input: unknown, method: 'PUT' | 'PATCH'): MessageUpdate {
  const readStatusDetail = `Expected one of ${READ_STATUSES.join(', ')}.`
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    if (method === 'PUT')
      throw errors.invalidParameter('readStatus', `A JSON object with readStatus is required.`)
    throw errors.invalidParameter(
      'readStatus',
      'A JSON object with readStatus and/or availability is required.',
    )
  }
  const body = input as Record<string, unknown>
  const update: MessageUpdate = {}
  if (body.readStatus !== undefined) {
    if (!READ_STATUSES.includes(body.readStatus as ReadStatus)) {
      throw errors.invalidParameter('readStatus', readStatusDetail)
    }
    update.readStatus = body.readStatus as ReadStatus
  }
  if (method === 'PUT') {
    if (update.readStatus === undefined)
      throw errors.invalidParameter('readStatus', `Required. ${readStatusDetail}`)
    return update
  }
  if (body.availability !== undefined) {
    if (body.availability !== 'Alive') {
      throw errors.invalidParameter('availability', 'Only Alive (restoring a Deleted message) is supported.')
    }
    update.restore = true
  }
  if (update.readStatus === undefined && !update.restore) {
    throw errors.invalidParameter('readStatus', 'Either readStatus or availability is required.')
  }
  return update
}
