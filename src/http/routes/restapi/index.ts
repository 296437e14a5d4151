import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../app/services.js'
import { registerMailboxHook } from '../../plugins/mailbox.js'
import { registerRestAuth } from '../../plugins/rest-auth.js'
import { registerAccountRoutes } from './account/index.js'
import { allowEmptyJsonBodies } from './message-store/bulk.js'
import { registerMessageContent } from './message-store/content.js'
import { registerDeleteMessage } from './message-store/delete.js'
import { registerDeleteMessagesByFilter } from './message-store/delete-by-filter.js'
import { registerListMessages } from './message-store/list.js'
import { registerPatchMessage } from './message-store/patch.js'
import { registerReadMessage } from './message-store/read.js'
import { registerUpdateMessage } from './message-store/update.js'
import { registerMessageStoreConfiguration } from './message-store-configuration.js'
import { registerMessageStoreReports } from './message-store-report/index.js'
import { registerMessageSync } from './message-sync.js'
import { registerMessaging } from './messaging/index.js'
import { registerSubscriptions } from './subscription.js'

/** Every authenticated route under `/restapi/v1.0`, in one place. */
export function registerRestApi(app: FastifyInstance, services: Services): void {
  registerRestAuth(app, services.oauth)
  registerMailboxHook(app, services.mailboxes)
  registerListMessages(app, services)
  registerReadMessage(app, services)
  registerMessageContent(app, services)
  registerMessageStoreReports(app, services)
  registerMessageSync(app, services)
  registerMessageStoreConfiguration(app, services)
  registerAccountRoutes(app, services)
  // The writes of the message store, in a scope of their own where an empty JSON body is no body.
  app.register(async (scope) => {
    allowEmptyJsonBodies(scope)
    registerUpdateMessage(scope, services)
    registerPatchMessage(scope, services)
    registerDeleteMessage(scope, services)
    registerDeleteMessagesByFilter(scope, services)
  })
  // Subscriptions and the WebSocket gateway's token (src/notifications/).
  registerSubscriptions(app, services)
  // Sending: sms, mms, fax, company-pager, in a scope whose multipart parsers carry files.
  app.register(async (scope) => registerMessaging(scope, services))
}
