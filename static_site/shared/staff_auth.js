// What the staff sign-in pages share (login, forgotten password, my account): their fields (a
// six-digit code, the new-password pair, an authenticator enrolment: QR code, key to type, otpauth
// link), the message of a password rule the pool refused, and the checks before sending.
//
//   <div data-fields="new-password"></div>                      the new password and its repetition
//   <div data-fields="enrolment" data-code="setup-code"></div>  QR, key, link and the code field
//   <div data-fields="code" data-code="mfa-code"></div>         the code field alone
//
//   import { mountFields, passwordError, checkNewPassword, showEnrolment } from "/shared/staff_auth.js";
//   mountFields();                                  // first thing: fills every data-fields slot
//   if (!checkNewPassword("new-password", "confirm-password")) return;
//   catch (err) { if (!passwordError(err, "new-password")) showError(box, err); }
//   showEnrolment({ secret, otpauth_uri, qr });     // fills #totp-qr, #totp-secret, #totp-link

import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { el, replaceChildren, showFieldError } from "./layout.js";

function field(id, labelKey, hintKey, input) {
  const hint = hintKey ? el("p", { class: "govgr-hint", id: `${id}-hint`, "data-i18n": hintKey }) : null;
  if (hint) input.setAttribute("aria-describedby", `${id}-hint`);
  return el("div", { class: "govgr-field" }, el("label", { class: "govgr-label", for: id, "data-i18n": labelKey }), hint, input);
}

/** A six-digit code field (an authenticator's or an e-mailed one). */
export function codeField(id, labelKey = "auth.mfa_code", hintKey = "auth.mfa_code_hint") {
  return field(id, labelKey, hintKey, el("input", {
    class: "govgr-input govgr-input--width-10", id, type: "text", inputmode: "numeric", autocomplete: "one-time-code",
    pattern: "[0-9]{6}", maxlength: "7", required: true,
  }));
}

function passwordInput(id, autocomplete) {
  return el("input", { class: "govgr-input", id, type: "password", autocomplete, required: true, maxlength: "256" });
}

const BUILD = {
  "new-password": () => [
    field("new-password", "auth.new_password", "auth.new_password_hint", passwordInput("new-password", "new-password")),
    field("confirm-password", "auth.confirm_password", null, passwordInput("confirm-password", "new-password")),
  ],
  enrolment: (slot) => [
    el("p", { class: "govgr-body", "data-i18n": "auth.mfa_setup_scan" }),
    el("p", {}, el("img", { id: "totp-qr", class: "dimotis-qr", width: "180", height: "180", alt: "" })),
    el("p", { class: "govgr-body", "data-i18n": "auth.mfa_setup_type" }),
    el("p", { class: "govgr-body" }, el("code", { id: "totp-secret", "data-testid": "totp-secret" })),
    el("p", { class: "govgr-body" }, el("a", { class: "govgr-link", id: "totp-link", href: "#", "data-i18n": "auth.mfa_setup_link" })),
    codeField(slot.dataset.code, "auth.mfa_code", "auth.mfa_setup_then"),
  ],
  code: (slot) => codeField(slot.dataset.code, slot.dataset.label, slot.dataset.hint),
};

/** Fill every `[data-fields]` slot of the page with its fields. */
export function mountFields(root = document) {
  for (const slot of root.querySelectorAll("[data-fields]")) replaceChildren(slot, BUILD[slot.dataset.fields](slot));
}

/** When `err` is the pool refusing a password (400 password_policy), say which rule next to the
 * field `fieldId` and return true; else false. */
export function passwordError(err, fieldId) {
  if (!(err instanceof ApiError) || err.code !== "password_policy") return false;
  const details = err.details || {};
  const key = `auth.rule_${details.rule || "policy"}`;
  const text = t(key, { min: details.min_length || 12 });
  showFieldError(fieldId, text === key ? t("auth.rule_policy") : text);
  return true;
}

/** Both fields filled and equal; else the error is shown next to the one to fix. */
export function checkNewPassword(newId, confirmId) {
  const first = document.getElementById(newId);
  const second = document.getElementById(confirmId);
  if (!first.value) {
    showFieldError(first, t("common.field_required"));
    return false;
  }
  if (first.value !== second.value) {
    showFieldError(second, t("auth.password_mismatch"));
    return false;
  }
  return true;
}

/** A six-digit code typed in `fieldId` (spaces dropped), or null with the error shown. */
export function codeFrom(fieldId) {
  const field = document.getElementById(fieldId);
  const code = field.value.replace(/\s+/g, "");
  if (!/^[0-9]{6}$/.test(code)) {
    showFieldError(field, t("auth.code_format"));
    return null;
  }
  return code;
}

/** Show an enrolment: the QR code, the key to type (in groups of four) and the otpauth link. */
export function showEnrolment({ secret, otpauth_uri: uri, qr }) {
  const image = document.getElementById("totp-qr");
  image.src = qr;
  image.setAttribute("alt", t("auth.mfa_qr_alt"));
  document.getElementById("totp-secret").textContent = secret;
  document.getElementById("totp-link").href = uri;
}
