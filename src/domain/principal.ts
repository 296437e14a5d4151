/** Who is calling: the extension a token was issued to, and what its app may do. */
export interface Principal {
  accountId: string
  extensionId: string
  role: 'SuperAdmin' | 'User'
  permissions: ReadonlySet<string>
  sessionId: string
  /** The app the token was issued to. */
  clientId: string
}
