import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, errors, OAuthError } from '../../domain/errors.js'
import { answerNotFound } from './method-routing.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while the request body is being read and parsed (between preParsing and preValidation). */
    parsingBody: boolean
  }
}

/**
 * One renderer for every error: domain errors carry their own status and body;
 * Fastify's own errors (bad JSON, unknown media type, body too large) are mapped to
 * RingCentral's codes; anything else is a logged 500 with a generic body.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.decorateRequest('parsingBody', false)
  // Whatever fails while a body is read or parsed (a parser's own exception, such as a
  // URIError from a malformed `filename*`) is the client's body at fault, not ours.
  app.addHook('preParsing', async (request) => {
    request.parsingBody = true
  })
  app.addHook('preValidation', async (request) => {
    request.parsingBody = false
  })

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // No route matched: the body is not looked at (a JSON type with an empty body is still a 404).
    if (request.is404) return answerNotFound(request, reply)
    let apiError = toApiError(err, request)
    if (isOAuthEndpoint(request) && apiError instanceof ApiError) apiError = asOAuthError(apiError)
    if (apiError instanceof OAuthError) {
      if (apiError.status >= 500) request.log.error({ err }, 'request failed')
      return reply.status(apiError.status).header('cache-control', 'no-store').send(apiError.body())
    }
    if (apiError.status >= 500) request.log.error({ err }, 'request failed')
    if (apiError.headers) reply.headers(apiError.headers)
    return reply.status(apiError.status).type('application/json; charset=utf-8').send(apiError.body())
  })

  app.setNotFoundHandler(answerNotFound)
}

function toApiError(err: FastifyError, request: FastifyRequest): ApiError | OAuthError {
  if (err instanceof ApiError || err instanceof OAuthError) return err
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badJson()
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(request.headers['content-type'] ?? '')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return errors.payloadTooLarge()
    case 'FST_ERR_VALIDATION':
      return validationError(err)
  }
  if (err instanceof SyntaxError) return errors.badJson()
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) return errors.clientError(status, err.message)
  if (request.parsingBody) return errors.unparsableRequest(err.message)
  return errors.internal()
}

/** The token and revoke endpoints answer every failure in RFC 6749's shape, with RingCentral's code beside it. */
function isOAuthEndpoint(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/restapi/oauth/') ?? false
}

export function asOAuthError(error: ApiError): OAuthError {
  const kind = error.status >= 500 ? 'server_error' : 'invalid_request'
  return new OAuthError(error.status, kind, error.errorCode, error.message)
}

function validationError(err: FastifyError): ApiError {
  const first = err.validation?.[0]
  const name =
    (first?.params as { missingProperty?: string } | undefined)?.missingProperty ??
    first?.instancePath?.split('/').filter(Boolean).join('.') ??
    'request'
  return errors.invalidParameter(name || 'request', first?.message ?? '')
}
