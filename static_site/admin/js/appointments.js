// Staff appointments: the department's calendar (day, week) and list with service, status and date
// filters; complete with a comment, no-show, cancel with a reason; print the day's list; edit a
// service's hours, exceptions, capacity and limits (managers).
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { clearError, el, formatDate, formatTime, mountLayout, replaceChildren, requireStaff, showError }
  from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const STATUSES = ["booked", "rescheduled", "completed", "no_show", "cancelled_by_citizen", "cancelled_by_staff"];
const ACTIVE = ["booked", "rescheduled"];
const pick = (item, field) => (item && (item[`${field}_${lang()}`] || item[`${field}_el`])) || "";

await mountLayout({ audience: "staff", active: "appointments" });
const staff = await requireStaff(["clerk", "manager"]);
let services = [];
let rows = [];

function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Athens" }).format(new Date());
}

function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function monday(day) {
  const d = new Date(`${day}T12:00:00Z`);
  return addDays(day, -((d.getUTCDay() + 6) % 7));
}

function notice(text) {
  $("notice-text").textContent = text;
  $("notice").hidden = !text;
}

function range() {
  const day = $("date").value || today();
  const mode = $("mode").value;
  if (mode === "week") return [monday(day), addDays(monday(day), 6)];
  if (mode === "list") return [day, addDays(day, 29)];
  return [day, day];
}

function departmentQuery() {
  const department = $("department").value.trim();
  return department ? `&department_id=${encodeURIComponent(department)}` : "";
}

async function loadServices() {
  const data = await api(`/api/staff/services?x=1${departmentQuery()}`);
  services = data.services;
  replaceChildren($("service"), el("option", { value: "" }, t("appointments.all_services")),
    services.map((s) => el("option", { value: s.service_id }, pick(s, "name"))));
  replaceChildren($("settings-service"), services.map((s) => el("option", { value: s.service_id }, pick(s, "name"))));
  renderSettings();
}

async function load() {
  clearError($("error"));
  const [from, to] = range();
  const service = $("service").value;
  const status = $("status").value;
  let query = `from=${from}&to=${to}${departmentQuery()}`;
  if (service) query += `&service_id=${encodeURIComponent(service)}`;
  if (status) query += `&status=${status}`;
  try {
    rows = (await api(`/api/staff/appointments?${query}`)).appointments;
  } catch (err) {
    showError($("error"), err);
    rows = [];
  }
  $("print").href = `/api/staff/appointments/day-list?date=${$("date").value || today()}&lang=${lang()}${departmentQuery()}`
    + (service ? `&service_id=${encodeURIComponent(service)}` : "");
  render();
}

// -- actions ---------------------------------------------------------------------------------------
async function act(item, path, body) {
  clearError($("error"));
  try {
    await api(`/api/staff/appointments/${item.appointment_id}/${path}`, { method: "POST", body });
    notice(t("appointments.done"));
    await load();
  } catch (err) {
    showError($("error"), err);
  }
}

function inlineForm(item, { label, required, path, field, submitKey, testid }) {
  const id = `${path}-${item.appointment_id}`;
  const input = el("textarea", { class: "govgr-textarea", id, rows: "2", maxlength: path === "cancel" ? "500" : "1000", "data-testid": `${testid}-text` });
  return el("form", {
    class: "ap-inline", novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (required && text.length < 3) {
        input.focus();
        return;
      }
      act(item, path, text ? { [field]: text } : {});
    },
  },
  el("div", { class: "govgr-field" }, el("label", { class: "govgr-label", for: id }, t(label)), input),
  el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": `${testid}-submit` }, t(submitKey)));
}

function actions(item) {
  if (!ACTIVE.includes(item.status)) return null;
  const holder = el("div", { class: "ap-actions" });
  const open = (options) => {
    const existing = holder.querySelector("form");
    if (existing) existing.remove();
    const form = inlineForm(item, options);
    holder.append(form);
    form.querySelector("textarea").focus();
  };
  holder.append(
    el("button", { type: "button", class: "govgr-btn govgr-btn-primary", "data-testid": "complete",
      onclick: () => open({ label: "appointments.complete_comment", required: false, path: "complete", field: "comment",
        submitKey: "appointments.complete", testid: "complete" }) }, t("appointments.complete")),
    el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": "no-show",
      onclick: () => act(item, "no-show", {}) }, t("appointments.no_show")),
    el("button", { type: "button", class: "govgr-btn govgr-btn-warning", "data-testid": "staff-cancel",
      onclick: () => open({ label: "appointments.cancel_reason", required: true, path: "cancel", field: "reason",
        submitKey: "appointments.staff_cancel", testid: "cancel" }) }, t("appointments.staff_cancel")),
  );
  return holder;
}

function card(item) {
  return el("article", { class: "ap-card", "data-status": item.status, "data-testid": `row-${item.reference}` },
    el("strong", {}, formatTime(item.starts_at)), " ", item.reference, el("br"),
    pick(item, "service_name"), el("br"),
    `${t("appointments.citizen")}: ${item.citizen_name || item.taxid}`, el("br"),
    el("span", { "data-testid": "row-status" }, t(`appointments.status_${item.status}`)),
    item.subject ? [el("br"), el("em", {}, item.subject)] : null,
    item.staff_comment ? [el("br"), t("appointments.comment", { comment: item.staff_comment })] : null,
    item.cancel_reason ? [el("br"), t("appointments.reason", { reason: item.cancel_reason })] : null,
    actions(item));
}

function render() {
  const mode = $("mode").value;
  const [from, to] = range();
  if (!rows.length) {
    replaceChildren($("calendar"), el("p", { class: "govgr-body" }, t("appointments.none")));
    return;
  }
  if (mode === "week") {
    const days = [];
    for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
    replaceChildren($("calendar"), el("div", { class: "ap-week" }, days.map((day) =>
      el("section", { "aria-label": formatDate(`${day}T12:00:00Z`) },
        el("h2", { class: "govgr-heading-s" }, formatDate(`${day}T12:00:00Z`)),
        rows.filter((r) => r.start.slice(0, 10) === day).map(card)))));
    return;
  }
  if (mode === "list") {
    replaceChildren($("calendar"), el("table", { class: "ap-table" },
      el("thead", {}, el("tr", {}, ["date", "service", "citizen", "status", "actions"].map((k) => el("th", { scope: "col" }, t(`appointments.${k}`))))),
      el("tbody", {}, rows.map((r) => el("tr", { "data-testid": `row-${r.reference}` },
        el("td", {}, formatDate(r.starts_at), " ", formatTime(r.starts_at), el("br"), r.reference),
        el("td", {}, pick(r, "service_name")),
        el("td", {}, r.citizen_name || r.taxid),
        el("td", { "data-testid": "row-status" }, t(`appointments.status_${r.status}`),
          r.staff_comment ? [el("br"), t("appointments.comment", { comment: r.staff_comment })] : null),
        el("td", {}, actions(r)))))));
    return;
  }
  replaceChildren($("calendar"), el("h2", { class: "govgr-heading-m" }, formatDate(`${from}T12:00:00Z`)), rows.map(card));
}

// -- service settings ------------------------------------------------------------------------------
function intervalsText(list) {
  return (list || []).map(([a, b]) => `${a}-${b}`).join(", ");
}

function parseIntervals(text) {
  const value = text.trim();
  if (!value || /^(κλειστά|closed|-)$/i.test(value)) return [];
  return value.split(",").map((part) => {
    const match = part.trim().match(/^(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/);
    if (!match) throw new Error(t("appointments.bad_hours"));
    return [match[1], match[2]];
  });
}

function renderSettings() {
  const service = services.find((s) => s.service_id === $("settings-service").value) || services[0];
  const form = $("settings-form");
  if (!service) {
    replaceChildren(form);
    return;
  }
  const canEdit = staff.roles.includes("manager") || staff.roles.includes("admin");
  const number = (id, key, value) => el("div", { class: "govgr-field" },
    el("label", { class: "govgr-label", for: id }, t(key)),
    el("input", { class: "govgr-input govgr-input--width-5", type: "number", id, value: String(value), min: "0", disabled: !canEdit }));
  const hours = [1, 2, 3, 4, 5, 6, 7].map((d) => [
    el("label", { class: "govgr-label", for: `hours-${d}` }, t(`appointments.day_${d}`)),
    el("input", { class: "govgr-input", id: `hours-${d}`, value: intervalsText(service.hours[String(d)]), disabled: !canEdit, autocomplete: "off" }),
  ]);
  const exceptions = Object.entries(service.exceptions || {}).sort()
    .map(([day, list]) => `${day}: ${list.length ? intervalsText(list) : t("appointments.closed").toLowerCase()}`).join("\n");
  replaceChildren(form,
    number("capacity", "appointments.capacity", service.capacity),
    number("max_per_day", "appointments.max_per_day", service.max_per_day),
    number("slot_minutes", "appointments.slot_minutes", service.slot_minutes),
    number("duration_minutes", "appointments.duration_minutes", service.duration_minutes),
    number("min_notice_minutes", "appointments.min_notice", service.min_notice_minutes),
    number("max_days_ahead", "appointments.max_days", service.max_days_ahead),
    number("cancel_cutoff_minutes", "appointments.cutoff", service.cancel_cutoff_minutes),
    el("fieldset", { class: "govgr-fieldset" }, el("legend", { class: "govgr-fieldset__legend govgr-label" }, t("appointments.hours")),
      el("div", { class: "ap-hours" }, hours)),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "exceptions" }, t("appointments.exceptions")),
      el("textarea", { class: "govgr-textarea", id: "exceptions", rows: "4", disabled: !canEdit }, exceptions)),
    canEdit ? el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "save-settings" }, t("appointments.save")) : null);
  form.onsubmit = async (e) => {
    e.preventDefault();
    clearError($("error"));
    try {
      const body = {};
      for (const key of ["capacity", "max_per_day", "slot_minutes", "duration_minutes", "min_notice_minutes", "max_days_ahead", "cancel_cutoff_minutes"]) {
        body[key] = Number($(key).value);
      }
      body.hours = {};
      for (let d = 1; d <= 7; d += 1) {
        const list = parseIntervals($(`hours-${d}`).value);
        if (list.length) body.hours[String(d)] = list;
      }
      body.exceptions = {};
      for (const line of $("exceptions").value.split("\n").map((x) => x.trim()).filter(Boolean)) {
        const at = line.indexOf(":");
        if (at < 0) throw new Error(t("appointments.bad_hours"));
        body.exceptions[line.slice(0, at).trim()] = parseIntervals(line.slice(at + 1));
      }
      const saved = await api(`/api/staff/services/${encodeURIComponent(service.service_id)}`, { method: "PUT", body });
      services = services.map((s) => (s.service_id === saved.service_id ? saved : s));
      notice(t("appointments.saved"));
      renderSettings();
    } catch (err) {
      showError($("error"), err);
    }
  };
}

// -- start -----------------------------------------------------------------------------------------
if (staff) {
  $("content").hidden = false;
  $("department-field").hidden = !staff.roles.includes("admin");
  $("department").value = staff.department_id || "";
  replaceChildren($("status"), el("option", { value: "" }, t("appointments.all_statuses")),
    STATUSES.map((s) => el("option", { value: s }, t(`appointments.status_${s}`))));
  $("date").value = new URLSearchParams(location.search).get("date") || today();
  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    loadServices().then(load).catch((err) => showError($("error"), err));
  });
  $("settings-service").addEventListener("change", renderSettings);
  const step = (sign) => {
    const mode = $("mode").value;
    $("date").value = addDays($("date").value || today(), sign * (mode === "week" ? 7 : mode === "list" ? 30 : 1));
    load();
  };
  $("prev").addEventListener("click", () => step(-1));
  $("next").addEventListener("click", () => step(1));
  onLangChange(() => {
    replaceChildren($("status"), el("option", { value: "" }, t("appointments.all_statuses")),
      STATUSES.map((s) => el("option", { value: s }, t(`appointments.status_${s}`))));
    loadServices().then(load);
  });
  try {
    await loadServices();
    await load();
  } catch (err) {
    showError($("error"), err);
  }
}
