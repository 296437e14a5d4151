import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Services } from '../../../../app/services.js'
import type { Query } from '../../../../domain/message/list-query.js'
import { accountPath, extensionPath } from '../../../../domain/uris.js'
import {
  presentAccount,
  presentExtension,
  presentExtensionSummary,
  presentNumber,
} from '../../../presenters/account.js'
import { renderPagedList } from '../../../presenters/paged-list.js'

interface AccountParams {
  accountId: string
}
interface ExtensionParams extends AccountParams {
  extensionId: string
}

const ACCOUNT = '/restapi/v1.0/account/:accountId'
const EXTENSION = `${ACCOUNT}/extension/:extensionId`
/** Reading the account, its extensions and numbers needs the ReadAccounts app permission. */
const readAccounts = { config: { permission: 'ReadAccounts' } }

/**
 * readAccountInfo, listExtensions, readExtension, listExtensionPhoneNumbers and
 * listAccountPhoneNumbers. Links name the account and extension by id, never `~`.
 */
export function registerAccountRoutes(app: FastifyInstance, services: Services): void {
  const directory = services.accounts
  const base = () => services.publicUrl.value
  const search = (request: FastifyRequest) => request.url.split('?', 2)[1] ?? ''

  app.get<{ Params: AccountParams }>(ACCOUNT, readAccounts, async (request) => {
    return presentAccount(await directory.account(request.principal, request.params.accountId), base())
  })

  app.get<{ Params: AccountParams; Querystring: Query }>(
    `${ACCOUNT}/extension`,
    readAccounts,
    async (request) => {
      const page = await directory.extensions(request.principal, request.params.accountId, request.query)
      const path = `${accountPath(request.principal.accountId)}/extension`
      const records = page.records.map((e) => presentExtensionSummary(e, base()))
      return renderPagedList(records, page, base(), path, search(request))
    },
  )

  app.get<{ Params: ExtensionParams }>(EXTENSION, readAccounts, async (request) => {
    const { accountId, extensionId } = request.params
    const extension = await directory.extension(request.principal, accountId, extensionId)
    const account = await directory.account(request.principal, accountId)
    return presentExtension(extension, account, base())
  })

  app.get<{ Params: ExtensionParams; Querystring: Query }>(
    `${EXTENSION}/phone-number`,
    readAccounts,
    async (request) => {
      const { accountId, extensionId } = request.params
      const { extension: owner, page } = await directory.extensionNumbers(
        request.principal,
        accountId,
        extensionId,
        request.query,
      )
      const path = `${extensionPath(owner.accountId, owner.id)}/phone-number`
      const records = page.records.map((n) => presentNumber(n, owner.accountId, base()))
      return renderPagedList(records, page, base(), path, search(request))
    },
  )

  app.get<{ Params: AccountParams; Querystring: Query }>(
    `${ACCOUNT}/phone-number`,
    readAccounts,
    async (request) => {
      const page = await directory.accountNumbers(request.principal, request.params.accountId, request.query)
      const accountId = request.principal.accountId
      const path = `${accountPath(accountId)}/phone-number`
      const records = page.records.map((n) => presentNumber(n, accountId, base()))
      return renderPagedList(records, page, base(), path, search(request))
    },
  )
}
