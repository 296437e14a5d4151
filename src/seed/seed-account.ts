/** The app and the users' password of every seeded account: `msgstore seed` prints them to log in with. */
export const SEED_APP = { clientId: 'seed-client', clientSecret: 'seed-secret' } as const
export const SEED_PASSWORD = 'seed-password'
