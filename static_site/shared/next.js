// Where a sign-in may send the browser back to: a path on this site, judged as the browser will
// read it. The same rule as the server's (chalicelib/services/platform/redirects.py; both are held
// to one table of cases in tests/unit/http/redirect_cases.json).
//
//   import { safeNext } from "/shared/next.js";
//   location.assign(safeNext(new URLSearchParams(location.search).get("next"), "/admin/"));
//
// Refused (the answer is `fallback`) unless, as given and after each round of percent-decoding:
// it starts with one "/" and not "//" nor "/\"; it holds no backslash, no "@", no whitespace and
// no control character (a browser drops tabs and newlines, so "/\t/evil.example" is
// "//evil.example"); every "%" starts a valid escape of UTF-8; at most 300 characters.

const MAX_LENGTH = 300;
const ROUNDS = 3;
const BAD = /[\\@\s\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function acceptable(value) {
  return value.startsWith("/") && !value.startsWith("//") && !BAD.test(value) && !BAD_ESCAPE.test(value);
}

function decoded(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** `value` when it is a path on this site in every reading, else `fallback`. */
export function safeNext(value, fallback = "/") {
  if (typeof value !== "string" || !value || [...value].length > MAX_LENGTH) return fallback;
  let current = value;
  for (let round = 0; round < ROUNDS; round += 1) {
    if (!acceptable(current)) return fallback;
    const next = decoded(current);
    if (next === null) return fallback;
    if (next === current) return value;
    current = next;
  }
  return acceptable(current) && decoded(current) === current ? value : fallback;
}
