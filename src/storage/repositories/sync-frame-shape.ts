import type { Direction, MessageType } from '../../domain/message/model.js'
import type { SyncFrame } from '../../domain/sync/frame.js'

/**
 * A sync frame split for a prepared statement (see storage/prepared.ts): the shape
 * decides the SQL text (which filters, which types and directions), the values are
 * its parameters. Every client of a mailbox syncing the default frame shares one shape.
 */
export interface FrameShape {
  types?: MessageType[]
  directions?: Direction[]
  conversation: boolean
  distinct: boolean
  /** A fixed upper bound (dateTo); an open frame has none. */
  bounded: boolean
}

export interface FrameValues {
  from: number
  lowerTime: number
  lowerId: number
  upper: number
  conversationId: number
}

export function frameShape(frame: SyncFrame): FrameShape {
  return {
    types: frame.types,
    directions: frame.directions,
    conversation: frame.conversationId !== undefined,
    distinct: frame.distinct,
    bounded: frame.upper !== null,
  }
}

/** The frame's values; those its shape leaves out are never read (0 stands in). */
export function frameValues(frame: SyncFrame): FrameValues {
  return {
    from: frame.from,
    lowerTime: frame.lower[0],
    lowerId: frame.lower[1],
    upper: frame.upper ?? 0,
    conversationId: frame.conversationId ?? 0,
  }
}

/** The frame a statement builder works with: the shape's filters, the values' stand-ins. */
export function frameOf(shape: FrameShape, values: FrameValues): SyncFrame {
  return {
    types: shape.types,
    directions: shape.directions,
    conversationId: shape.conversation ? values.conversationId : undefined,
    distinct: shape.distinct,
    from: values.from,
    lower: [values.lowerTime, values.lowerId],
    upper: shape.bounded ? values.upper : null,
  }
}
