import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, errors, OAuthError } from '../../domain/errors.js'

/**
 * One renderer for every error: domain errors carry their own status and body;
 * Fastify's own errors (bad JSON, unknown media type, body too large) are mapped to
 * RingCentral's codes; anything else is a logged 500 with a generic body.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(err)
    if (apiError instanceof OAuthError) {
      return reply.status(apiError.status).header('cache-control', 'no-store').send(apiError.body())
    }
    if (apiError.status >= 500) request.log.error({ err }, 'request failed')
    if (apiError.headers) reply.headers(apiError.headers)
    return reply.status(apiError.status).type('application/json; charset=utf-8').send(apiError.body())
  })

  app.setNotFoundHandler((_request, reply) => {
    const error = errors.invalidUri()
    return reply.status(error.status).send(error.body())
  })
}

function toApiError(err: FastifyError): ApiError | OAuthError {
  if (err instanceof ApiError || err instanceof OAuthError) return err
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.badJson()
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(err.message.split(': ').pop()))
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
  if (status >= 400 && status < 500)
    return new ApiError(status, 'CMN-104', `Cannot parse request: ${err.message}`)
  return errors.internal()
}

function validationError(err: FastifyError): ApiError {
  const first = err.validation?.[0]
  const name =
    (first?.params as { missingProperty?: string } | undefined)?.missingProperty ??
    first?.instancePath?.split('/').filter(Boolean).join('.') ??
    'request'
  return errors.invalidParameter(name || 'request', first?.message ?? '')
}
