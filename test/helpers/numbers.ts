/**
 * An account whose numbers carry features, types and usage types, beside STANDARD_FILE
 * (whose app it logs in with): numbers that may text, may only call, may only fax, and
 * company numbers that name the extension texting for them.
 */
export const CAROL = { username: '+13125550101', extension: '101', password: 'carol-secret', id: '83001' }
export const DAN = { username: '+13125550102', extension: '102', password: 'dan-secret', id: '83002' }
export const ERIN = { username: '+13125550103', extension: '103', password: 'erin-secret', id: '83003' }
export const NUMBERS_MAIN = '+13125550100'
/** Carol's second number: voice only, caller id only. */
export const CAROL_VOICE = '+13125550111'
/** A company number Dan texts for; another nobody texts for. */
export const SUPPORT_NUMBER = '+13125550199'
export const LOBBY_NUMBER = '+13125550198'

export const FEATURED_FILE = {
  accounts: [
    {
      id: '3001',
      name: 'Numbers Ltd',
      mainNumber: { phoneNumber: NUMBERS_MAIN, smsExtension: '101' },
      companyNumbers: [
        { phoneNumber: SUPPORT_NUMBER, features: ['CallerId', 'SmsSender'], smsExtension: '102' },
        { phoneNumber: LOBBY_NUMBER, usageType: 'CompanyFaxNumber', type: 'FaxOnly' },
      ],
      extensions: [
        {
          id: CAROL.id,
          extensionNumber: '101',
          name: 'Carol Main',
          role: 'SuperAdmin',
          password: CAROL.password,
          phoneNumbers: [
            CAROL.username,
            { phoneNumber: CAROL_VOICE, type: 'VoiceOnly', features: ['CallerId'] },
          ],
        },
        {
          id: DAN.id,
          extensionNumber: '102',
          name: 'Dan Textonly',
          password: DAN.password,
          phoneNumbers: [
            { phoneNumber: DAN.username, type: 'VoiceOnly', features: ['CallerId', 'SmsSender'] },
          ],
        },
        {
          id: ERIN.id,
          extensionNumber: '103',
          name: 'Erin Fax',
          password: ERIN.password,
          phoneNumbers: [
            { phoneNumber: ERIN.username, type: 'FaxOnly', usageType: 'DirectNumber', features: [] },
          ],
        },
        { id: '83900', extensionNumber: '300', name: 'Desk', type: 'Department', members: ['101'] },
      ],
    },
  ],
}
