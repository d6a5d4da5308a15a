// What the staff sign-in pages share (login, forgotten password, my account): the message of a
// password rule the pool refused, the new-password pair check, and an authenticator enrolment
// (QR code, key to type, otpauth link).
//
//   import { passwordError, checkNewPassword, showEnrolment } from "/shared/staff_auth.js";
//   if (!checkNewPassword("new-password", "confirm-password")) return;
//   catch (err) { if (!passwordError(err, "new-password")) showError(box, err); }
//   showEnrolment({ secret, otpauth_uri, qr });   // fills #totp-qr, #totp-secret, #totp-link

import { ApiError } from "./api.js";
import { t } from "./i18n.js";
import { showFieldError } from "./layout.js";

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
