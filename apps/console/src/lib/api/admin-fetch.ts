import { apiFetch, ApiError } from '../api-client';
import { tokenSource } from '../auth/token-source';

/**
 * Values of a query string: strings, numbers and booleans are sent, anything else (`undefined`,
 * `null`, `''`) is left out. `unknown` because the contract's coerced fields (`limit`) are typed so.
 */
export type QueryParams = Record<string, unknown>;

/** Options of {@link adminFetch}. */
export interface AdminFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** `path` under `/admin/api` with `query` appended, values URL-encoded. */
export function adminPath(path: string, query: QueryParams = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if ((typeof value === 'string' && value !== '') || typeof value === 'number' || typeof value === 'boolean') params.set(key, String(value));
  }
  const search = params.toString();
  return `/admin/api${path}${search ? `?${search}` : ''}`;
}

/**
 * Calls the admin API with the signed-in administrator's bearer token (the Authorization header,
 * never a cookie) and resolves with the body as `T`, the contract type of the operation. After a
 * 401 it asks the token source to renew the session once and retries with the fresh token.
 * Rejects with {@link ApiError} as {@link apiFetch} does.
 */
export async function adminFetch<T>(path: string, options: AdminFetchOptions = {}): Promise<T> {
  const { method = 'GET', query, body, signal } = options;
  const url = adminPath(path, query);
  const send = (token: string | null) => {
    const headers = new Headers();
    if (token !== null) headers.set('authorization', `Bearer ${token}`);
    if (body !== undefined) headers.set('content-type', 'application/json');
    return apiFetch(url, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const source = tokenSource();
  try {
    return (await send(source?.accessToken() ?? null)) as T;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || source === null) throw error;
    const fresh = await source.renew();
    if (fresh === null) throw error;
    return (await send(fresh)) as T;
  }
}

/**
 * Downloads `path` under `/admin/api` as a file with the administrator's bearer token (a plain
 * link could not send it): the server streams the answer, the browser saves it under the name of
 * its `Content-Disposition`. Rejects with {@link ApiError} on a non-2xx status.
 */
export async function adminDownload(path: string, query: QueryParams = {}, fallbackName = 'download'): Promise<string> {
  const send = (token: string | null) => fetch(new URL(adminPath(path, query), window.location.origin), {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  const source = tokenSource();
  let response = await send(source?.accessToken() ?? null);
  if (response.status === 401 && source !== null) {
    const fresh = await source.renew();
    if (fresh !== null) response = await send(fresh);
  }
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(response.status, body, `GET ${path} answered ${response.status}`);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return name;
}
