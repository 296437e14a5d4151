// The subscription errors live in the one catalogue; this name stays for the notification modules.
export { subscriptionErrors } from '../domain/errors.js'
