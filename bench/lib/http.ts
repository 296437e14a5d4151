/** Plain HTTP calls of the bench process (the load itself goes through wrk). */

export async function passwordLogin(
  baseUrl: string,
  client: { clientId: string; clientSecret: string },
  username: string,
  password: string,
): Promise<string> {
  const response = await fetch(`${baseUrl}/restapi/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  })
  const body = (await response.json()) as { access_token?: string }
  if (!response.ok || !body.access_token)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`)
  return body.access_token
}

export interface Probe {
  status: number
  bytes: number
  body: Buffer
}

/** One request, to check a scenario's answer and learn its size before loading it. */
export async function probe(
  url: string,
  headers: Record<string, string>,
  init: { method?: string; bodies?: string[] } = {},
): Promise<Probe> {
  const response = await fetch(url, { headers, method: init.method, body: init.bodies?.[0] })
  const body = Buffer.from(await response.arrayBuffer())
  return { status: response.status, bytes: body.length, body }
}
