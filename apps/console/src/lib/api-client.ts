/** A non-2xx answer from the API. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status code. */
  readonly status: number;
  /** The response body: parsed JSON when it is JSON, otherwise the raw text; `undefined` when empty. */
  readonly body: unknown;

  constructor(status: number, body: unknown, message: string) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/**
 * Calls the API and resolves with the response body (parsed as {@link ApiError.body} is), leaving
 * its validation to the caller. `path` is rooted at the origin, not at the console's `/console/`
 * base. Rejects with {@link ApiError} on a non-2xx status and with a `TypeError` on network failure.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<unknown> {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  // Resolved explicitly: the API lives at the origin root, and Node's fetch (tests) rejects relative URLs.
  const url = new URL(path, window.location.origin);
  const response = await fetch(url, { ...init, headers });
  const body = await readBody(response);
  if (!response.ok) {
    const method = init.method ?? 'GET';
    throw new ApiError(response.status, body, `${method} ${path} answered ${response.status}`);
  }
  return body;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
