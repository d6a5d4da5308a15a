// Staff requests page: the department inbox with filters (status, type, age, overdue), a Leaflet
// map of open located reports, bulk assign, and a request's detail with its whole timeline, assign,
// status change with a public or internal note (response templates), notes and re-routing.
// Citizens' text is put on the page with el()/textContent only: it never runs as markup.
import * as L from "/vendor/leaflet/dist/leaflet-src.esm.js";
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  clearError, el, formatDate, formatDateTime, mountLayout, replaceChildren, requireStaff, showError,
} from "/shared/layout.js";
import { mapOptions } from "/shared/municipality.js";

const $ = (id) => document.getElementById(id);
const STATUSES = ["submitted", "received", "assigned", "in_progress", "on_hold", "resolved", "rejected", "closed"];
const NEXT = {
  submitted: ["received", "assigned", "in_progress", "on_hold", "resolved", "rejected"],
  received: ["assigned", "in_progress", "on_hold", "resolved", "rejected"],
  assigned: ["received", "in_progress", "on_hold", "resolved", "rejected"],
  in_progress: ["assigned", "on_hold", "resolved", "rejected"],
  on_hold: ["assigned", "in_progress", "resolved", "rejected"],
  resolved: ["in_progress", "closed"],
  rejected: ["closed"],
  closed: [],
};

await mountLayout({ audience: "staff", active: "requests" });
const staff = await requireStaff(["clerk", "manager"]);
let types = [];
let departments = [];
let colleagues = [];
let current = null;
let map = null;
let layer = null;

const name = (item) => (lang() === "en" ? item.name_en || item.name_el : item.name_el);
const typeName = (code) => {
  const kind = types.find((k) => k.code === code);
  return kind ? name(kind) : code;
};
const statusText = (s) => t(`requests.status.${s}`);
const department = () => $("f-department").value || staff.department_id;

function options(select, items, chosen) {
  replaceChildren(select, items.map(([value, label]) => el("option", { value }, label)));
  if (chosen !== undefined) select.value = chosen;
}

function renderFilters() {
  options($("f-status"), [["", t("requests.all_open")], ...STATUSES.map((s) => [s, statusText(s)])], $("f-status").value);
  options($("f-type"), [["", t("requests.all_types")], ...types.map((k) => [k.code, name(k)])], $("f-type").value);
  if (staff.roles.includes("admin")) {
    $("department-field").hidden = false;
    options($("f-department"), departments.map((d) => [d, d]), $("f-department").value || staff.department_id);
  }
}

// -- inbox and map -------------------------------------------------------------------------------
function query() {
  const params = new URLSearchParams({ department_id: department() });
  if ($("f-status").value) params.set("status", $("f-status").value);
  if ($("f-type").value) params.set("type_code", $("f-type").value);
  if ($("f-age").value) params.set("min_age_days", $("f-age").value);
  if ($("f-overdue").checked) params.set("overdue", "true");
  return params;
}

async function loadInbox() {
  const data = await api(`/api/staff/requests?${query()}`);
  $("select-all").checked = false;
  $("inbox-empty").hidden = data.requests.length > 0;
  replaceChildren($("inbox"), data.requests.map((r) =>
    el("tr", { "data-request": r.request_id },
      el("td", {}, el("input", { type: "checkbox", class: "rq-select", value: r.request_id,
        "aria-label": t("requests.select_one", { protocol: r.protocol }) })),
      el("td", {}, el("a", { class: "govgr-link", href: `#${r.request_id}`, "data-testid": "open-request",
        onclick: (e) => { e.preventDefault(); openDetail(r.request_id); } }, r.protocol)),
      el("td", {}, typeName(r.type_code)),
      el("td", {}, statusText(r.status), r.overdue ? [" ", el("span", { class: "rq-overdue" }, t("requests.overdue"))] : null),
      el("td", {}, formatDate(r.created_at)),
      el("td", {}, r.assigned_name || r.assigned_to || t("requests.nobody")))));
}

async function loadMap() {
  if (!map) {
    map = L.map("map", { ...(await mapOptions()), attributionControl: false });
    layer = L.layerGroup().addTo(map);
  }
  const data = await api(`/api/staff/requests-map?department_id=${encodeURIComponent(department())}`);
  layer.clearLayers();
  const points = [];
  for (const r of data.reports) {
    const marker = L.circleMarker([r.lat, r.lon], { radius: 8, color: r.overdue ? "#d4351c" : "#1d70b8", weight: 3,
      className: "rq-marker" });
    // an element, not a string: Leaflet parses a string tooltip as HTML
    marker.bindTooltip(el("span", {}, `${r.protocol} — ${typeName(r.type_code)}`));
    marker.on("click", () => openDetail(r.request_id));
    marker.addTo(layer);
    points.push([r.lat, r.lon]);
  }
  if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 17 });
  setTimeout(() => map.invalidateSize(), 0);
}

async function loadColleagues() {
  colleagues = (await api(`/api/staff/request-colleagues?department_id=${encodeURIComponent(department())}`)).colleagues;
  options($("bulk-colleague"), colleagues.map((c) => [c.username, c.name || c.username]));
}

async function refresh() {
  clearError($("error"));
  try {
    await Promise.all([loadInbox(), loadMap(), loadColleagues()]);
  } catch (err) {
    showError($("error"), err);
  }
}

async function bulkAssign() {
  const ids = [...document.querySelectorAll(".rq-select:checked")].map((i) => i.value);
  if (!ids.length || !$("bulk-colleague").value) return;
  try {
    const data = await api("/api/staff/requests-bulk-assign", { method: "POST",
      body: { request_ids: ids, username: $("bulk-colleague").value } });
    $("bulk-result").textContent = t("requests.bulk_done", { ok: data.results.filter((r) => r.ok).length, total: ids.length });
    await refresh();
  } catch (err) {
    showError($("error"), err);
  }
}

// -- the detail ----------------------------------------------------------------------------------
function field(label, ...value) {
  return [el("dt", { class: "govgr-summary-list__key" }, label), el("dd", { class: "govgr-summary-list__value" }, ...value)];
}

function entryText(e) {
  const parts = [t(`requests.action.${e.action}`)];
  if (e.status && e.action !== "note") parts.push(statusText(e.status));
  if (e.assigned_to) parts.push(e.assigned_to);
  if (e.from_department_id) parts.push(`${e.from_department_id} → ${e.department_id}`);
  return parts.join(" — ");
}

function form(id, children, onsubmit) {
  return el("form", { id, novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    clearError($("detail-error"));
    try {
      await onsubmit();
      await refresh();
      await openDetail(current.request.request_id);
    } catch (err) {
      showError($("detail-error"), err);
    }
  } }, children);
}

function renderDetail() {
  const { request: r, timeline, type, photo_urls: photos } = current;
  const templates = (type && type.templates) || [];
  const attributes = Object.entries(r.attributes || {});
  const next = NEXT[r.status] || [];
  const statusForm = next.length ? form("status-form", [
    el("h3", { class: "govgr-heading-s" }, t("requests.change_status")),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "d-status" }, t("requests.new_status")),
      el("select", { class: "govgr-select", id: "d-status" }, next.map((s) => el("option", { value: s }, statusText(s))))),
    templates.length ? el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "d-template" }, t("requests.template")),
      el("select", { class: "govgr-select", id: "d-template", onchange: (e) => {
        const chosen = templates.find((x) => x.id === e.target.value);
        if (chosen) $("d-note").value = (lang() === "en" && chosen.text_en) || chosen.text_el;
      } }, el("option", { value: "" }, t("requests.no_template")), templates.map((x) => el("option", { value: x.id }, x.title)))) : null,
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "d-note" }, t("requests.note")),
      el("textarea", { class: "govgr-textarea", id: "d-note", rows: 3, maxlength: 2000 })),
    el("div", { class: "govgr-checkboxes__item govgr-field" },
      el("label", { class: "govgr-label govgr-checkboxes__label" },
        el("input", { class: "govgr-checkboxes__input", type: "checkbox", id: "d-public", checked: true }),
        " ", t("requests.note_public"))),
    el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "save-status" }, t("requests.save")),
  ], async () => {
    const note = $("d-note").value.trim();
    const isPublic = $("d-public").checked;
    const body = { status: $("d-status").value, note_public: isPublic };
    if (note) body.note = note;
    if (body.status === "rejected" && note && isPublic) body.reason = note;
    await api(`/api/staff/requests/${r.request_id}/status`, { method: "POST", body });
  }) : null;
  const open = !["resolved", "rejected", "closed"].includes(r.status);
  const assignForm = open ? form("assign-form", [
    el("h3", { class: "govgr-heading-s" }, t("requests.assign")),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "d-assignee" }, t("requests.colleague")),
      el("select", { class: "govgr-select", id: "d-assignee", value: r.assigned_to || "" },
        colleagues.map((c) => el("option", { value: c.username }, c.name || c.username)))),
    el("button", { type: "submit", class: "govgr-btn govgr-btn-secondary", "data-testid": "assign" }, t("requests.assign")),
  ], () => api(`/api/staff/requests/${r.request_id}/assign`, { method: "POST", body: { username: $("d-assignee").value } })) : null;
  const noteForm = form("note-form", [
    el("h3", { class: "govgr-heading-s" }, t("requests.add_note")),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "n-note" }, t("requests.note")),
      el("textarea", { class: "govgr-textarea", id: "n-note", rows: 2, maxlength: 2000, required: true })),
    el("div", { class: "govgr-checkboxes__item govgr-field" },
      el("label", { class: "govgr-label govgr-checkboxes__label" },
        el("input", { class: "govgr-checkboxes__input", type: "checkbox", id: "n-public" }), " ", t("requests.note_public"))),
    el("button", { type: "submit", class: "govgr-btn govgr-btn-secondary" }, t("requests.add_note")),
  ], () => api(`/api/staff/requests/${r.request_id}/notes`, { method: "POST",
    body: { note: $("n-note").value.trim(), public: $("n-public").checked } }));
  const others = departments.filter((d) => d !== r.department_id);
  const routeForm = open && others.length ? form("route-form", [
    el("h3", { class: "govgr-heading-s" }, t("requests.reroute")),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "r-department" }, t("requests.reroute_to")),
      el("select", { class: "govgr-select", id: "r-department" }, others.map((d) => el("option", { value: d }, d)))),
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: "r-note" }, t("requests.reroute_note")),
      el("textarea", { class: "govgr-textarea", id: "r-note", rows: 2, maxlength: 2000 })),
    el("button", { type: "submit", class: "govgr-btn govgr-btn-secondary" }, t("requests.reroute")),
  ], () => api(`/api/staff/requests/${r.request_id}/route`, { method: "POST",
    body: { department_id: $("r-department").value, note: $("r-note").value.trim() } })) : null;

  replaceChildren($("detail"),
    el("h3", { class: "govgr-heading-m", "data-testid": "detail-protocol" }, r.protocol, " — ", typeName(r.type_code)),
    el("dl", { class: "govgr-summary-list" },
      field(t("requests.status_label"), el("strong", { "data-testid": "detail-status" }, statusText(r.status)),
        r.overdue ? [" ", el("span", { class: "rq-overdue" }, t("requests.overdue"))] : null),
      field(t("requests.department"), r.department_id),
      field(t("requests.assigned_to"), r.assigned_name || r.assigned_to || t("requests.nobody")),
      field(t("requests.submitted_at"), formatDateTime(r.created_at)),
      field(t("requests.due"), formatDate(r.due_at)),
      field(t("requests.channel_label"), t(`requests.channel.${r.channel}`)),
      field(t("requests.requester"), r.requester_name || "—", r.taxid ? ` (${r.taxid})` : ""),
      r.contact_email || r.contact_phone ? field(t("requests.contact"), [r.contact_email, r.contact_phone].filter(Boolean).join(", ")) : null,
      r.address ? field(t("requests.address"), r.address) : null),
    r.description ? el("p", { class: "govgr-body rq-note", "data-testid": "detail-description" }, r.description) : null,
    attributes.length ? [el("h4", { class: "govgr-heading-s" }, t("requests.extra_fields")),
      el("ul", { class: "govgr-list" }, attributes.map(([code, value]) =>
        el("li", {}, `${code}: ${Array.isArray(value) ? value.join(", ") : value}`)))] : null,
    photos && photos.length ? [el("h4", { class: "govgr-heading-s" }, t("requests.photos")),
      el("div", { class: "rq-photos" }, photos.map((url, i) => el("img", { src: url, alt: `${t("requests.photos")} ${i + 1}` })))] : null,
    el("h4", { class: "govgr-heading-s" }, t("requests.timeline")),
    el("ol", { class: "rq-timeline", "data-testid": "staff-timeline" }, timeline.map((e) =>
      el("li", { class: e.public ? "" : "rq-internal" },
        el("p", { class: "govgr-body govgr-!-margin-bottom-1" }, el("strong", {}, formatDateTime(e.at)), " — ",
          entryText(e), " — ", e.actor_name || e.actor || ""),
        e.note ? el("p", { class: "govgr-body rq-note" }, `(${t(e.note_public ? "requests.public_note" : "requests.internal_note")}) `, e.note) : null))),
    assignForm, statusForm, noteForm, routeForm);
}

async function openDetail(requestId) {
  clearError($("detail-error"));
  $("detail-section").hidden = false;
  try {
    current = await api(`/api/staff/requests/${encodeURIComponent(requestId)}`);
    if (current.request.department_id !== department()) {
      colleagues = (await api(`/api/staff/request-colleagues?department_id=${encodeURIComponent(current.request.department_id)}`)).colleagues;
    }
    history.replaceState(null, "", `#${requestId}`);
    renderDetail();
  } catch (err) {
    current = null;
    $("detail").replaceChildren();
    showError($("detail-error"), err);
  }
}

// -- start -----------------------------------------------------------------------------------------
if (staff) {
  $("content").hidden = false;
  try {
    types = (await api("/api/staff/request-types")).types;
  } catch (err) {
    showError($("error"), err);
  }
  departments = [...new Set([staff.department_id, ...types.map((k) => k.department_id)].filter(Boolean))].sort();
  renderFilters();
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  $("select-all").addEventListener("change", (event) => {
    for (const box of document.querySelectorAll(".rq-select")) box.checked = event.target.checked;
  });
  $("bulk-assign").addEventListener("click", bulkAssign);
  await refresh();
  if (location.hash.length > 1) await openDetail(location.hash.slice(1));
  onLangChange(() => {
    renderFilters();
    refresh();
    if (current) renderDetail();
  });
}
