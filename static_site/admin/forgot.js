// A forgotten staff password: the username (POST /api/staff/password/forgot; the pool e-mails a
// code, and the page says the same whether the account exists or not), then the code and the
// new password (POST /api/staff/password/reset), then back to the sign-in with the same `next`.
import { api, ApiError } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { checkRequired, clearError, clearFieldErrors, mountLayout, showError, showFieldError } from "/shared/layout.js";
import { safeNext } from "/shared/next.js";
import { checkNewPassword, codeFrom, mountFields, passwordError } from "/shared/staff_auth.js";

const $ = (id) => document.getElementById(id);
mountFields();
const params = new URLSearchParams(location.search);
const next = safeNext(params.get("next"), "/admin/");
let username = "";

await mountLayout({ audience: "staff", active: null });
$("back-to-login").href = `/admin/login.html?next=${encodeURIComponent(next)}`;
if (params.get("username")) $("forgot-username").value = params.get("username");

function showStep(id, focus) {
  for (const part of ["forgot-form", "reset-form", "reset-done"]) $(part).hidden = part !== id;
  $(focus).focus();
}

async function guarded(form, work) {
  clearFieldErrors(form);
  clearError($("forgot-error"));
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    showError($("forgot-error"), err);
  } finally {
    button.disabled = false;
  }
}

async function sendCode() {
  await api("/api/staff/password/forgot", { method: "POST", body: { username } });
  $("reset-form").reset();
  showStep("reset-form", "reset-sent");
}

$("forgot-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  guarded(form, async () => {
    if (!checkRequired(form)) return;
    username = $("forgot-username").value.trim();
    await sendCode();
  });
});

$("reset-again").addEventListener("click", () => guarded($("reset-form"), sendCode));

$("reset-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(event.currentTarget, async () => {
    const code = codeFrom("reset-code");
    if (!code || !checkNewPassword("new-password", "confirm-password")) return;
    try {
      await api("/api/staff/password/reset", {
        method: "POST",
        body: { username, code, new_password: $("new-password").value },
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === "invalid_code") showFieldError("reset-code", t("auth.reset_code_wrong"));
      else if (!passwordError(err, "new-password")) throw err;
      return;
    }
    showStep("reset-done", "reset-done-text");
  });
});
