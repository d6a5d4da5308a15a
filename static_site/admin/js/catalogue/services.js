// Services: the department's list, and one form to create a service or edit one: names and
// descriptions in both languages, documents to bring, department and service point, duration,
// capacity, limits, weekly hours, named periods (summer hours, the feast day, closures: a date
// range with other hours, or closed), the single-date exceptions kept from before, and the staff
// who serve it (PUT /api/staff/staffing/services/{id}); deactivate or activate.
import { api } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { el, replaceChildren } from "/shared/layout.js";
import {
  $, activeText, announce, button, checkbox, checked, departmentFilter, departmentOptions, editButton, fieldset, fillPointOptions,
  input, integer, intervalsText, localName, number, readWeek, resetErrors, saveActive, select, submit, table, textarea, value,
  weekFields,
} from "/admin/js/catalogue/forms.js";

const FIELDS = {
  service_id: "sv-id", department_id: "sv-department", service_point_id: "sv-point", name_el: "sv-name-el",
  name_en: "sv-name-en", description_el: "sv-desc-el", description_en: "sv-desc-en", capacity: "sv-capacity",
  max_per_day: "sv-max-per-day", slot_minutes: "sv-slot", duration_minutes: "sv-duration",
  min_notice_minutes: "sv-notice", max_days_ahead: "sv-days-ahead", cancel_cutoff_minutes: "sv-cutoff",
};
const LIMITS = [
  ["duration_minutes", "sv-duration", "catalogue.duration_minutes", 15],
  ["slot_minutes", "sv-slot", "catalogue.slot_minutes", 15],
  ["capacity", "sv-capacity", "catalogue.capacity", 1],
  ["max_per_day", "sv-max-per-day", "catalogue.max_per_day", 1],
  ["min_notice_minutes", "sv-notice", "catalogue.min_notice_minutes", 120],
  ["max_days_ahead", "sv-days-ahead", "catalogue.max_days_ahead", 30],
  ["cancel_cutoff_minutes", "sv-cutoff", "catalogue.cancel_cutoff_minutes", 60],
];

/** The input an API field names: "periods[0].to" -> sv-period-0-to, "hours.3" -> sv-week-3. */
function inputOf(field) {
  let m = field.match(/^periods\[(\d+)\]\.hours(?:\.(\d))?$/);
  if (m) return `sv-period-${m[1]}-week-${m[2] || 1}`;
  m = field.match(/^periods\[(\d+)\]\.(from|to|name_el|name_en)$/);
  if (m) return `sv-period-${m[1]}-${m[2].replace("_", "-")}`;
  m = field.match(/^documents\[(\d+)\]\.(name|where)_(el|en)$/);
  if (m) return `sv-doc-${m[1]}-${m[2]}-${m[3]}`;
  m = field.match(/^hours\.(\d)$/);
  if (m) return `sv-week-${m[1]}`;
  return FIELDS[field] || null;
}

const newPeriodId = () => `p${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

export function mountServices(ctx) {
  const form = $("service-form");
  let services = [];
  let employees = [];
  let serving = [];
  let current = null;
  let exceptions = {};

  const department = () => (ctx.isAdmin ? value("sv-filter") || ctx.staff.department_id : ctx.staff.department_id);

  async function load() {
    const dep = department();
    services = dep ? (await api(`/api/staff/services?department_id=${encodeURIComponent(dep)}`)).services : [];
    renderList();
  }

  function renderList() {
    replaceChildren($("services-list"), services.length ? table([
      { key: "catalogue.id", cell: (s) => s.service_id },
      { key: "catalogue.name", cell: (s) => localName(s) },
      { key: "catalogue.point", cell: (s) => ctx.pointName(s.service_point_id) },
      { key: "catalogue.state", cell: activeText },
      { key: "catalogue.actions", cell: (s) => editButton(localName(s), () => edit(s), `service-edit-${s.service_id}`) },
    ], services.map((s) => ({ ...s, id: s.service_id }))) : el("p", { class: "govgr-body", "data-i18n": "catalogue.services_none" }));
  }

  // -- documents and periods: rows read back from the page before a row is added or removed --------
  function readDocs() {
    return [...document.querySelectorAll("#sv-docs [data-doc]")].map((row) => {
      const i = row.dataset.doc;
      return {
        name_el: value(`sv-doc-${i}-name-el`), name_en: value(`sv-doc-${i}-name-en`),
        where_el: value(`sv-doc-${i}-where-el`), where_en: value(`sv-doc-${i}-where-en`),
      };
    });
  }

  function renderDocs(docs) {
    replaceChildren($("sv-docs"), docs.map((d, i) => el("div", { class: "cat-item", "data-doc": String(i) },
      el("h4", { class: "govgr-heading-s" }, t("catalogue.document_n", { n: i + 1 })),
      el("div", { class: "cat-row" },
        input(`sv-doc-${i}-name-el`, "catalogue.document_el", d.name_el, { required: true, maxlength: "300", lang: "el" }),
        input(`sv-doc-${i}-name-en`, "catalogue.document_en", d.name_en, { maxlength: "300", lang: "en" })),
      el("div", { class: "cat-row" },
        input(`sv-doc-${i}-where-el`, "catalogue.where_el", d.where_el, { maxlength: "300", lang: "el" }),
        input(`sv-doc-${i}-where-en`, "catalogue.where_en", d.where_en, { maxlength: "300", lang: "en" })),
      button("catalogue.remove", () => renderDocs(readDocs().filter((_, n) => n !== i)), { "data-testid": `doc-remove-${i}` }))));
  }

  function readPeriods() {
    return [...document.querySelectorAll("#sv-periods [data-period]")].map((row) => {
      const i = row.dataset.period;
      const closed = checked(`sv-period-${i}-closed`);
      return {
        id: row.dataset.id,
        name_el: value(`sv-period-${i}-name-el`),
        name_en: value(`sv-period-${i}-name-en`),
        from: value(`sv-period-${i}-from`),
        to: value(`sv-period-${i}-to`),
        closed,
        hours: closed ? {} : readWeek(`sv-period-${i}-week`),
      };
    });
  }

  function renderPeriods(periods) {
    replaceChildren($("sv-periods"), periods.map((p, i) => {
      const week = weekFields(`sv-period-${i}-week`, p.hours, "catalogue.period_hours");
      week.hidden = Boolean(p.closed);
      return el("div", { class: "cat-item", "data-period": String(i), "data-id": p.id || newPeriodId() },
        el("h4", { class: "govgr-heading-s" }, p.name_el || t("catalogue.period_n", { n: i + 1 })),
        el("div", { class: "cat-row" },
          input(`sv-period-${i}-name-el`, "catalogue.period_name_el", p.name_el, { required: true, maxlength: "120", lang: "el" }),
          input(`sv-period-${i}-name-en`, "catalogue.period_name_en", p.name_en, { maxlength: "120", lang: "en" })),
        el("div", { class: "cat-row" },
          input(`sv-period-${i}-from`, "catalogue.from", p.from, { type: "date", required: true }),
          input(`sv-period-${i}-to`, "catalogue.to", p.to, { type: "date", required: true })),
        checkbox(`sv-period-${i}-closed`, "catalogue.period_closed", p.closed, {
          onchange: (e) => { week.hidden = e.target.checked; },
        }),
        week,
        button("catalogue.remove", () => renderPeriods(readPeriods().filter((_, n) => n !== i)), { "data-testid": `period-remove-${i}` }));
    }));
  }

  function renderExceptions() {
    const days = Object.keys(exceptions).sort();
    replaceChildren($("sv-exceptions"), days.length ? el("ul", { class: "govgr-list" }, days.map((day) => el("li", {},
      `${day}: `, exceptions[day].length ? intervalsText(exceptions[day]) : t("catalogue.closed"), " ",
      button("catalogue.remove", () => { delete exceptions[day]; renderExceptions(); }, { "aria-label": t("catalogue.remove_exception", { day }) }))))
      : el("p", { class: "govgr-hint", "data-i18n": "catalogue.exceptions_none" }));
  }

  // -- staff who serve it ---------------------------------------------------------------------------
  async function loadStaff(dep) {
    employees = dep ? (await api(`/api/staff/employees?department_id=${encodeURIComponent(dep)}`)).employees : [];
    replaceChildren($("sv-staff"), employees.length
      ? employees.map((e) => checkbox(`sv-staff-${e.employee_number}`, null, serving.includes(e.employee_number)))
      : el("p", { class: "govgr-hint", "data-i18n": "catalogue.staff_none" }));
    for (const e of employees) {
      const labelNode = document.querySelector(`label[for="sv-staff-${e.employee_number}"]`);
      if (labelNode) labelNode.textContent = `${e.full_name} (${e.employee_number})`;
    }
  }

  const chosenStaff = () => employees.map((e) => e.employee_number).filter((n) => checked(`sv-staff-${n}`));

  // -- the form ---------------------------------------------------------------------------------------
  async function edit(service) {
    serving = (await api(`/api/staff/staffing/services/${encodeURIComponent(service.service_id)}`)).staff.map((s) => s.employee_number);
    renderForm(service);
  }

  function renderForm(service = null) {
    current = service;
    const s = service || { department_id: department(), hours: {}, documents: [], periods: [], exceptions: {} };
    if (!service) serving = [];
    exceptions = { ...(s.exceptions || {}) };
    resetErrors(form);
    const points = usablePoints();
    replaceChildren(form,
      el("h3", { class: "govgr-heading-m", "data-i18n": service ? "catalogue.service_edit" : "catalogue.service_new" }),
      service ? el("p", { class: "govgr-body" }, el("strong", {}, service.service_id), " · ", activeText(service)) : null,
      el("div", { id: "service-form-error", hidden: true }),
      service ? null : input("sv-id", "catalogue.service_id", "", { required: true, maxlength: "60", pattern: "[a-z0-9][a-z0-9-]{1,59}" }, "catalogue.id_hint"),
      select("sv-department", "catalogue.department", departmentOptions(ctx), s.department_id, {
        disabled: !ctx.isAdmin, onchange: (e) => loadStaff(e.target.value),
      }),
      select("sv-point", "catalogue.point", [{ value: "", key: "catalogue.choose" }, ...points.map((p) => ({ value: p.service_point_id, text: localName(p) }))],
        s.service_point_id || "", { required: true }),
      input("sv-name-el", "catalogue.name_el", s.name_el, { required: true, maxlength: "200", lang: "el" }),
      input("sv-name-en", "catalogue.name_en", s.name_en, { required: true, maxlength: "200", lang: "en" }),
      textarea("sv-desc-el", "catalogue.description_el", s.description_el, { maxlength: "2000", lang: "el" }),
      textarea("sv-desc-en", "catalogue.description_en", s.description_en, { maxlength: "2000", lang: "en" }),
      fieldset("catalogue.documents", el("div", { id: "sv-docs" }),
        button("catalogue.document_add", () => renderDocs([...readDocs(), {}]), { "data-testid": "doc-add" })),
      fieldset("catalogue.limits", el("div", { class: "cat-row" },
        LIMITS.map(([key, id, label, fallback]) => number(id, label, s[key] ?? fallback, { min: "0", required: true })))),
      weekFields("sv-week", s.hours),
      fieldset("catalogue.periods", el("p", { class: "govgr-hint", "data-i18n": "catalogue.periods_hint" }),
        el("div", { id: "sv-periods" }),
        button("catalogue.period_add", () => renderPeriods([...readPeriods(), { closed: false, hours: {} }]), { "data-testid": "period-add" })),
      fieldset("catalogue.exceptions", el("p", { class: "govgr-hint", "data-i18n": "catalogue.exceptions_hint" }),
        el("div", { id: "sv-exceptions" })),
      fieldset("catalogue.staff", el("p", { class: "govgr-hint", "data-i18n": "catalogue.staff_hint" }),
        el("div", { id: "sv-staff", class: "govgr-checkboxes" })),
      el("div", { class: "cat-actions" },
        el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "service-save", "data-i18n": "catalogue.save" }),
        service ? button(service.active ? "catalogue.deactivate" : "catalogue.activate", () => setActive(service, !service.active),
          { "data-testid": "service-toggle" }) : null,
        service ? button("catalogue.new", () => renderForm()) : null));
    renderDocs(s.documents || []);
    renderPeriods(s.periods || []);
    renderExceptions();
    loadStaff(s.department_id).catch(() => {});
    form.onsubmit = (e) => {
      e.preventDefault();
      save();
    };
  }

  function body() {
    const out = {
      department_id: value("sv-department"),
      service_point_id: value("sv-point"),
      name_el: value("sv-name-el"),
      name_en: value("sv-name-en"),
      description_el: value("sv-desc-el"),
      description_en: value("sv-desc-en"),
      documents: readDocs().map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v))),
      hours: readWeek("sv-week"),
      periods: readPeriods().map(({ hours, closed, ...rest }) => ({ ...rest, closed, ...(closed ? {} : { hours }) })),
      exceptions,
    };
    for (const [key, id] of LIMITS) out[key] = integer(id);
    return out;
  }

  async function save() {
    const service = current;
    const saved = await submit(form, inputOf, async () => {
      const result = service
        ? await api(`/api/staff/services/${encodeURIComponent(service.service_id)}`, { method: "PUT", body: body() })
        : await api("/api/staff/services", { method: "POST", body: { service_id: value("sv-id"), ...body() } });
      const chosen = chosenStaff();
      if (chosen.join() !== serving.join()) {
        await api(`/api/staff/staffing/services/${encodeURIComponent(result.service_id)}`, { method: "PUT", body: { employee_numbers: chosen } });
        serving = chosen;
      }
      return result;
    });
    if (!saved) return;
    await load();
    ctx.servicesChanged();
    announce(t("catalogue.saved_service", { name: localName(saved) }));
    renderForm(services.find((x) => x.service_id === saved.service_id) || saved);
  }

  async function setActive(service, active) {
    const saved = await saveActive(form, `/api/staff/services/${encodeURIComponent(service.service_id)}`, active);
    if (!saved) return;
    await load();
    ctx.servicesChanged();
    renderForm(saved);
  }

  departmentFilter(ctx, "sv-filter", () => load().then(() => renderForm()));
  const usablePoints = () => ctx.points.filter((p) => p.active || (current && p.service_point_id === current.service_point_id));
  ctx.onPoints(() => {
    renderList();
    fillPointOptions("sv-point", usablePoints());
  });
  renderForm();
  return { load, services: () => services };
}
