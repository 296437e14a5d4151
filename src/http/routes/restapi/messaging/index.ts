import type { FastifyInstance } from 'fastify'
import type { Services } from '../../../../app/services.js'
import { registerCompanyPager } from './company-pager.js'
import { registerSendFax } from './fax.js'
import { registerSendMms } from './mms.js'
import { registerSendBodyParsers } from './send-body.js'
import { registerSendSms } from './sms.js'

/** The sending endpoints, in a scope of their own where multipart bodies carry files. */
export async function registerMessaging(scope: FastifyInstance, services: Services): Promise<void> {
  registerSendBodyParsers(scope)
  registerSendSms(scope, services)
  registerSendMms(scope, services)
  registerSendFax(scope, services)
  registerCompanyPager(scope, services)
}
