import { type Account, api, mailboxPath } from '../api.js'
import { field, h, select } from '../dom.js'
import { toneWav } from '../tone.js'

type Notify = (text: string, error?: boolean) => void

/** The outside world writes to the account: an inbound SMS, MMS, voicemail or fax to any of its numbers. */
export function outsideWorldForm(
  account: Account,
  extensionId: string | undefined,
  notify: Notify,
): HTMLElement {
  const numbers = account.extensions.flatMap((e) =>
    e.phoneNumbers.map((n) => [n, `${n} (${e.name})`] as [string, string]),
  )
  const own = account.extensions.find((e) => e.id === extensionId)?.phoneNumbers[0] ?? numbers[0]?.[0] ?? ''
  const type = select('type', [
    ['SMS', 'SMS'],
    ['MMS', 'MMS'],
    ['VoiceMail', 'Voicemail'],
    ['Fax', 'Fax'],
  ])
  const from = h('input', { type: 'tel', name: 'from', value: '+14155550123', required: true })
  const to = select('to', numbers, own)
  const text = h('textarea', { name: 'text', rows: 3 })
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: 'image/*,audio/*,application/pdf,image/tiff',
  })
  const tone = h('input', { type: 'number', name: 'tone', min: 1, max: 600, value: 5 })
  const pages = h('input', { type: 'number', name: 'pages', min: 1, max: 500, value: 1 })
  const form = h(
    'form',
    { class: 'compose', 'aria-labelledby': 'outside-title' },
    h('h3', { id: 'outside-title' }, 'Receive from the outside world'),
    field('Message type', type),
    field('From number', from),
    field('To number', to),
    field('Text', text),
    field('File (MMS image, voicemail audio, fax PDF or TIFF)', file),
    field('Voicemail tone length in seconds (when no file)', tone),
    field('Fax pages', pages),
    h('button', { type: 'submit' }, 'Receive'),
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const body: Record<string, unknown> = { type: type.value, from: from.value.trim(), to: [to.value] }
    if (text.value) body.text = text.value
    let upload: Blob | undefined = file.files?.[0]
    let fileName = file.files?.[0]?.name
    if (type.value === 'VoiceMail') {
      const seconds = Number(tone.value) || 5
      if (!upload) {
        upload = toneWav(seconds)
        fileName = `tone-${seconds}s.wav`
      }
      body.attachments = [{ vmDuration: seconds }]
    }
    if (type.value === 'Fax') body.faxPageCount = Number(pages.value) || 1
    try {
      if (upload) {
        const data = new FormData()
        data.append('json', new Blob([JSON.stringify(body)], { type: 'application/json' }), 'request.json')
        data.append('attachment', upload, fileName ?? 'attachment')
        await api('POST', `/admin/v1/accounts/${account.id}/inbound`, data)
      } else {
        await api('POST', `/admin/v1/accounts/${account.id}/inbound`, body)
      }
      text.value = ''
      notify(`${type.value} received from ${from.value}`)
    } catch (err) {
      notify((err as Error).message, true)
    }
  })
  return form
}

/** The extension sends: SMS (or MMS with a file), a pager message, or a fax. */
export function sendAsUserForm(account: Account, extensionId: string, notify: Notify): HTMLElement {
  const ext = account.extensions.find((e) => e.id === extensionId)
  const type = select('type', [
    ['SMS', 'SMS'],
    ['Pager', 'Pager'],
    ['Fax', 'Fax'],
  ])
  const fromNumber = select(
    'from',
    (ext?.phoneNumbers ?? []).map((n) => [n, n]),
  )
  const to = h('input', { type: 'text', name: 'to', value: '+15005550006', required: true })
  const text = h('textarea', { name: 'text', rows: 3 })
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: 'image/*,application/pdf,image/tiff,text/plain',
  })
  const form = h(
    'form',
    { class: 'compose', 'aria-labelledby': 'send-title' },
    h('h3', { id: 'send-title' }, `Send as ${ext?.name ?? extensionId}`),
    field('Message type', type),
    field('From number', fromNumber),
    field('To (number, or extension number for pager)', to),
    field('Text', text),
    field('File (fax document, or MMS image)', file),
    h('button', { type: 'submit' }, 'Send'),
  )
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const base = mailboxPath(account.id, extensionId)
    const target = to.value.trim()
    try {
      if (type.value === 'Pager') {
        await api('POST', `${base}/company-pager`, {
          from: { extensionNumber: ext?.extensionNumber },
          to: target.split(',').map((x) => ({ extensionNumber: x.trim() })),
          text: text.value,
        })
      } else {
        const envelope: Record<string, unknown> = {
          from: { phoneNumber: fromNumber.value },
          to: target.split(',').map((x) => ({ phoneNumber: x.trim() })),
        }
        if (type.value === 'SMS') envelope.text = text.value
        else if (text.value) envelope.coverPageText = text.value
        const upload = file.files?.[0]
        if (upload || type.value === 'Fax') {
          const data = new FormData()
          data.append(
            'json',
            new Blob([JSON.stringify(envelope)], { type: 'application/json' }),
            'request.json',
          )
          if (upload) data.append('attachment', upload, upload.name)
          await api('POST', `${base}/${type.value === 'Fax' ? 'fax' : 'sms'}`, data)
        } else {
          await api('POST', `${base}/sms`, envelope)
        }
      }
      text.value = ''
      notify(`${type.value} sent to ${target}`)
    } catch (err) {
      notify((err as Error).message, true)
    }
  })
  return form
}
