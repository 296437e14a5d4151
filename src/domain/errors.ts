/**
 * The error catalogue. Every error msgstore answers with is built here, so the
 * codes, statuses and message templates live in one place. Codes and wording follow
 * RingCentral's published error table (shared/reference/guides/basics--errors.md).
 */

export interface ErrorDetail {
  errorCode: string
  message: string
  parameterName?: string
  parameterValue?: string
}

/** An error with an HTTP status and RingCentral's body: `{ errorCode, message, errors[] }`. */
export class ApiError extends Error {
  readonly status: number
  readonly errorCode: string
  readonly parameterName?: string
  readonly headers?: Record<string, string>

  constructor(
    status: number,
    errorCode: string,
    message: string,
    parameterName?: string,
    headers?: Record<string, string>,
  ) {
    super(message)
    this.status = status
    this.errorCode = errorCode
    this.parameterName = parameterName
    this.headers = headers
  }

  body(): Record<string, unknown> {
    const detail: ErrorDetail = { errorCode: this.errorCode, message: this.message }
    if (this.parameterName !== undefined) detail.parameterName = this.parameterName
    const body: Record<string, unknown> = {
      errorCode: this.errorCode,
      message: this.message,
      errors: [detail],
    }
    if (this.parameterName !== undefined) body.parameterName = this.parameterName
    return body
  }
}

/** OAuth errors answer in the RFC 6749 shape, with RingCentral's `errors` array beside it. */
export class OAuthError extends Error {
  readonly status: number
  readonly error: string
  readonly errorCode: string

  constructor(status: number, error: string, errorCode: string, description: string) {
    super(description)
    this.status = status
    this.error = error
    this.errorCode = errorCode
  }

  body(): Record<string, unknown> {
    return {
      error: this.error,
      error_description: this.message,
      errors: [{ errorCode: this.errorCode, message: this.message }],
    }
  }
}

export const errors = {
  invalidParameter: (name: string, detail?: string) =>
    new ApiError(400, 'CMN-101', `Parameter [${name}] value is invalid.${detail ? ` ${detail}` : ''}`, name),
  notFound: (name: string, status = 404) =>
    new ApiError(status, 'CMN-102', `Resource for parameter [${name}] is not found`, name),
  badJson: () => new ApiError(400, 'CMN-103', "JSON can't be parsed."),
  unparsableRequest: (detail?: string) =>
    new ApiError(400, 'CMN-104', `Cannot parse request${detail ? `: ${detail}` : ''}`),
  batchLimit: (limit: number) => new ApiError(400, 'CMN-106', `Batch request is limited to ${limit} entries`),
  bodyMismatch: (name: string) =>
    new ApiError(
      400,
      'CMN-108',
      `Parameter ${name} value in request body doesn't match specified in path.`,
      name,
    ),
  cannotRestorePurged: () =>
    new ApiError(
      400,
      'CMN-101',
      'Parameter [availability] value is invalid. A Purged message cannot be restored.',
      'availability',
    ),
  rangeNotSatisfiable: (size: number) =>
    new ApiError(416, 'CMN-107', 'Requested Range Not Satisfiable', undefined, {
      'content-range': `bytes */${size}`,
    }),
  /** The admin API's and provisioning's wording: the reason follows a colon. */
  invalidValue: (name: string, why: string) =>
    new ApiError(400, 'CMN-101', `Parameter [${name}] value is invalid: ${why}`, name),
  nulCharacter: (name: string) =>
    new ApiError(
      400,
      'CMN-101',
      `Parameter [${name}] value is invalid. The character U+0000 is not allowed.`,
      name,
    ),
  unknownRecipient: (number: string) =>
    new ApiError(404, 'CMN-102', `Resource for parameter [to] is not found: ${number}`, 'to'),
  invalidUri: () => new ApiError(404, 'CMN-120', 'Invalid URI'),
  methodNotAllowed: (method: string) =>
    new ApiError(405, 'CMN-120', `Invalid URI: method [${method}] is not supported for this resource`),
  unsupportedMediaType: (type: string) =>
    new ApiError(415, 'CMN-104', `Cannot parse request: content type [${type}] is not supported`),
  payloadTooLarge: () => new ApiError(413, 'CMN-104', 'Cannot parse request: body is too large'),
  headersTooLarge: () =>
    new ApiError(431, 'CMN-104', 'Cannot parse request: the request headers are too large'),
  requestTimeout: () =>
    new ApiError(408, 'CMN-104', 'Cannot parse request: the request took too long to arrive'),
  expectationFailed: (expectation: string) =>
    new ApiError(417, 'CMN-104', `Cannot parse request: expectation [${expectation}] is not supported`),
  /** A 4xx raised by fastify or a plugin that has no entry of its own; its status is kept. */
  clientError: (status: number, detail: string) =>
    new ApiError(status, 'CMN-104', `Cannot parse request: ${detail}`),
  internal: () => new ApiError(500, 'CMN-203', 'Internal Server Error'),
  unavailable: () => new ApiError(503, 'CMN-201', 'Service Temporary Unavailable'),
  permissionRequired: (permission: string) =>
    new ApiError(
      403,
      'CMN-401',
      `In order to call this API endpoint, application needs to have [${permission}] permission`,
    ),
  inboxLoginRequired: () =>
    new ApiError(401, 'OAU-149', 'The web inbox needs the admin token (or the login URL printed at start)'),
  tiffTooLarge: () => new ApiError(413, 'CMN-104', 'The TIFF is too large to show as images'),
  adminRequired: () => new ApiError(403, 'CMN-402', 'Administrator permission required'),
  anotherExtension: () => new ApiError(403, 'CMN-404', 'Attempt to access another extension'),
  anotherAccount: () => new ApiError(403, 'CMN-404', 'Attempt to access another account'),
  authHeaderMissing: () => new ApiError(401, 'AGW-401', 'Authorization header is not specified'),
  tokenInvalid: () => new ApiError(401, 'OAU-149', 'Invalid access token'),
  tokenExpired: () => new ApiError(401, 'OAU-128', 'Access token expired'),
  adminTokenRequired: () =>
    new ApiError(401, 'OAU-149', 'The admin API needs the admin token: Authorization: Bearer <admin token>'),
  rateExceeded: (headers: Record<string, string>) =>
    new ApiError(429, 'CMN-301', 'Request rate exceeded', undefined, headers),
  /** A failure a test control injects: status, code and message are the rule's. */
  injectedFault: (status: number, errorCode: string, message: string, headers?: Record<string, string>) =>
    new ApiError(status, errorCode, message, undefined, headers),
  clockNotManual: () => new ApiError(409, 'CMN-109', 'Feature not available: the clock is not manual'),

  // Message store exports: account-level calls that need the user permission [Users] (a SuperAdmin's).
  userPermissionRequired: (permission: string) =>
    new ApiError(403, 'CMN-408', `[${permission}] permission required`),

  // Message sync and the message store configuration.
  invalidSyncToken: (detail?: string) =>
    new ApiError(
      400,
      'CMN-101',
      `Parameter [syncToken] value is invalid.${detail ? ` ${detail}` : ''}`,
      'syncToken',
    ),
  /** A sync token from before the sync horizon (see services/lifecycle-sweep.ts); the code the sync guide lists. */
  fullSyncRequired: () =>
    new ApiError(
      400,
      'MSG-333',
      'Invalid message synchronisation request: full synchronization is required',
      'syncToken',
    ),
  syncTokenRequired: () =>
    new ApiError(400, 'CMN-101', 'Parameter [syncToken] value is invalid. Required for ISync.', 'syncToken'),
  invalidRetentionPeriod: () =>
    new ApiError(
      400,
      'CMN-101',
      'Parameter [retentionPeriod] value is invalid. Expected an integer number of days from 7 to 90.',
      'retentionPeriod',
    ),

  // Sending (sms, mms, fax, company-pager): the MSG- codes of the messaging API table.
  required: (name: string) =>
    new ApiError(400, 'CMN-101', `Parameter [${name}] value is invalid. Required.`, name),
  smsFromFaxNumber: () => new ApiError(403, 'MSG-241', 'Cannot send SMS from Fax number', 'from.phoneNumber'),
  smsNotAvailable: (kind: 'SMS' | 'MMS') =>
    new ApiError(
      403,
      'MSG-242',
      `Sending ${kind} is not available from the number specified.`,
      'from.phoneNumber',
    ),
  faxNotAllowed: (extensionId: string) =>
    new ApiError(403, 'MSG-341', `Outbound fax is not allowed for extension [${extensionId}]`),
  phoneNotOwned: (name: string) =>
    new ApiError(403, 'MSG-304', "Phone number doesn't belong to extension", name),
  noSenderNumber: () =>
    new ApiError(400, 'MSG-245', 'Cannot find the phone number which belongs to user', 'from'),
  senderMismatch: () =>
    new ApiError(
      400,
      'MSG-331',
      'Sender extension number does not correspond to logged in extension',
      'from',
    ),
  recipientState: (name: string) =>
    new ApiError(400, 'MSG-324', 'Recipient extension is in inappropriate state', name),
  noDepartmentMembers: (name: string) => new ApiError(400, 'MSG-316', 'No department members found.', name),
  replyDenied: () =>
    new ApiError(
      403,
      'MSG-326',
      'Reply is denied for user, who is no longer a thread participant',
      'replyOn',
    ),
  messageTooLong: (name: string, max: number) =>
    new ApiError(400, 'MSG-338', `Message size limit exceeded: [${name}] allows ${max} UTF-16 units`, name),
  attachmentTooLarge: (detail: string) =>
    new ApiError(400, 'MSG-337', `Attachment size limit exceeded: ${detail}`, 'attachment'),
  attachmentEmpty: () => new ApiError(400, 'MSG-347', 'Attachment body is empty', 'attachment'),
  // RingCentral lists MSG-348 with 415; it is answered 400 here, as a bad body parameter, with its name.
  unsupportedAttachment: (type: string) =>
    new ApiError(400, 'MSG-348', `Unsupported attachment media type [${type}]`, 'attachment'),
  faxResendNotAllowed: () =>
    new ApiError(
      406,
      'MSG-343',
      'Fax resend is not allowed for message in current state',
      'originalMessageId',
    ),
  faxEnvelope: (detail: string) =>
    new ApiError(400, 'MSG-349', `Unable to parse fax envelope: ${detail}`, 'json'),
}

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

export const oauthErrors = {
  invalidRequest: (description: string) => new OAuthError(400, 'invalid_request', 'OAU-101', description),
  invalidClient: () => new OAuthError(401, 'invalid_client', 'OAU-146', 'Invalid client credentials'),
  unauthorizedClient: (grantType: string) =>
    new OAuthError(
      400,
      'unauthorized_client',
      'OAU-112',
      `The client is unauthorized for the required grant type: [${grantType}]`,
    ),
  unsupportedGrantType: (grantType: string) =>
    new OAuthError(400, 'unsupported_grant_type', 'OAU-125', `Unsupported grant type: [${grantType}]`),
  badCredentials: () => new OAuthError(400, 'invalid_grant', 'OAU-140', 'Invalid resource owner credentials'),
  extensionNotFound: () => new OAuthError(400, 'invalid_grant', 'OAU-136', 'Extension not found'),
  extensionState: () =>
    new OAuthError(400, 'invalid_grant', 'OAU-141', 'Login for extension in current state is not allowed'),
  badJwt: (detail: string) =>
    new OAuthError(400, 'invalid_grant', 'OAU-140', `Invalid JWT assertion: ${detail}`),
  badRefreshToken: () => new OAuthError(400, 'invalid_grant', 'OAU-211', 'Token is revoked or expired'),
}
