import RingCentral from '@rc-ex/core'
import * as rcExWs from '@rc-ex/ws'
import type { SourceClient } from './source.js'

// The package's types describe its CommonJS build; under ESM its default export is the class.
const { Events } = rcExWs
const WebSocketExtension = rcExWs.default as unknown as new (options: object) => WsExtension

interface WsSubscription {
  revoke(): Promise<void>
}
interface WsExtension {
  ws?: { readyState: number }
  eventEmitter: { on(event: string, listener: (...args: unknown[]) => void): void }
  subscribe(filters: string[], callback: (event: unknown) => void): Promise<WsSubscription>
  revoke(keepInterval?: boolean): Promise<void>
}

const OPEN = 1

export interface MailboxEvents {
  /** A change on the source named this extension's mailbox. */
  onChange(extensionId: string): void
  /** The socket came back after a drop: notifications may have been missed. */
  onReconnect(): void
}

/**
 * The source's message-store events of every mirrored mailbox over its WebSocket gateway
 * (`@rc-ex/ws`, which recovers a dropped session and subscribes again when recovery
 * fails). It uses the access token of the mirror's SDK session, so the source sees one
 * login; `renew` copies the current token before each (re)subscription.
 */
export class SourceEvents {
  private rc?: RingCentral
  private ws?: WsExtension
  private subscription?: WsSubscription
  private filters = ''

  constructor(
    private readonly source: SourceClient,
    private readonly server: string,
    private readonly handlers: MailboxEvents,
  ) {}

  get connected(): boolean {
    return this.ws?.ws?.readyState === OPEN
  }

  /** Subscribes to the mailboxes of `extensionIds`, again when the set changed or the socket is gone. */
  async follow(extensionIds: string[]): Promise<void> {
    const filters = extensionIds.map((id) => `/restapi/v1.0/account/~/extension/${id}/message-store`)
    const key = filters.join('\n')
    if (this.subscription && key === this.filters && this.connected) {
      // The SDK refreshes its session as it goes; a later recovery asks for its
      // WebSocket token with whatever is here.
      if (this.rc) this.rc.token = { access_token: await this.source.accessToken(), token_type: 'bearer' }
      return
    }
    await this.close()
    if (filters.length === 0) return
    const rc = new RingCentral({ server: this.server })
    rc.token = { access_token: await this.source.accessToken(), token_type: 'bearer' }
    const ws = new WebSocketExtension({ autoRecover: { enabled: true } })
    this.rc = rc
    this.ws = ws
    await rc.installExtension(ws as never)
    ws.eventEmitter.on(Events.autoRecoverSuccess, () => this.handlers.onReconnect())
    ws.eventEmitter.on(Events.autoRecoverFailed, () => this.handlers.onReconnect())
    this.subscription = await ws.subscribe(filters, (event) => {
      const extensionId = (event as { body?: { extensionId?: unknown } }).body?.extensionId
      if (extensionId !== undefined) this.handlers.onChange(String(extensionId))
    })
    this.filters = key
  }

  async close(): Promise<void> {
    const ws = this.ws
    this.ws = undefined
    this.rc = undefined
    this.subscription = undefined
    this.filters = ''
    if (ws) {
      try {
        await ws.revoke()
      } catch {
        // The socket or the session is already gone: nothing left to close.
      }
    }
  }
}
