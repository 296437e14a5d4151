import { ApiError } from '../domain/errors.js'

/** The subscription API's errors (RingCentral's `SUB-` codes; see reference/notes.md). */
export const subscriptionErrors = {
  anotherExtension: () =>
    new ApiError(403, 'SUB-405', "Subscription to another extension's events is not allowed"),
  anotherAccount: () =>
    new ApiError(403, 'SUB-406', "Subscription to another account's events is not allowed"),
  tooMany: (limit: number) =>
    new ApiError(
      403,
      'SUB-505',
      `The maximum number of subscriptions (${limit}) per extension per application is reached`,
    ),
  expired: () => new ApiError(404, 'SUB-507', 'Subscription is expired', 'subscriptionId'),
  invalidFilters: (filter: string) =>
    new ApiError(400, 'SUB-508', `Event filters are not valid: [${filter}]`, 'eventFilters'),
  notFound: () =>
    new ApiError(404, 'CMN-102', 'Resource for parameter [subscriptionId] is not found', 'subscriptionId'),
  handshakeFailed: (address: string, why: string) =>
    new ApiError(
      400,
      'SUB-525',
      `WebHook responds with incorrect HTTP status or validation token (${why}): ${address}`,
    ),
  invalidDeliveryMode: (detail: string) =>
    new ApiError(400, 'CMN-101', `Parameter [deliveryMode] value is invalid. ${detail}`, 'deliveryMode'),
  webSocketOverHttp: () =>
    new ApiError(
      400,
      'SUB-521',
      'WebSocket subscriptions are created, updated and renewed over their WebSocket',
    ),
}
