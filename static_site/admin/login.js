// Staff sign-in: POST /api/staff/login {username, password}, then on to `next` (a path on this
// site only), else the dashboard.
import { api, ApiError } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { clearError, clearFieldErrors, mountLayout, showError, showFieldError } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);

function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "";
  // Only paths on this origin, never "//host" or "/\host", and never back to this page.
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\") || next.startsWith("/admin/login")) {
    return "/admin/";
  }
  return next;
}

const staff = await mountLayout({ audience: "staff", active: null });

if (staff) {
  $("already-text").textContent = t("auth.login_already", { name: staff.name || staff.username });
  $("already-link").href = nextPath();
  $("already").hidden = false;
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  clearError($("login-error"));
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
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await api("/api/staff/login", { method: "POST", body: { username, password } });
    location.assign(nextPath());
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
      showError($("login-error"), t("auth.login_failed"));
      $("password").value = "";
    } else {
      showError($("login-error"), err);
    }
    button.disabled = false;
  }
});
