// Staff sign-in: POST /api/staff/login {username, password}, then each step the pool asks for
// (POST /api/staff/login/challenge): a new password at the first sign-in, an authenticator to
// enrol (QR code and key), a code from it. Then on to `next` (a path on this site only, as
// /shared/next.js judges it), else the dashboard.
import { api, ApiError } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { clearError, clearFieldErrors, mountLayout, showError, showFieldError } from "/shared/layout.js";
import { safeNext } from "/shared/next.js";
import { checkNewPassword, codeFrom, mountFields, passwordError, showEnrolment } from "/shared/staff_auth.js";

const $ = (id) => document.getElementById(id);
mountFields();
const STEPS = { NEW_PASSWORD_REQUIRED: "new-password-form", SOFTWARE_TOKEN_MFA: "mfa-form", MFA_SETUP: "mfa-setup-form" };
const FIRST_FIELD = { "new-password-form": "new-password", "mfa-form": "mfa-code", "mfa-setup-form": "setup-code" };
let step = null; // the challenge being answered: {challenge, session, username, ...}

function nextPath() {
  const next = safeNext(new URLSearchParams(location.search).get("next"), "/admin/");
  // never back to the sign-in pages themselves
  return /^\/admin\/(login|forgot)\.html/.test(next) ? "/admin/" : next;
}

function show(formId) {
  for (const id of ["login-form", ...Object.values(STEPS)]) $(id).hidden = id !== formId;
  const form = $(formId);
  clearFieldErrors(form);
  form.reset();
  const heading = form.querySelector("h2");
  (heading || $(FIRST_FIELD[formId] || "username")).focus();
}

function startAgain(message) {
  const username = step ? step.username : $("username").value;
  step = null;
  show("login-form");
  $("username").value = username;
  if (message) showError($("login-error"), message);
}

async function proceed(answer) {
  if (answer.challenge) {
    step = answer;
    if (answer.challenge === "MFA_SETUP") showEnrolment(answer);
    show(STEPS[answer.challenge]);
    return;
  }
  location.assign(nextPath());
}

async function submitting(form, work) {
  clearFieldErrors(form);
  clearError($("login-error"));
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await work();
  } finally {
    button.disabled = false;
  }
}

const staff = await mountLayout({ audience: "staff", active: null });
$("forgot-link").href = `/admin/forgot.html?next=${encodeURIComponent(nextPath())}`;

if (staff) {
  $("already-text").textContent = t("auth.login_already", { name: staff.name || staff.username });
  $("already-link").href = nextPath();
  $("already").hidden = false;
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  submitting(form, async () => {
    const username = $("username").value.trim();
    const password = $("password").value;
    let missing = false;
    for (const [id, value, label] of [["username", username, "auth.username"], ["password", password, "auth.password"]]) {
      if (!value) {
        showFieldError(id, t("auth.login_required", { field: t(label).toLowerCase() }));
        missing = missing || id;
      }
    }
    if (missing) {
      $(missing).focus();
      return;
    }
    try {
      await proceed(await api("/api/staff/login", { method: "POST", body: { username, password } }));
    } catch (err) {
      $("password").value = "";
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        showError($("login-error"), t("auth.login_failed"));
      } else if (err instanceof ApiError && err.code === "password_reset_required") {
        showError($("login-error"), t("auth.login_reset_required"));
      } else {
        showError($("login-error"), err);
      }
    }
  });
});

async function answer(body, fieldId) {
  try {
    await proceed(await api("/api/staff/login/challenge", {
      method: "POST",
      body: { username: step.username, session: step.session, challenge: step.challenge, ...body },
    }));
  } catch (err) {
    if (err instanceof ApiError && err.code === "signin_expired") startAgain(t("auth.signin_expired"));
    else if (err instanceof ApiError && err.code === "invalid_code") showFieldError(fieldId, t("auth.code_wrong"));
    else if (!passwordError(err, fieldId)) showError($("login-error"), err);
  }
}

$("new-password-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submitting(event.currentTarget, async () => {
    if (checkNewPassword("new-password", "confirm-password")) {
      await answer({ new_password: $("new-password").value }, "new-password");
    }
  });
});

for (const [formId, fieldId] of [["mfa-form", "mfa-code"], ["mfa-setup-form", "setup-code"]]) {
  $(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    submitting(event.currentTarget, async () => {
      const code = codeFrom(fieldId);
      if (code) await answer({ code }, fieldId);
    });
  });
}
