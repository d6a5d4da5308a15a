// Calls to the Dimotis API on the same origin.
//
//   import { api, ApiError } from "/shared/api.js";
//   const me = await api("/api/me");
//   await api("/api/me", { method: "PUT", body: { email: "a@b.gr" } });
//   try { ... } catch (err) { if (err instanceof ApiError && err.status === 404) ... }
//
// The session travels in HttpOnly cookies (credentials: "same-origin"). A staff call answered 401
// first tries to renew the staff session once (POST /api/staff/refresh) and then repeats.
//
// A 429 (a per-client or daily limit) carries Retry-After; `withRetry` tries again after it, with
// a growing back-off, telling the page each time it waits:
//
//   const ticket = await withRetry(() => api(url, { method: "POST", body }),
//                                  { onWait: ({ seconds }) => showWaiting(seconds) });

export class ApiError extends Error {
  /** status: HTTP status (0 when the network failed); code/message/details: the API's
   * {"error": {"code", "message", "details"}}; retryAfter: the seconds of a Retry-After header
   * (null without one). */
  constructor(status, code, message, details, retryAfter = null) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details === undefined ? null : details;
    this.retryAfter = retryAfter;
  }
}

/** Seconds of a Retry-After header (a number of seconds, or an HTTP date), or null. */
export function retryAfterSeconds(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `call` (a function returning a promise, e.g. an `api(...)` call) and, while it fails with
 * a 429 whose Retry-After is at most `maxWaitSeconds`, call it again after waiting: at least
 * Retry-After, at least a back-off that doubles each time (1, 2, 4... s), plus up to a second of
 * jitter so that kiosks refused together do not come back together. `onWait({seconds, attempt})`
 * is told before each wait (the page says so); `attempts` counts the calls in all. Any other
 * error, a longer Retry-After (a daily limit) or the last attempt's 429 is thrown. */
export async function withRetry(call, { onWait = () => {}, attempts = 4, maxWaitSeconds = 30 } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      const limited = err instanceof ApiError && err.status === 429;
      const after = limited ? (err.retryAfter ?? 2 ** (attempt - 1)) : null;
      if (!limited || attempt >= attempts || after > maxWaitSeconds) throw err;
      const seconds = Math.max(after, 2 ** (attempt - 1));
      onWait({ seconds, attempt });
      await sleep(seconds * 1000 + Math.random() * 1000);
    }
  }
}

// sign-in steps and a forgotten password answer 401 for a wrong code or password, not for a session
const NO_REFRESH = ["/api/staff/login", "/api/staff/refresh", "/api/staff/logout", "/api/staff/password/"];
let refreshing = null;

function renewStaffSession() {
  if (!refreshing) {
    // The body is read (and dropped) so the request completes instead of staying open.
    refreshing = fetch("/api/staff/refresh", { method: "POST", credentials: "same-origin" })
      .then((resp) => resp.text().then(() => resp.ok))
      .catch(() => false)
      .finally(() => {
        setTimeout(() => {
          refreshing = null;
        }, 1000);
      });
  }
  return refreshing;
}

async function send(path, method, body, headers) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined && body !== null) {
    if (body instanceof FormData || body instanceof Blob) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
  }
  try {
    return await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, "network_error", (err && err.message) || "network error");
  }
}

/** `api(path, {method, body, headers})` -> the parsed JSON answer (null for 204 or an empty body).
 * `body` is sent as JSON (a FormData or Blob as it is). Throws ApiError on any non-2xx answer. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  let resp = await send(path, method, body, headers);
  if (resp.status === 401 && path.startsWith("/api/staff/") && !NO_REFRESH.some((p) => path.startsWith(p))) {
    if (await renewStaffSession()) resp = await send(path, method, body, headers);
  }
  if (resp.status === 204) return null;
  const text = await resp.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!resp.ok) {
    const error = (data && typeof data === "object" && data.error) || {};
    throw new ApiError(
      resp.status,
      error.code || `http_${resp.status}`,
      error.message || resp.statusText || `HTTP ${resp.status}`,
      error.details,
      retryAfterSeconds(resp.headers.get("Retry-After")),
    );
  }
  return data;
}
