import type { FastifyReply } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { Message } from '../../../../domain/message/model.js'
import { renderRecord, withBaseUrl } from '../../../../domain/message/record.js'

export const MB = 1024 * 1024

/** Answers the sender's copy: its record as the store keeps it (see domain/message/record.ts). */
export function replyWithRecord(reply: FastifyReply, services: Services, message: Message): FastifyReply {
  return reply
    .type('application/json; charset=utf-8')
    .send(withBaseUrl(renderRecord(message), services.publicUrl.bytes))
}
