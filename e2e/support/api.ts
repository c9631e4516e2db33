// Seeding and checking through the HTTP API, as a shop backend or the dashboard would: sign an
// operator in once, then call /v1 with their token.
import { randomUUID } from 'node:crypto';
import type { OperatorRole } from '../../src/http/scopes.ts';
import { type E2eServer, OPERATOR_PASSWORDS } from './server.ts';

export interface ApiClient {
  /** JSON of a successful call; throws with the status and body otherwise. */
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  /** The status of a GET, for routes that may not exist yet. */
  status(path: string): Promise<number>;
}

/** An API client signed in as the e2e operator of `role`. */
export async function apiAs(server: E2eServer, role: OperatorRole): Promise<ApiClient> {
  const login = await fetch(`${server.url}/v1/operators/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: role, password: OPERATOR_PASSWORDS[role] }),
  });
  if (!login.ok) throw new Error(`login as ${role}: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res;
  };
  const json = async <T>(res: Response, what: string): Promise<T> => {
    if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    get: async <T>(path: string) => json<T>(await call('GET', path), `GET ${path}`),
    post: async <T>(path: string, body: unknown, headers?: Record<string, string>) =>
      json<T>(await call('POST', path, body, headers), `POST ${path}`),
    put: async <T>(path: string, body: unknown) => json<T>(await call('PUT', path, body), `PUT ${path}`),
    status: async (path: string) => {
      const res = await call('GET', path);
      await res.arrayBuffer();
      return res.status;
    },
  };
}

export interface PointsSummary {
  memberId: string;
  available: number;
  pending: number;
  expiringSoon: number;
  lifetimeEarned: number;
  lifetimeRedeemed: number;
  debt: number;
}

/** Adds points to a member through `POST /v1/members/{id}/points/earn` (needs points:write). */
export async function earnThroughApi(api: ApiClient, memberId: string, points: number, reason: string) {
  return api.post(
    `/v1/members/${encodeURIComponent(memberId)}/points/earn`,
    { points, reason },
    { 'idempotency-key': randomUUID() },
  );
}

export function pointsOf(api: ApiClient, memberId: string): Promise<PointsSummary> {
  return api.get<PointsSummary>(`/v1/members/${encodeURIComponent(memberId)}/points`);
}
