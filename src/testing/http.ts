// Real HTTP against a real server on a loopback port, with a cookie-keeping client.
import type { AddressInfo } from 'node:net';
import type { MemberRole } from '../accounts/schema.ts';
import { addMember, createOrganisation, type Organisation } from '../accounts/service.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { buildServer, type App } from '../http/server.ts';

export interface TestServer {
  app: App;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(database: Database): Promise<TestServer> {
  const config = { ...loadConfig({}), database: { kind: 'pglite' as const, dataDir: '' } };
  const app = await buildServer({ database, config });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestOrg extends Organisation {
  /** E-mail of the member with each role: `${role}@${slug}.test`. */
  emails: Record<MemberRole, string>;
}

/** An organisation with one member per role, all with TEST_PASSWORD. */
export async function createTestOrg(database: Database, slug: string): Promise<TestOrg> {
  const org = await createOrganisation(database.system, slug, `Organisation ${slug}`);
  const roles: MemberRole[] = ['administrator', 'evaluator', 'viewer', 'trainer'];
  const emails = {} as Record<MemberRole, string>;
  for (const role of roles) {
    emails[role] = `${role}@${slug}.test`;
    await addMember(database.system, org.id, { email: emails[role], role, password: TEST_PASSWORD });
  }
  return { ...org, emails };
}

export interface Response<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A browser-like client: keeps cookies, sends the CSRF token on writes once signed in. */
export class TestClient {
  private cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly bearer?: string,
  ) {}

  static async signedIn(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<TestClient> {
    const client = new TestClient(baseUrl);
    const response = await client.request<{ csrfToken: string }>('POST', '/api/session', { email, password });
    if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${response.text}`);
    client.csrfToken = response.body.csrfToken;
    return client;
  }

  get<T = unknown>(path: string, headers: Record<string, string> = {}) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = unknown>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }

  /** Posts an HTML form (urlencoded); adds `_csrf` from the last page unless given. */
  async form(path: string, fields: Record<string, string>): Promise<Response<string>> {
    return this.request<string>('POST', path, new URLSearchParams(fields), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  /** Posts a multipart/form-data form (an upload); `fields` should include `_csrf` as a browser form would. */
  async upload(path: string, fields: Record<string, string>, file: { field: string; name: string; content: string | Buffer; type?: string }): Promise<Response<string>> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append(file.field, new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }), file.name);
    return this.request<string>('POST', path, form);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const finalHeaders: Record<string, string> = { ...headers };
    if (this.cookies.size > 0) finalHeaders.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.bearer) finalHeaders.authorization = `Bearer ${this.bearer}`;
    if (this.csrfToken && method !== 'GET') finalHeaders['x-csrf-token'] = this.csrfToken;
    let payload: string | FormData | undefined;
    if (body instanceof URLSearchParams) payload = body.toString();
    else if (body instanceof FormData) payload = body; // fetch sets the multipart content type and boundary
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      finalHeaders['content-type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers: finalHeaders, body: payload, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') && text !== '' ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }
}

/** The value of the hidden `_csrf` field in an HTML page. */
export function csrfFromPage(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field in page');
  return match[1]!;
}
