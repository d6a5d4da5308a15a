// Citizens' appointments: services by department, a service page (documents, service point on a
// Leaflet map, a date picker with live availability), confirm, "my appointments" with cancel,
// reschedule, proof and add-to-calendar. Views by address hash:
//   #            services by department (and my appointments when signed in)
//   #service/ID  one service with its picker          #reschedule/ID  the picker for a new time
//   #mine        my appointments                      #done/ID        the confirmation
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  citizenLoginUrl, clearError, el, formatDate, formatDateTime, formatTime, mountLayout, replaceChildren, showError,
} from "/shared/layout.js";
import * as L from "/vendor/leaflet/dist/leaflet-src.esm.js";
import { mountNotifyChoice, summary } from "/js/contact.js";

const $ = (id) => document.getElementById(id);
const view = $("view");
const DAYS_PER_PAGE = 14;
const me = await mountLayout({ audience: "citizen", active: "appointments" });
let profile = me; // the profile as the contact confirmations left it
const pick = (item, field) => (item && (item[`${field}_${lang()}`] || item[`${field}_el`])) || "";
let servicesCache = null;

function notice(text) {
  $("notice-text").textContent = text;
  $("notice").hidden = !text;
}

function fail(err) {
  showError($("error"), err);
}

async function services() {
  servicesCache = servicesCache || (await api("/api/services")).services;
  return servicesCache;
}

function statusText(item) {
  return t(`appointments.status_${item.status}`);
}

function isoDay(date) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Athens" }).format(date);
}

function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// -- the catalogue -------------------------------------------------------------------------------
async function showCatalogue() {
  const list = await services();
  const byDepartment = new Map();
  for (const s of list) {
    if (!byDepartment.has(s.department_id)) byDepartment.set(s.department_id, []);
    byDepartment.get(s.department_id).push(s);
  }
  const sections = [...byDepartment.values()].map((items) =>
    el(
      "section",
      { class: "dimotis-section" },
      el("h3", { class: "govgr-heading-m" }, pick(items[0], "department_name") || items[0].department_id),
      el(
        "ul",
        { class: "ap-services" },
        items.map((s) =>
          el(
            "li",
            {},
            el("a", { class: "govgr-link", href: `#service/${s.service_id}`, "data-testid": `service-${s.service_id}` },
              pick(s, "name")),
            el("br"),
            el("span", { class: "govgr-hint" }, pick(s, "description")),
          ),
        ),
      ),
    ),
  );
  replaceChildren(
    view,
    el("p", { class: "govgr-body" }, t("appointments.intro")),
    me ? el("p", { class: "govgr-body" }, el("a", { class: "govgr-link", href: "#mine", "data-testid": "my-appointments" },
      t("appointments.mine_title"))) : null,
    el("h2", { class: "govgr-heading-l" }, t("appointments.services_title")),
    sections.length ? sections : el("p", { class: "govgr-body" }, t("appointments.no_services")),
  );
}

// -- a service and its picker --------------------------------------------------------------------
function serviceDetails(service) {
  const point = service.point || {};
  const docs = (service.documents || []).map((d) =>
    el("li", {}, pick(d, "name"), pick(d, "where") ? el("span", { class: "govgr-hint" }, " — ",
      t("appointments.where_get", { where: pick(d, "where") })) : null),
  );
  return [
    el("p", { class: "govgr-body" }, pick(service, "description")),
    el("p", { class: "govgr-hint" }, t("appointments.duration", { minutes: service.duration_minutes })),
    el("h2", { class: "govgr-heading-m" }, t("appointments.documents")),
    el("ul", { class: "govgr-list govgr-list--bullet", "data-testid": "documents" }, docs),
    el("h2", { class: "govgr-heading-m" }, t("appointments.where")),
    el("p", { class: "govgr-body" }, el("strong", {}, pick(point, "name")), el("br"), pick(point, "address"),
      point.phone ? [el("br"), `${t("appointments.phone")}: ${point.phone}`] : null,
      pick(point, "hours") ? [el("br"), `${t("appointments.point_hours")}: ${pick(point, "hours")}`] : null),
    el("div", { id: "map", class: "ap-map", role: "region", "aria-label": t("appointments.map_label", { name: pick(point, "name") }) }),
  ];
}

function showMap(service) {
  const point = service.point || {};
  if (point.lat === undefined || point.lat === null || point.lng === undefined || point.lng === null) {
    $("map").remove();
    return;
  }
  const map = L.map("map", { center: [point.lat, point.lng], zoom: 16 });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap",
  }).addTo(map);
  const icon = L.divIcon({ className: "ap-pin", html: "<span style='font-size:2rem'>📍</span>", iconSize: [32, 32], iconAnchor: [16, 30] });
  L.marker([point.lat, point.lng], { icon, title: pick(point, "name"), alt: pick(point, "name") }).addTo(map);
}

// A group of choice buttons (the days, the times) is one stop for Tab: it enters on the chosen
// button (or the first free one) and leaves the group; the arrow keys move between the free
// buttons, Home and End to the first and the last (WAI-ARIA's roving tabindex).
function rovingGroup(list) {
  const free = () => [...list.querySelectorAll("button:not([disabled])")];
  const buttons = free();
  const entry = buttons.find((b) => b.getAttribute("aria-pressed") === "true") || buttons[0];
  for (const b of buttons) b.tabIndex = b === entry ? 0 : -1;
  list.addEventListener("keydown", (event) => {
    const items = free();
    const at = items.indexOf(document.activeElement);
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (at < 0 || to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const target = items[Math.max(0, Math.min(items.length - 1, to))];
    items[at].tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });
}

async function showPicker({ service, appointment = null }) {
  const today = isoDay(new Date());
  let from = today;
  let chosenDay = null;
  let chosenSlot = null;
  let idempotencyKey = crypto.randomUUID();
  let choice = null; // how to be told (new bookings)
  const picker = el("section", { "aria-labelledby": "pick-day-title" });
  const heading = appointment
    ? [el("h2", { class: "govgr-heading-l" }, pick(service, "name")),
       el("p", { class: "govgr-body" }, `${t("appointments.when")}: ${formatDateTime(appointment.starts_at)} (${appointment.reference})`)]
    : [el("h2", { class: "govgr-heading-l" }, pick(service, "name")), serviceDetails(service)];
  replaceChildren(view, el("p", {}, el("a", { class: "govgr-back-link", href: "#" }, t("appointments.back"))), heading, picker);
  if (!appointment) showMap(service);

  async function render() {
    const data = await api(`/api/services/${encodeURIComponent(service.service_id)}/availability?from=${from}&to=${addDays(from, DAYS_PER_PAGE - 1)}`);
    const days = data.days;
    const day = days.find((d) => d.date === chosenDay);
    const dayButtons = days.map((d) => {
      const free = d.slots.reduce((n, s) => n + (s.remaining > 0 ? 1 : 0), 0);
      // A day says why it is closed (the holiday, else the municipality's named period: the feast
      // day, a closure) or, when open, its named period (summer hours) with its free places.
      const period = pick(d, "period");
      const label = !d.open || pick(d, "holiday")
        ? pick(d, "holiday") || period || t("appointments.closed")
        : [period, free ? t("appointments.places", { count: free }) : t("appointments.full")].filter(Boolean).join(" · ");
      return el("li", {}, el("button", {
        type: "button",
        class: "govgr-btn govgr-btn-secondary ap-day",
        "aria-pressed": d.date === chosenDay ? "true" : "false",
        disabled: !free,
        "data-testid": `day-${d.date}`,
        onclick: () => { chosenDay = d.date; chosenSlot = null; render().catch(fail); },
      }, formatDate(`${d.date}T12:00:00Z`), el("small", {}, label)));
    });
    const slotButtons = day
      ? day.slots.map((s) => el("li", {}, el("button", {
          type: "button",
          class: "govgr-btn govgr-btn-secondary ap-slot",
          "aria-pressed": chosenSlot && chosenSlot.start === s.start ? "true" : "false",
          disabled: s.remaining < 1,
          "data-testid": `slot-${s.start}`,
          onclick: () => { chosenSlot = s; idempotencyKey = crypto.randomUUID(); render().catch(fail); },
        }, formatTime(s.starts_at), el("small", {}, s.remaining > 0 ? t("appointments.places", { count: s.remaining }) : t("appointments.full")))))
      : [];
    // Re-rendering replaces the buttons: keep the keyboard focus on the one just pressed (or the
    // picker's heading when it is gone), not lost to <body>.
    const focused = picker.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    replaceChildren(
      picker,
      el("h2", { class: "govgr-heading-m", id: "pick-day-title", tabindex: "-1" }, t("appointments.pick_day")),
      el("p", { class: "govgr-hint", id: "arrows-hint", "data-testid": "arrows-hint" }, t("appointments.arrows_hint")),
      el("p", {},
        from > today ? el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": "earlier-days", onclick: () => { from = addDays(from, -DAYS_PER_PAGE); render().catch(fail); } }, t("appointments.earlier")) : null,
        " ",
        el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": "later-days", onclick: () => { from = addDays(from, DAYS_PER_PAGE); render().catch(fail); } }, t("appointments.later"))),
      el("ul", { class: "ap-days" }, dayButtons),
      day ? [el("h2", { class: "govgr-heading-m" }, t("appointments.pick_time")),
             slotButtons.length ? el("ul", { class: "ap-slots" }, slotButtons) : el("p", { class: "govgr-body" }, t("appointments.no_slots"))] : null,
      chosenSlot ? confirmForm() : null,
    );
    picker.querySelectorAll(".ap-days, .ap-slots").forEach(rovingGroup);
    if (focused) (picker.querySelector(`[data-testid="${focused}"]:not([disabled])`) || $("pick-day-title")).focus();
  }

  function confirmForm() {
    if (!me) {
      return el("div", { class: "dimotis-section" },
        el("p", { class: "govgr-body" }, t("appointments.sign_in_to_book")),
        el("a", { class: "govgr-btn govgr-btn-primary", href: citizenLoginUrl() }, t("auth.sign_in_taxisnet")));
    }
    const fields = appointment ? [] : [
      el("div", { class: "govgr-field" },
        el("label", { class: "govgr-label", for: "subject" }, t("appointments.subject")),
        el("input", { class: "govgr-input", id: "subject", maxlength: "200", autocomplete: "off" })),
      el("div", { class: "govgr-field" },
        el("label", { class: "govgr-label", for: "notes" }, t("appointments.notes")),
        el("textarea", { class: "govgr-textarea", id: "notes", maxlength: "1000", rows: "3" })),
    ];
    const notifyBox = appointment ? null : el("div", { class: "govgr-field" });
    const form = el("form", { id: "confirm-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(form); } },
      el("h2", { class: "govgr-heading-m" }, t("appointments.confirm_title")),
      el("p", { class: "govgr-body", "data-testid": "confirm-text" },
        t("appointments.confirm_text", { service: pick(service, "name"), when: formatDateTime(chosenSlot.starts_at) })),
      fields,
      notifyBox,
      el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "confirm" },
        t(appointment ? "appointments.confirm_reschedule" : "appointments.confirm")));
    choice = notifyBox
      ? mountNotifyChoice(notifyBox, { profile, purpose: "appointment", onProfile: (fresh) => { profile = fresh; } })
      : null;
    return form;
  }

  async function submit(form) {
    clearError($("error"));
    if (choice && !choice.check()) return;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      let result;
      if (appointment) {
        result = await api(`/api/appointments/${appointment.appointment_id}/reschedule`, { method: "POST", body: { start: chosenSlot.start } });
      } else {
        result = await api("/api/appointments", {
          method: "POST",
          headers: { "Idempotency-Key": idempotencyKey },
          body: {
            service_id: service.service_id,
            start: chosenSlot.start,
            subject: $("subject").value.trim(),
            notes: $("notes").value.trim(),
            notify: choice.channels(),
          },
        });
      }
      location.hash = `#done/${result.appointment_id}`;
    } catch (err) {
      button.disabled = false;
      fail(err);
      if (err.code === "slot_full" || err.code === "slot_not_bookable") {
        chosenSlot = null;
        await render();
      }
    }
  }

  await render();
}

// -- confirmation and my appointments -----------------------------------------------------------
function links(item) {
  const base = `/api/appointments/${item.appointment_id}`;
  return [
    el("a", { class: "govgr-link", href: `${base}/proof?lang=${lang()}`, target: "_blank", "data-testid": "proof-link" }, t("appointments.proof")),
    " · ",
    el("a", { class: "govgr-link", href: `${base}/calendar.ics?lang=${lang()}`, download: `appointment-${item.reference}.ics`, "data-testid": "ics-link" },
      t("appointments.add_calendar")),
  ];
}

async function showDone(id) {
  const item = await api(`/api/appointments/${encodeURIComponent(id)}`);
  profile = await api("/api/me");
  replaceChildren(
    view,
    el("div", { class: "govgr-panel govgr-panel--confirmation", "data-testid": "booked" },
      el("h2", { class: "govgr-panel__title" }, t(item.status === "rescheduled" ? "appointments.rescheduled_title" : "appointments.booked_title")),
      el("div", { class: "govgr-panel__body" }, t("appointments.reference"), el("br"),
        el("span", { class: "ap-ref", "data-testid": "reference" }, item.reference))),
    el("p", { class: "govgr-body" }, `${pick(item, "service_name")} — ${formatDateTime(item.starts_at)}`),
    summary(profile, item.notify, "appointment"),
    el("p", { class: "govgr-body" }, links(item)),
    el("p", {}, el("a", { class: "govgr-link", href: "#mine" }, t("appointments.mine_title"))),
  );
}

async function showMine() {
  if (!me) {
    replaceChildren(view, el("p", { class: "govgr-body" }, t("appointments.sign_in_to_book")),
      el("a", { class: "govgr-btn govgr-btn-primary", href: citizenLoginUrl() }, t("auth.sign_in_taxisnet")));
    return;
  }
  const items = (await api("/api/appointments")).appointments;
  const rows = items.map((item) =>
    el("tr", { "data-testid": `appointment-${item.reference}`, id: `appointment-${item.appointment_id}` },
      el("td", {}, formatDateTime(item.starts_at)),
      el("td", {}, pick(item, "service_name"), el("br"), el("span", { class: "govgr-hint" }, item.reference)),
      el("td", { "data-testid": "status" }, statusText(item),
        item.cancel_reason ? [el("br"), el("span", { class: "govgr-hint" }, t("appointments.reason", { reason: item.cancel_reason }))] : null,
        item.staff_comment ? [el("br"), el("span", { class: "govgr-hint" }, t("appointments.comment", { comment: item.staff_comment }))] : null),
      el("td", { class: "ap-actions" },
        item.can_change ? [
          el("a", { class: "govgr-btn govgr-btn-secondary", href: `#reschedule/${item.appointment_id}`, "data-testid": "reschedule" }, t("appointments.reschedule")),
          el("button", { type: "button", class: "govgr-btn govgr-btn-warning", "data-testid": "cancel", onclick: () => cancel(item) }, t("appointments.cancel")),
        ] : null,
        item.status === "booked" || item.status === "rescheduled" ? el("div", {}, links(item)) : null)),
  );
  replaceChildren(
    view,
    el("p", {}, el("a", { class: "govgr-back-link", href: "#" }, t("appointments.back"))),
    el("h2", { class: "govgr-heading-l" }, t("appointments.mine_title")),
    rows.length
      ? el("table", { class: "ap-table", "data-testid": "mine" },
          el("thead", {}, el("tr", {}, ["when", "service", "status", "actions"].map((k) => el("th", { scope: "col" }, t(`appointments.${k}`))))),
          el("tbody", {}, rows))
      : el("p", { class: "govgr-body" }, t("appointments.mine_empty")),
  );
}

async function cancel(item) {
  if (!window.confirm(t("appointments.cancel_confirm", { reference: item.reference }))) return;
  try {
    await api(`/api/appointments/${item.appointment_id}/cancel`, { method: "POST" });
    notice(t("appointments.cancelled_ok"));
    await showMine();
  } catch (err) {
    fail(err);
  }
}

// -- routing ---------------------------------------------------------------------------------------
async function route() {
  clearError($("error"));
  const [name, id] = location.hash.replace(/^#/, "").split("/");
  if (name !== "mine") notice("");
  try {
    if (name === "service" && id) {
      await showPicker({ service: await api(`/api/services/${encodeURIComponent(id)}`) });
    } else if (name === "reschedule" && id) {
      const appointment = await api(`/api/appointments/${encodeURIComponent(id)}`);
      await showPicker({ service: await api(`/api/services/${encodeURIComponent(appointment.service_id)}`), appointment });
    } else if (name === "done" && id) {
      await showDone(id);
    } else if (name === "mine") {
      await showMine();
    } else {
      await showCatalogue();
    }
  } catch (err) {
    fail(err);
  }
  $("main").focus();
}

window.addEventListener("hashchange", route);
onLangChange(route);
await route();
