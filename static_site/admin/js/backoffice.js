// The back office: statistics dashboards (Chart.js, CSV export), audit log search and export,
// employees, absences and capacity flags, org chart import (dry run first), broadcast alerts, and
// what became of the messages (messages.js). Tabs follow the role: managers see statistics, audit,
// staff; admins also org import, alerts and messages.
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { checkRequired, clearError, el, mountLayout, replaceChildren, requireStaff, showError } from "/shared/layout.js";
import { mountMessages } from "/admin/js/messages.js";

const $ = (id) => document.getElementById(id);
const TABS = [
  { key: "stats", label: "backoffice.tab_stats", roles: ["manager"] },
  { key: "audit", label: "backoffice.tab_audit", roles: ["manager"] },
  { key: "staff", label: "backoffice.tab_staff", roles: ["manager"] },
  { key: "org", label: "backoffice.tab_org", roles: ["admin"] },
  { key: "alerts", label: "backoffice.tab_alerts", roles: ["admin"] },
  { key: "messages", label: "messages.tab", roles: ["admin"] },
];

await mountLayout({ audience: "staff", active: "backoffice" });
const staff = await requireStaff(["manager"]);
const isAdmin = Boolean(staff && staff.roles.includes("admin"));
let departments = [];
let chart = null;
let lastFigures = null;

const name = (item) => (lang() === "en" ? item.name_en || item.name_el : item.name_el);
const isoDay = (d) => d.toISOString().slice(0, 10);

function status(text) {
  $("status").textContent = text || "";
}

async function act(fn) {
  clearError($("error"));
  try {
    await fn();
  } catch (err) {
    showError($("error"), err);
  }
}

function table(columns, rows) {
  return el(
    "table",
    { class: "bo-table" },
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col" }, c.label)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, columns.map((c) => el("td", {}, c.cell(row)))))),
  );
}

function show(key) {
  for (const tab of TABS) {
    const panel = $(`tab-${tab.key}`);
    const button = $(`tabbtn-${tab.key}`);
    if (panel) panel.hidden = tab.key !== key;
    if (button) button.setAttribute("aria-selected", String(tab.key === key));
  }
  history.replaceState(null, "", `#${key}`);
}

function tabs() {
  const mine = TABS.filter((tab) => isAdmin || tab.roles.some((r) => staff.roles.includes(r)));
  replaceChildren(
    $("tabs"),
    mine.map((tab) =>
      el("button", {
        type: "button", role: "tab", id: `tabbtn-${tab.key}`, class: "govgr-btn govgr-btn-secondary",
        "aria-controls": `tab-${tab.key}`, "data-i18n": tab.label, onclick: () => show(tab.key),
      }),
    ),
  );
  const wanted = location.hash.slice(1);
  show(mine.some((tab) => tab.key === wanted) ? wanted : mine[0].key);
}

function departmentOptions(select, { all }) {
  const options = [];
  if (all) options.push(el("option", { value: "*", "data-i18n": "backoffice.all_departments" }));
  for (const d of departments.filter((x) => x.active)) {
    options.push(el("option", { value: d.department_id }, name(d)));
  }
  replaceChildren(select, options);
  if (!isAdmin) {
    select.value = staff.department_id || "";
    select.disabled = true;
  }
}

// -- statistics ----------------------------------------------------------------------------------------
function statsQuery() {
  const params = new URLSearchParams({ from: $("stats-from").value, to: $("stats-to").value });
  const dept = $("stats-department").value;
  if (isAdmin && dept) params.set("department_id", dept);
  return params.toString();
}

const MEASURES = {
  appointments: ["booked", "completed", "cancelled", "no_show"],
  requests: ["submitted"],
  queues: ["tickets"],
  visits: ["visits"],
};

function drawChart(figures) {
  if (!window.Chart) return;
  const measures = MEASURES[figures.dashboard];
  const data = {
    labels: figures.by_day.map((row) => row.day),
    datasets: measures.map((m) => ({ label: t(`backoffice.m_${m}`), data: figures.by_day.map((row) => row[m]) })),
  };
  if (chart) chart.destroy();
  chart = new window.Chart($("stats-chart"), {
    type: figures.dashboard === "appointments" ? "bar" : "line",
    data,
    options: { responsive: true, maintainAspectRatio: false, animation: false },
  });
}

function label(key) {
  const tkey = `backoffice.m_${key}`;
  const text = t(tkey);
  return text === tkey ? key : text;
}

function value(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number" && !Number.isInteger(v)) return v.toLocaleString(lang() === "el" ? "el-GR" : "en-GB");
  return String(v);
}

function renderStats(figures) {
  lastFigures = figures;
  drawChart(figures);
  const parts = [];
  const scalars = Object.entries(figures).filter(([k, v]) => !["dashboard", "department_id", "totals"].includes(k) && !Array.isArray(v) && typeof v !== "object");
  const totals = Object.entries({ ...figures.totals, ...Object.fromEntries(scalars) });
  parts.push(el("h3", { class: "govgr-heading-m", "data-i18n": "backoffice.totals" }));
  parts.push(table(
    [{ label: t("backoffice.measure"), cell: (r) => label(r[0]) }, { label: t("backoffice.value"), cell: (r) => value(r[1]) }],
    totals,
  ));
  for (const [section, rows] of Object.entries(figures)) {
    if (!Array.isArray(rows) || section === "by_day" || !rows.length) continue;
    const columns = Object.keys(rows[0]).map((k) => ({ label: label(k), cell: (r) => value(r[k]) }));
    parts.push(el("h3", { class: "govgr-heading-m" }, label(section)));
    parts.push(table(columns, rows));
  }
  replaceChildren($("stats-tables"), parts);
}

async function loadStats() {
  const dashboard = $("stats-dashboard").value;
  $("stats-export").href = `/api/staff/stats/${dashboard}/export?${statsQuery()}`;
  renderStats(await api(`/api/staff/stats/${dashboard}?${statsQuery()}`));
}

// -- audit ---------------------------------------------------------------------------------------------
function auditQuery() {
  const params = new URLSearchParams();
  for (const [param, id] of [["entity_type", "audit-entity-type"], ["entity_id", "audit-entity-id"],
    ["actor", "audit-actor"], ["from", "audit-from"], ["to", "audit-to"]]) {
    if ($(id).value.trim()) params.set(param, $(id).value.trim());
  }
  return params.toString();
}

async function loadAudit() {
  $("audit-export").href = `/api/staff/audit/export?${auditQuery()}`;
  const { entries } = await api(`/api/staff/audit?${auditQuery()}`);
  const json = (v) => (v === null || v === undefined ? "" : JSON.stringify(v));
  replaceChildren(
    $("audit-results"),
    entries.length
      ? table(
          [
            { label: t("backoffice.when"), cell: (e) => e.at.replace("T", " ").slice(0, 19) },
            { label: t("backoffice.actor"), cell: (e) => `${e.actor} (${e.role})` },
            { label: t("backoffice.action"), cell: (e) => e.action },
            { label: t("backoffice.entity"), cell: (e) => `${e.entity_type} ${e.entity_id}` },
            { label: t("backoffice.before"), cell: (e) => json(e.before) },
            { label: t("backoffice.after"), cell: (e) => json(e.after) },
            { label: t("backoffice.source_ip"), cell: (e) => e.source_ip || "" },
          ],
          entries,
        )
      : el("p", { class: "govgr-body", "data-i18n": "backoffice.nothing_found" }),
  );
}

// -- staff, absences, flags ----------------------------------------------------------------------------
let employees = [];

async function loadStaff() {
  const dept = $("staff-department").value || staff.department_id;
  const q = dept ? `?department_id=${encodeURIComponent(dept)}` : "";
  employees = (await api(`/api/staff/employees${q}`)).employees;
  replaceChildren(
    $("employees"),
    table(
      [
        { label: t("backoffice.employee_number"), cell: (e) => e.employee_number },
        { label: t("backoffice.employee"), cell: (e) => e.full_name },
        { label: t("backoffice.role"), cell: (e) => e.role },
        { label: t("backoffice.email"), cell: (e) => e.email },
      ],
      employees,
    ),
  );
  replaceChildren($("absence-employee"), employees.map((e) => el("option", { value: e.employee_number }, e.full_name)));
  const { absences } = await api(`/api/staff/absences${q}`);
  const who = Object.fromEntries(employees.map((e) => [e.employee_number, e.full_name]));
  replaceChildren(
    $("absences"),
    absences.length
      ? table(
          [
            { label: t("backoffice.employee"), cell: (a) => who[a.employee_number] || a.employee_number },
            { label: t("backoffice.absence_kind"), cell: (a) => t(`backoffice.kind_${a.kind}`) },
            { label: t("backoffice.from"), cell: (a) => a.start_day },
            { label: t("backoffice.to"), cell: (a) => a.end_day },
            {
              label: "",
              cell: (a) => el("button", {
                type: "button", class: "govgr-btn govgr-btn-secondary", "data-i18n": "backoffice.remove",
                onclick: () => act(async () => {
                  await api(`/api/staff/absences/${a.absence_id}`, { method: "DELETE" });
                  await loadStaff();
                }),
              }),
            },
          ],
          absences,
        )
      : el("p", { class: "govgr-body", "data-i18n": "backoffice.no_absences" }),
  );
  await loadFlags(q);
}

async function loadFlags(q) {
  const { flags } = await api(`/api/staff/capacity-flags${q}`);
  if (!flags.length) {
    replaceChildren($("flags"), el("p", { class: "govgr-body", "data-i18n": "backoffice.no_flags" }));
    return;
  }
  replaceChildren(
    $("flags"),
    flags.map((f) => {
      const slot = el("select", { class: "govgr-select", "aria-label": t("backoffice.move_to") },
        f.suggestions.slots.map((s) => el("option", { value: s }, s.replace("T", " "))));
      const colleague = el("select", { class: "govgr-select", "aria-label": t("backoffice.cover_by") },
        f.suggestions.colleagues.map((c) => el("option", { value: c.employee_number }, c.full_name)));
      const post = (action, body) => act(async () => {
        await api(`/api/staff/capacity-flags/${f.appointment_id}/${action}`, { method: "POST", body });
        await loadStaff();
      });
      return el(
        "div",
        { class: "govgr-panel", "data-testid": "flag" },
        el("p", { class: "govgr-body" }, t("backoffice.flag_text", {
          start: f.start.replace("T", " "), service: f.service_id, capacity: f.capacity, booked: f.booked,
        })),
        el("div", { class: "bo-row" },
          slot,
          el("button", { type: "button", class: "govgr-btn govgr-btn-primary", "data-i18n": "backoffice.move",
            disabled: !f.suggestions.slots.length, onclick: () => post("move", { start: slot.value }) }),
          colleague,
          el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-i18n": "backoffice.cover",
            disabled: !f.suggestions.colleagues.length, onclick: () => post("cover", { employee_number: colleague.value }) }),
          el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-i18n": "backoffice.dismiss",
            onclick: () => post("dismiss") }),
        ),
      );
    }),
  );
}

// -- org import ----------------------------------------------------------------------------------------
function renderReport(report) {
  const rows = [];
  for (const kind of ["added", "changed", "deactivated"]) {
    for (const [what, items] of Object.entries(report[kind])) {
      for (const item of items) {
        rows.push({ kind, what, id: typeof item === "string" ? item : `${item.id} (${item.fields.join(", ")})` });
      }
    }
  }
  replaceChildren(
    $("org-report"),
    el("p", { class: "govgr-body", role: "status" },
      t(report.dry_run ? "backoffice.org_dry_run_result" : "backoffice.org_result", { changes: report.changes })),
    rows.length
      ? table(
          [
            { label: t("backoffice.change"), cell: (r) => t(`backoffice.change_${r.kind}`) },
            { label: t("backoffice.item"), cell: (r) => t(`backoffice.item_${r.what}`) },
            { label: t("backoffice.id"), cell: (r) => r.id },
          ],
          rows,
        )
      : null,
  );
}

function renderImportErrors(err) {
  const errors = (err.details && err.details.errors) || [];
  if (!errors.length) throw err;
  replaceChildren(
    $("org-report"),
    el("p", { class: "govgr-error-message", role: "alert" }, err.message),
    table(
      [
        { label: t("backoffice.row"), cell: (e) => String(e.row) },
        { label: t("backoffice.field"), cell: (e) => e.field },
        { label: t("backoffice.problem"), cell: (e) => e.message },
      ],
      errors,
    ),
  );
}

async function importOrg() {
  const file = $("org-file").files[0];
  if (!file) {
    showError($("error"), t("backoffice.org_choose_file"));
    return;
  }
  const content = await file.text();
  try {
    renderReport(await api("/api/admin/org/import", {
      method: "POST", body: { content, filename: file.name, dry_run: $("org-dry-run").checked },
    }));
  } catch (err) {
    renderImportErrors(err);
  }
}

// -- alerts --------------------------------------------------------------------------------------------
async function loadAlerts() {
  const { topics } = await api("/api/alerts/topics");
  replaceChildren($("alert-topic"), topics.map((tp) => el("option", { value: tp.topic }, name(tp))));
  const { alerts } = await api("/api/admin/alerts");
  replaceChildren(
    $("alerts"),
    alerts.length
      ? table(
          [
            { label: t("backoffice.alert_topic"), cell: (a) => a.topic },
            { label: t("backoffice.alert_title"), cell: (a) => a.title[lang()] },
            { label: t("backoffice.alert_status"), cell: (a) => t(`backoffice.alert_${a.status}`) },
            { label: t("backoffice.alert_reached"), cell: (a) => `${a.recipients} / ${a.messages}` },
            { label: t("backoffice.to"), cell: (a) => a.until.replace("T", " ").slice(0, 16) },
            {
              label: "",
              cell: (a) => a.status === "withdrawn" ? "" : el("button", {
                type: "button", class: "govgr-btn govgr-btn-secondary", "data-i18n": "backoffice.withdraw",
                onclick: () => act(async () => {
                  await api(`/api/admin/alerts/${a.alert_id}/withdraw`, { method: "POST" });
                  await loadAlerts();
                }),
              }),
            },
          ],
          alerts,
        )
      : el("p", { class: "govgr-body", "data-i18n": "backoffice.no_alerts" }),
  );
}

async function sendAlert() {
  const channels = [["email", "alert-email"], ["sms", "alert-sms"]].filter(([, id]) => $(id).checked).map(([c]) => c);
  await api("/api/admin/alerts", {
    method: "POST",
    body: {
      topic: $("alert-topic").value,
      severity: $("alert-severity").value,
      title: { el: $("alert-title-el").value.trim(), en: $("alert-title-en").value.trim() },
      text: { el: $("alert-text-el").value.trim(), en: $("alert-text-en").value.trim() },
      channels,
      hours: Number($("alert-hours").value || 24),
    },
  });
  $("alert-form").reset();
  status(t("backoffice.alert_sent"));
  await loadAlerts();
}

// -- start ---------------------------------------------------------------------------------------------
if (staff) {
  const today = new Date();
  $("stats-to").value = isoDay(today);
  $("stats-from").value = isoDay(new Date(today.getTime() - 29 * 86400000));
  tabs();
  await act(async () => {
    departments = (await api("/api/staff/org")).departments;
  });
  departmentOptions($("stats-department"), { all: true });
  departmentOptions($("staff-department"), { all: false });
  if (isAdmin) $("stats-department").value = "*";

  $("stats-form").addEventListener("submit", (e) => { e.preventDefault(); act(loadStats); });
  $("stats-dashboard").addEventListener("change", () => act(loadStats));
  $("audit-form").addEventListener("submit", (e) => { e.preventDefault(); act(loadAudit); });
  $("staff-department").addEventListener("change", () => act(loadStaff));
  $("absence-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!checkRequired(e.target)) return;
    act(async () => {
      await api("/api/staff/absences", {
        method: "POST",
        body: {
          employee_number: $("absence-employee").value, kind: $("absence-kind").value,
          start_day: $("absence-start").value, end_day: $("absence-end").value || $("absence-start").value,
        },
      });
      status(t("backoffice.absence_saved"));
      await loadStaff();
    });
  });
  $("absence-import").addEventListener("click", () => act(async () => {
    const result = await api("/api/staff/absences/import", { method: "POST", body: { content: $("absence-csv").value } });
    status(t("backoffice.absence_imported", { count: result.imported }));
    await loadStaff();
  }));
  $("org-form").addEventListener("submit", (e) => { e.preventDefault(); act(importOrg); });
  $("alert-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (checkRequired(e.target)) act(sendAlert);
  });
  onLangChange(() => { if (lastFigures) renderStats(lastFigures); });

  await act(loadStats);
  await act(loadAudit);
  await act(loadStaff);
  if (isAdmin) await act(loadAlerts);
  if (isAdmin) await act(() => mountMessages({ table, onError: (err) => showError($("error"), err) }));
}
