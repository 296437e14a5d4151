import type { StoreServices } from './services.js'

/** The account an empty store starts with, so that `msgstore serve` is usable at once. */
export const DEMO = {
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  username: '+16505550101',
  extension: '101',
  password: 'demo-password',
} as const

const demoFile = {
  accounts: [
    {
      id: '100000001',
      name: 'Demo Company',
      mainNumber: '+16505550100',
      extensions: [
        {
          id: '100000101',
          extensionNumber: '101',
          name: 'Alice Admin',
          role: 'SuperAdmin',
          password: DEMO.password,
          phoneNumbers: ['+16505550101'],
        },
        {
          id: '100000102',
          extensionNumber: '102',
          name: 'Bob User',
          password: 'bob-password',
          phoneNumbers: ['+16505550102'],
        },
        {
          id: '100000200',
          extensionNumber: '200',
          name: 'Sales',
          type: 'Department',
          members: ['101', '102'],
        },
      ],
    },
  ],
  apps: [
    {
      clientId: DEMO.clientId,
      clientSecret: DEMO.clientSecret,
      name: 'Demo app',
      grantTypes: ['password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
      permissions: [
        'ReadMessages',
        'EditMessages',
        'SMS',
        'Faxes',
        'InternalMessages',
        'ReadAccounts',
        'EditAccounts',
        'SubscriptionWebhook',
      ],
    },
  ],
}

/** Creates the demo account and a few messages when the store has no account at all. */
export async function ensureDemo(services: StoreServices): Promise<boolean> {
  const any = await services.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()
  if (any) return false
  await services.provision(demoFile)
  const to = ['+16505550101']
  await services.inbound.receive(
    '100000001',
    { type: 'SMS', from: '+14155550123', to, text: 'Welcome to msgstore!' },
    [],
  )
  await services.inbound.receive('100000001', { type: 'VoiceMail', from: '+14155550124', to }, [
    { contentType: 'audio/wav', fileName: 'voicemail.wav', vmDuration: 1, body: silentWav() },
  ])
  return true
}

/** One second of 8 kHz mono silence, a valid WAV file. */
function silentWav(): Buffer {
  const samples = 8000
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + samples, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(8000, 24)
  header.writeUInt32LE(8000, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36)
  header.writeUInt32LE(samples, 40)
  return Buffer.concat([header, Buffer.alloc(samples, 0x80)])
}
