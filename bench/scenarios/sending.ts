import type { BenchContext, Scenario } from './scenario.js'

/**
 * Sending throughput: SMS between two extensions of one account, in messages per
 * second (one request sends one message). Each send stores the sender's copy and the
 * recipient's copy in one transaction, with the text's blob and the first delivery
 * step's job; the background job runner marks each Delivered while the load runs.
 */

const SMS = '/restapi/v1.0/account/~/extension/~/sms'

function recipient(ctx: BenchContext): string {
  const account = ctx.seed.accounts.find((a) => a.extensions.some((e) => e.id === ctx.user.id))
  const other = account?.extensions.find((e) => e.id !== ctx.user.id && e.phoneNumber)
  if (!other) throw new Error('send SMS: the seeded account has no second extension with a number')
  return other.phoneNumber
}

export const sendInternalSms: Scenario = {
  name: 'send SMS internal (messages/s)',
  request: (ctx) => ({
    method: 'POST',
    path: SMS,
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    bodies: [
      JSON.stringify({
        from: { phoneNumber: ctx.user.phoneNumber },
        to: [{ phoneNumber: recipient(ctx) }],
        text: 'Benchmark message between two extensions of one account',
      }),
    ],
  }),
  check: (probe) => {
    if (probe.status !== 200) return `status ${probe.status}: ${probe.body.toString().slice(0, 200)}`
    const record = JSON.parse(probe.body.toString()) as { messageStatus?: string }
    return record.messageStatus === 'Queued' ? undefined : `messageStatus ${record.messageStatus}`
  },
}
