import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { registerRestAuth } from '../../plugins/rest-auth.js'
import { registerListMessages } from './message-store/list.js'
import { registerReadMessage } from './message-store/read.js'

/** Every authenticated route under `/restapi/v1.0`, in one place. */
export function registerRestApi(app: FastifyInstance, services: Services): void {
  registerRestAuth(app, services.oauth)
  registerListMessages(app, services)
  registerReadMessage(app, services)
}
