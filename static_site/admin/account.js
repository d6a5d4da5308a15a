// My account (any staff member): the authenticator app (GET /api/staff/account/security; turn on
// with POST .../totp and the first code, POST .../totp/verify; off with DELETE .../totp unless the
// role needs it) and a change of password (POST /api/staff/account/password). These need the
// access token of a sign-in on this site: without it the page asks to sign in again.
import { api, ApiError } from "/shared/api.js";
import { onLangChange, t } from "/shared/i18n.js";
import { checkRequired, clearError, clearFieldErrors, mountLayout, requireStaff, showError, showFieldError } from "/shared/layout.js";
import { checkNewPassword, codeFrom, mountFields, passwordError, showEnrolment } from "/shared/staff_auth.js";

const $ = (id) => document.getElementById(id);
mountFields();
let security = null;

await mountLayout({ audience: "staff", active: null });
const staff = await requireStaff();

function notice(key) {
  $("notice-text").textContent = t(key);
  $("notice").hidden = false;
  $("notice-text").focus();
}

function render() {
  if (!security) return;
  $("mfa-status").textContent = t(security.totp_enabled ? "auth.account_mfa_on" : "auth.account_mfa_off");
  $("mfa-required").hidden = !security.mfa_required;
  $("totp-start").hidden = security.totp_enabled || !$("totp-form").hidden;
  $("totp-off").hidden = !security.totp_enabled || security.mfa_required;
}

function failed(err) {
  if (err instanceof ApiError && (err.code === "reauthenticate" || err.code === "signin_expired")) {
    $("account").hidden = true;
    $("reauth").hidden = false;
    $("reauth-link").focus();
    return;
  }
  showError($("account-error"), err);
}

async function load() {
  try {
    security = await api("/api/staff/account/security");
  } catch (err) {
    $("loading").hidden = true;
    failed(err);
    return;
  }
  $("loading").hidden = true;
  $("invite-section").hidden = !staff.roles.includes("admin");
  $("account").hidden = false;
  render();
}

async function guarded(button, work) {
  clearError($("account-error"));
  $("notice").hidden = true;
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    failed(err);
  } finally {
    button.disabled = false;
  }
}

$("totp-start").addEventListener("click", (event) =>
  guarded(event.currentTarget, async () => {
    showEnrolment(await api("/api/staff/account/totp", { method: "POST" }));
    $("totp-form").reset();
    clearFieldErrors($("totp-form"));
    $("totp-form").hidden = false;
    render();
    $("totp-form-title").focus();
  }),
);

$("totp-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  guarded(form.querySelector("button[type=submit]"), async () => {
    const code = codeFrom("totp-code");
    if (!code) return;
    try {
      security = await api("/api/staff/account/totp/verify", { method: "POST", body: { code } });
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_code") return showFieldError("totp-code", t("auth.code_wrong"));
      throw err;
    }
    form.hidden = true;
    render();
    notice("auth.account_mfa_done");
  });
});

$("totp-off").addEventListener("click", (event) =>
  guarded(event.currentTarget, async () => {
    security = await api("/api/staff/account/totp", { method: "DELETE" });
    render();
    notice("auth.account_mfa_stopped");
  }),
);

$("password-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  guarded(form.querySelector("button[type=submit]"), async () => {
    if (!checkRequired(form) || !checkNewPassword("new-password", "confirm-password")) return;
    try {
      await api("/api/staff/account/password", {
        method: "POST",
        body: { current_password: $("current-password").value, new_password: $("new-password").value },
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_credentials") return showFieldError("current-password", t("auth.current_password_wrong"));
      if (passwordError(err, "new-password")) return;
      throw err;
    }
    form.reset();
    notice("auth.account_password_done");
  });
});

if (staff) {
  await load();
  onLangChange(render);
}
