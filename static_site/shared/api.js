// Calls to the Dimotis API on the same origin.
//
//   import { api, ApiError } from "/shared/api.js";
//   const me = await api("/api/me");
//   await api("/api/me", { method: "PUT", body: { email: "a@b.gr" } });
//   try { ... } catch (err) { if (err instanceof ApiError && err.status === 404) ... }
//
// The session travels in HttpOnly cookies (credentials: "same-origin"). A staff call answered 401
// first tries to renew the staff session once (POST /api/staff/refresh) and then repeats.

export class ApiError extends Error {
  /** status: HTTP status (0 when the network failed); code/message/details: the API's
   * {"error": {"code", "message", "details"}}. */
  constructor(status, code, message, details) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details === undefined ? null : details;
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
    );
  }
  return data;
}
