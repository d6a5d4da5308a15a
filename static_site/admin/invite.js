// An administrator invites a colleague (POST /api/admin/staff): their account gets a temporary
// password that the user pool e-mails; at the first sign-in they choose their own.
import { api, ApiError } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  checkRequired, clearError, clearFieldErrors, el, errorMessage, mountLayout, replaceChildren, requireStaff, showError,
  showFieldError,
} from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const FIELDS = { username: "invite-username", name: "invite-name", email: "invite-email", role: "invite-role",
  department_id: "invite-department" };
const CODE_FIELD = { username_taken: "username", department_not_found: "department_id", department_inactive: "department_id" };
let departments = [];

await mountLayout({ audience: "staff", active: null });
const staff = await requireStaff(["admin"]);

function renderDepartments() {
  const select = $("invite-department");
  const chosen = select.value;
  const name = (d) => (lang() === "en" && d.name_en) || d.name_el;
  replaceChildren(
    select,
    el("option", { value: "", "data-i18n": "auth.invite_no_department" }),
    departments.filter((d) => d.active).map((d) => el("option", { value: d.department_id }, name(d))),
  );
  select.value = chosen;
}

$("invite-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  clearError($("invite-error"));
  $("invited").hidden = true;
  if (!checkRequired(form)) return;
  if ($("invite-role").value !== "admin" && !$("invite-department").value) {
    showFieldError("invite-department", t("common.field_required"));
    return;
  }
  const body = { username: $("invite-username").value.trim(), name: $("invite-name").value.trim(),
    email: $("invite-email").value.trim(), role: $("invite-role").value };
  if ($("invite-department").value) body.department_id = $("invite-department").value;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const done = await api("/api/admin/staff", { method: "POST", body });
    form.reset();
    $("invited-text").textContent = t("auth.invite_done", { username: done.username });
    $("invited").hidden = false;
    $("invited-text").focus();
  } catch (err) {
    const field = err instanceof ApiError && (CODE_FIELD[err.code] || (err.details && err.details.field));
    if (field && FIELDS[field]) showFieldError(FIELDS[field], errorMessage(err));
    else showError($("invite-error"), err);
  } finally {
    button.disabled = false;
  }
});

if (staff) {
  try {
    departments = (await api("/api/staff/org")).departments;
  } catch (err) {
    showError($("invite-error"), err);
  }
  renderDepartments();
  $("loading").hidden = true;
  $("invite-form").hidden = false;
  onLangChange(renderDepartments);
}
