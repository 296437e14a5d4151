import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { deliveryPlan, RESERVED_NUMBERS } from '../../src/carriers/simulator.js'
import { ApiError } from '../../src/domain/errors.js'
import { applyDeliveryStep, overallStatus } from '../../src/domain/message/delivery.js'
import type { Message } from '../../src/domain/message/model.js'
import { pdfPageCount, textPageCount, tiffPageCount } from '../../src/services/sending/page-count.js'
import { pdfOf, tiffOf } from '../helpers/documents.js'

describe('the carrier simulator', () => {
  test('an outside number: Queued → Sent → Delivered (SMS), Queued → Sent (fax), all within 5 minutes', () => {
    const sms = deliveryPlan('carrier', 'SMS', '+14155550123')
    assert.deepEqual(
      sms.map((s) => s.status),
      ['Sent', 'Delivered'],
    )
    assert.deepEqual(
      deliveryPlan('carrier', 'Fax', '+14155550123').map((s) => s.status),
      ['Sent'],
    )
    for (const channel of ['SMS', 'Fax'] as const) {
      const plan = deliveryPlan('carrier', channel, '+14155550123')
      plan.forEach((step, i) => {
        assert.ok(step.afterMs > (plan[i - 1]?.afterMs ?? 0), 'each step a few seconds after the last')
        assert.ok(step.afterMs <= 5 * 60_000)
      })
    }
  })

  test('the reserved numbers, for SMS and fax alike', () => {
    assert.deepEqual(RESERVED_NUMBERS, ['+15005550001', '+15005550002', '+15005550003'])
    for (const channel of ['SMS', 'Fax'] as const) {
      const failing = deliveryPlan('carrier', channel, '+15005550001')
      assert.equal(failing.at(-1)!.status, 'SendingFailed')
      assert.ok(failing.at(-1)!.errorCode)
      const undeliverable = deliveryPlan('carrier', channel, '+15005550002')
      assert.deepEqual(
        undeliverable.map((s) => s.status),
        ['Sent', 'DeliveryFailed'],
      )
      assert.ok(undeliverable[1]!.errorCode)
      assert.deepEqual(deliveryPlan('carrier', channel, '+15005550003'), [
        { afterMs: 10 * 60_000, status: 'Sent', ...(channel === 'SMS' ? { attempt: true } : {}) },
      ])
    }
  })

  test('inside the store the step is due at the hand-over', () => {
    assert.equal(deliveryPlan('internal', 'SMS', '+16505550102')[0]!.afterMs, 0)
    assert.equal(deliveryPlan('dropped', 'SMS', '+16505550103')[0]!.status, 'SendingFailed')
  })
})

describe('delivery states', () => {
  test("a message's status from its recipients'", () => {
    assert.equal(overallStatus([]), 'Queued')
    assert.equal(overallStatus(['Delivered', 'Queued']), 'Queued')
    assert.equal(overallStatus(['Delivered', 'Delivered']), 'Delivered')
    assert.equal(overallStatus(['Delivered', 'Sent']), 'Sent')
    assert.equal(overallStatus(['Delivered', 'SendingFailed']), 'Delivered')
    assert.equal(overallStatus(['SendingFailed', 'SendingFailed']), 'SendingFailed')
    assert.equal(overallStatus(['SendingFailed', 'DeliveryFailed']), 'DeliveryFailed')
  })

  const outbound = (): Message => ({
    id: 1,
    accountId: '1',
    extensionId: '2',
    type: 'SMS',
    direction: 'Outbound',
    availability: 'Alive',
    readStatus: 'Read',
    messageStatus: 'Queued',
    priority: 'Normal',
    to: [
      { phoneNumber: '+14155550123', messageStatus: 'Queued' },
      { phoneNumber: '+15005550001', messageStatus: 'Queued' },
    ],
    creationTime: 0,
    lastModifiedTime: 0,
    extra: {},
    attachments: [],
  })

  test('SMS steps: attempts counted, delivery time and error code kept', () => {
    const m = outbound()
    const [sent, delivered] = deliveryPlan('carrier', 'SMS', '+14155550123')
    const [failed] = deliveryPlan('carrier', 'SMS', '+15005550001')
    applyDeliveryStep(m, 0, sent!, 'SMS', 2000)
    assert.equal(m.messageStatus, 'Queued')
    applyDeliveryStep(m, 1, failed!, 'SMS', 2000)
    assert.equal(m.messageStatus, 'Sent')
    assert.equal(m.extra.deliveryErrorCode, failed!.errorCode)
    applyDeliveryStep(m, 0, delivered!, 'SMS', 5000)
    assert.equal(m.messageStatus, 'Delivered')
    assert.equal(m.extra.smsDeliveryTime, new Date(5000).toISOString())
    assert.equal(m.extra.smsSendingAttemptsCount, 2)
    assert.deepEqual(
      m.to.map((p) => p.messageStatus),
      ['Delivered', 'SendingFailed'],
    )
  })

  test('fax steps: the recipient carries faxErrorCode, no SMS fields', () => {
    const m: Message = { ...outbound(), type: 'Fax', to: [{ phoneNumber: '+15005550001' }] }
    applyDeliveryStep(m, 0, deliveryPlan('carrier', 'Fax', '+15005550001')[0]!, 'Fax', 5000)
    assert.equal(m.messageStatus, 'SendingFailed')
    assert.equal(m.to[0]!.faxErrorCode, 'InvalidNumber')
    assert.equal(m.extra.smsSendingAttemptsCount, undefined)
  })
})

describe('fax page counts', () => {
  test('PDF pages, read by pdf-lib', async () => {
    assert.equal(await pdfPageCount(await pdfOf(3)), 3)
    await assert.rejects(pdfPageCount(Buffer.from('%PDF-1.4 nonsense')), ApiError)
  })

  test('TIFF pages: the chain of image directories', () => {
    assert.equal(tiffPageCount(tiffOf(1)), 1)
    assert.equal(tiffPageCount(tiffOf(7)), 7)
  })

  test('TIFF: a thumbnail directory is no page; big-endian files count too', () => {
    const t = tiffOf(2)
    // NewSubfileType of the second page (first entry of its directory) := reduced resolution.
    const second = t.readUInt32LE(8 + 2 + 9 * 12)
    t.writeUInt32LE(1, second + 2 + 8)
    assert.equal(tiffPageCount(t), 1)
    const be = Buffer.alloc(8 + 2 + 12 + 4)
    be.write('MM', 0, 'latin1')
    be.writeUInt16BE(42, 2)
    be.writeUInt32BE(8, 4)
    be.writeUInt16BE(1, 8)
    be.writeUInt16BE(256, 10)
    assert.equal(tiffPageCount(be), 1)
  })

  test('TIFF: BigTIFF', () => {
    const b = Buffer.alloc(16 + 8 + 20 + 8)
    b.write('II', 0, 'latin1')
    b.writeUInt16LE(43, 2)
    b.writeUInt16LE(8, 4)
    b.writeBigUInt64LE(16n, 8)
    b.writeBigUInt64LE(1n, 16)
    b.writeUInt16LE(256, 24)
    assert.equal(tiffPageCount(b), 1)
  })

  test('TIFF: cyclic, truncated or foreign bytes are refused at once', () => {
    const cyclic = Buffer.alloc(8 + 2 + 12 + 4)
    cyclic.write('II', 0, 'latin1')
    cyclic.writeUInt16LE(42, 2)
    cyclic.writeUInt32LE(8, 4)
    cyclic.writeUInt16LE(1, 8)
    cyclic.writeUInt32LE(8, 8 + 2 + 12)
    assert.throws(() => tiffPageCount(cyclic), ApiError)
    assert.throws(() => tiffPageCount(tiffOf(3).subarray(0, 60)), ApiError)
    const huge = tiffOf(1)
    huge.writeUInt16LE(0xffff, 8)
    assert.throws(() => tiffPageCount(huge), ApiError)
    assert.throws(() => tiffPageCount(Buffer.from('GIF89a....')), ApiError)
  })

  test('text: 80 columns, 60 lines a page', () => {
    assert.equal(textPageCount(Buffer.from('hello')), 1)
    assert.equal(textPageCount(Buffer.from('x\n'.repeat(60).trimEnd())), 1)
    assert.equal(textPageCount(Buffer.from('x\n'.repeat(61).trimEnd())), 2)
    assert.equal(textPageCount(Buffer.from('y'.repeat(80 * 61))), 2)
  })
})
