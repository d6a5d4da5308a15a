// Staff page of the visit log: declare an exposure, approve or reject another officer's (two keys:
// the declarer never approves their own; they may withdraw it), and follow its progress (admins and
// health officers; counts only, never a name, number or address), register a visitor at the
// entrance (any staff), buildings and entrances (admins).
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  checkRequired, clearError, el, formatDateTime, mountLayout, replaceChildren, requireStaff, showError, showFieldError,
} from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 3000;

await mountLayout({ audience: "staff", active: "visits" });
const staff = await requireStaff();
const roles = new Set((staff && staff.roles) || []);
const isAdmin = roles.has("admin");
const canDeclare = isAdmin || roles.has("health_officer");
let buildings = [];
let incidents = [];
let rejecting = null; // the incident whose rejection form is open
const SENDING = new Set(["approved", "matching", "queued"]);

const name = (item) => (lang() === "en" ? item.name_en : item.name_el);

async function act(fn) {
  clearError($("error"));
  try {
    return await fn();
  } catch (err) {
    showError($("error"), err);
    return null;
  }
}

function renderBuildings() {
  const select = $("incident-building");
  const chosen = select.value;
  replaceChildren(select, buildings.map((b) => el("option", { value: b.building_id }, name(b))));
  if (chosen) select.value = chosen;
  replaceChildren(
    $("building-list"),
    buildings.map((b) =>
      el(
        "li",
        {},
        el("strong", {}, name(b)),
        ` (${b.building_id}, ${b.closing_time}) `,
        b.entrances.map((e) => [
          " · ",
          el("a", { class: "govgr-link", href: `/kiosk/${b.building_id}?entrance=${e.entrance_id}`, target: "_blank" },
            `${t("visits.kiosk_link")}: ${name(e)}`),
        ]),
        isAdmin ? [" · ", el("button", { class: "govgr-btn govgr-btn-secondary", type: "button",
          onclick: () => editBuilding(b) }, t("visits.edit"))] : null,
      ),
    ),
  );
}

function editBuilding(b) {
  $("building-id").value = b.building_id;
  $("building-name-el").value = b.name_el;
  $("building-name-en").value = b.name_en || "";
  $("closing-time").value = b.closing_time;
  $("entrances").value = b.entrances.map((e) => `${e.entrance_id} | ${e.name_el} | ${e.name_en || ""}`).join("\n");
  $("building-id").focus();
}

function buildingName(id) {
  const b = buildings.find((x) => x.building_id === id);
  return b ? name(b) : id;
}

function windowText(i) {
  return `${formatDateTime(i.window_start)} – ${formatDateTime(i.window_end)}`;
}

function decision(i) {
  if (i.status !== "pending") {
    return i.decided_by
      ? t("visits.decided_by", { status: t(`visits.status_${i.status}`), name: i.decided_by })
      : "";
  }
  const mine = i.declared_by === staff.username;
  const label = (key) => `${t(key)}: ${buildingName(i.building_id)}, ${windowText(i)}`;
  return [
    mine
      ? el("span", { class: "govgr-hint" }, t("visits.awaiting_other"), " ")
      : el("button", { class: "govgr-btn govgr-btn-primary", type: "button", "aria-label": label("visits.approve"),
        dataset: { incident: i.incident_id, action: "approve" }, onclick: () => approve(i) }, t("visits.approve")),
    " ",
    el("button", { class: "govgr-btn govgr-btn-secondary", type: "button",
      "aria-label": label(mine ? "visits.withdraw" : "visits.reject"),
      dataset: { incident: i.incident_id, action: "reject" }, onclick: () => openReject(i) },
    t(mine ? "visits.withdraw" : "visits.reject")),
  ];
}

function renderIncidents() {
  // a re-render (the progress refresh) keeps the keyboard focus on the same button
  const focused = document.activeElement && document.activeElement.dataset;
  const keep = focused && focused.incident ? `[data-incident="${focused.incident}"][data-action="${focused.action}"]` : null;
  $("no-incidents").hidden = incidents.length > 0;
  replaceChildren(
    $("incident-rows"),
    incidents.map((i) =>
      el(
        "tr",
        { class: "govgr-table__row", dataset: { incident: i.incident_id, status: i.status } },
        el("td", { class: "govgr-table__cell" }, buildingName(i.building_id)),
        el("td", { class: "govgr-table__cell" }, windowText(i)),
        el("td", { class: "govgr-table__cell", "data-testid": "incident-status" }, t(`visits.status_${i.status}`)),
        ["matched", "queued", "sent", "failed"].map((k) =>
          el("td", { class: "govgr-table__cell", "data-testid": `incident-${k}` }, String(i.counts[k])),
        ),
        el("td", { class: "govgr-table__cell" }, i.declared_by || ""),
        el("td", { class: "govgr-table__cell", "data-testid": "incident-decision" }, decision(i)),
      ),
    ),
  );
  const again = keep && $("incident-rows").querySelector(keep);
  if (again) again.focus();
}

let polling = null;

async function loadIncidents() {
  clearTimeout(polling);
  try {
    incidents = (await api("/api/staff/visits/incidents")).incidents;
    renderIncidents();
  } catch (err) {
    showError($("error"), err);
    return;
  }
  if (incidents.some((i) => SENDING.has(i.status))) polling = setTimeout(loadIncidents, REFRESH_MS);
}

async function approve(i) {
  if (!window.confirm(t("visits.approve_confirm"))) return;
  const done = await act(() => api(`/api/staff/visits/incidents/${i.incident_id}/approve`, { method: "POST", body: {} }));
  if (done) $("incident-note").textContent = t("visits.approved_note");
  await loadIncidents();
}

function openReject(i) {
  rejecting = i;
  $("reject-title").textContent = t("visits.reject_title", { building: buildingName(i.building_id), window: windowText(i) });
  $("reject-reason").value = "";
  $("reject-form").hidden = false;
  $("reject-reason").focus();
}

function closeReject() {
  const back = rejecting && $("incident-rows").querySelector(`[data-incident="${rejecting.incident_id}"][data-action="reject"]`);
  rejecting = null;
  $("reject-form").hidden = true;
  if (back) back.focus();
}

$("reject-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!rejecting) return;
  const reason = $("reject-reason").value.trim();
  const done = await act(() => api(`/api/staff/visits/incidents/${rejecting.incident_id}/reject`,
    { method: "POST", body: reason ? { reason } : {} }));
  if (done) $("incident-note").textContent = t("visits.rejected_note");
  rejecting = null;
  $("reject-form").hidden = true;
  await loadIncidents();
  $("incident-note").focus();
});
$("reject-cancel").addEventListener("click", closeReject);

function isoFromLocal(value) {
  return value ? new Date(value).toISOString() : "";
}

$("incident-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(event.target)) return;
  const body = {
    building_id: $("incident-building").value,
    window_start: isoFromLocal($("window-start").value),
    window_end: isoFromLocal($("window-end").value),
    message_el: $("message-el").value.trim(),
  };
  if ($("message-en").value.trim()) body.message_en = $("message-en").value.trim();
  const done = await act(() => api("/api/staff/visits/incidents", { method: "POST", body }));
  if (done) {
    event.target.reset();
    $("incident-note").textContent = t("visits.declared_pending");
    await loadIncidents();
  }
});

$("register-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { name: $("visitor-name").value.trim(), consent: $("visitor-consent").checked, language: lang() };
  const mobile = $("visitor-mobile").value.replace(/[\s-]/g, "");
  const email = $("visitor-email").value.trim();
  const filled = checkRequired(event.target);
  if (!mobile && !email) showFieldError($("visitor-mobile"), t("errors.contact_required"));
  if (!filled || (!mobile && !email)) return;
  if (mobile) body.mobile = mobile;
  if (email) body.email = email;
  const pass = await act(() => api("/api/staff/visits/registrations", { method: "POST", body }));
  if (!pass) return;
  event.target.reset();
  replaceChildren(
    $("issued"),
    el("p", { class: "govgr-body" }, t("visits.staff_registered", { code: pass.code })),
    el("img", { class: "v-qr", src: pass.qr_svg_url, alt: t("visits.qr_alt", { code: pass.code }) }),
    el("p", {}, el("a", { class: "govgr-link", href: pass.pass_url, target: "_blank" }, t("visits.print"))),
  );
  $("issued").hidden = false;
});

$("building-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!checkRequired(event.target)) return;
  const entrances = $("entrances").value.split("\n").map((line) => line.split("|").map((x) => x.trim()))
    .filter((parts) => parts[0])
    .map(([id, el_, en]) => ({ entrance_id: id, name_el: el_ || id, ...(en ? { name_en: en } : {}) }));
  const body = {
    name_el: $("building-name-el").value.trim(),
    closing_time: $("closing-time").value,
    entrances,
  };
  if ($("building-name-en").value.trim()) body.name_en = $("building-name-en").value.trim();
  const id = $("building-id").value.trim();
  const saved = await act(() => api(`/api/staff/visits/buildings/${encodeURIComponent(id)}`, { method: "PUT", body }));
  if (saved) {
    $("building-saved").textContent = t("visits.saved");
    buildings = (await api("/api/visits/buildings")).buildings;
    renderBuildings();
  }
});

if (staff) {
  $("register-section").hidden = false;
  $("buildings-section").hidden = false;
  $("building-form").hidden = !isAdmin;
  $("incidents-section").hidden = !canDeclare;
  await act(async () => {
    buildings = (await api("/api/visits/buildings")).buildings;
    renderBuildings();
  });
  if (canDeclare) await loadIncidents();
  onLangChange(() => {
    renderBuildings();
    renderIncidents();
  });
}
