/**
 * Counters of the notification machinery, for `GET /metrics` to read: open WebSocket
 * connections and webhook deliveries by outcome. Plain numbers, no metrics library:
 * whoever exposes them wraps them.
 */
export const notificationCounters = {
  webSocketConnections: 0,
  webSocketNotifications: 0,
  webhookDeliveries: { delivered: 0, failed: 0 },
}
