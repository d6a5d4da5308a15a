// Queues (lines) of the service points: the department's list, and one form to create a queue at
// a point (its letter prefix, names, department, the services it serves, the tickets it takes:
// walk-ins at the kiosk, appointment holders who check in) or edit one; deactivate or activate.
import { api } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { el, replaceChildren } from "/shared/layout.js";
import {
  $, activeText, announce, button, checkbox, checked, departmentFilter, departmentOptions, editButton, fieldset, fillPointOptions,
  input, localName, resetErrors, saveActive, select, submit, table, value,
} from "/admin/js/catalogue/forms.js";

const KINDS = ["walk_in", "appointment"];
const FIELDS = {
  service_point_id: "q-point", prefix: "q-prefix", department_id: "q-department", name_el: "q-name-el",
  name_en: "q-name-en", service_ids: "q-services-first", kinds: "q-kind-walk_in",
};

export function mountQueues(ctx) {
  const form = $("queue-form");
  let queues = [];
  let services = [];
  let current = null;

  const department = () => (ctx.isAdmin ? value("q-filter") || ctx.staff.department_id : ctx.staff.department_id);

  async function load() {
    const dep = department();
    queues = dep ? (await api(`/api/staff/catalogue/queues?department_id=${encodeURIComponent(dep)}`)).queues : [];
    renderList();
  }

  function renderList() {
    replaceChildren($("queues-list"), queues.length ? table([
      { key: "catalogue.queue", cell: (q) => `${q.prefix} · ${localName(q)}` },
      { key: "catalogue.point", cell: (q) => ctx.pointName(q.service_point_id) },
      { key: "catalogue.kinds", cell: (q) => q.kinds.map((k) => t(`catalogue.kind_${k}`)).join(", ") },
      { key: "catalogue.state", cell: activeText },
      { key: "catalogue.actions", cell: (q) => editButton(`${q.prefix} · ${localName(q)}`, () => renderForm(q), `queue-edit-${q.queue_id}`) },
    ], queues.map((q) => ({ ...q, id: q.queue_id }))) : el("p", { class: "govgr-body", "data-i18n": "catalogue.queues_none" }));
  }

  async function loadServices(dep, chosen) {
    services = dep ? (await api(`/api/staff/services?department_id=${encodeURIComponent(dep)}`)).services : [];
    replaceChildren($("q-services"), services.length
      ? services.map((s, n) => checkbox(n === 0 ? "q-services-first" : `q-service-${s.service_id}`, null, chosen.includes(s.service_id), {
        "data-service": s.service_id,
      }))
      : el("p", { class: "govgr-hint", "data-i18n": "catalogue.services_none" }));
    services.forEach((s, n) => {
      const id = n === 0 ? "q-services-first" : `q-service-${s.service_id}`;
      const labelNode = document.querySelector(`label[for="${id}"]`);
      if (labelNode) labelNode.textContent = localName(s);
    });
  }

  function renderForm(queue = null) {
    current = queue;
    const q = queue || { department_id: department(), kinds: KINDS, service_ids: [] };
    resetErrors(form);
    const points = ctx.points.filter((p) => p.active);
    replaceChildren(form,
      el("h3", { class: "govgr-heading-m", "data-i18n": queue ? "catalogue.queue_edit" : "catalogue.queue_new" }),
      queue ? el("p", { class: "govgr-body" }, el("strong", {}, queue.queue_id), " · ", activeText(queue)) : null,
      el("div", { id: "queue-form-error", hidden: true }),
      queue ? null : select("q-point", "catalogue.point",
        [{ value: "", key: "catalogue.choose" }, ...points.map((p) => ({ value: p.service_point_id, text: localName(p) }))], "", { required: true }),
      queue ? null : input("q-prefix", "catalogue.prefix", "", {
        required: true, maxlength: "2", pattern: "[A-Z]{1,2}", class: "govgr-input govgr-input--width-4",
      }, "catalogue.prefix_hint"),
      select("q-department", "catalogue.department", departmentOptions(ctx), q.department_id, {
        disabled: !ctx.isAdmin, onchange: (e) => loadServices(e.target.value, []),
      }),
      input("q-name-el", "catalogue.name_el", q.name_el, { required: true, maxlength: "120", lang: "el" }),
      input("q-name-en", "catalogue.name_en", q.name_en, { maxlength: "120", lang: "en" }),
      fieldset("catalogue.queue_services", el("div", { id: "q-services", class: "govgr-checkboxes" })),
      fieldset("catalogue.kinds", el("div", { class: "govgr-checkboxes" },
        KINDS.map((k) => checkbox(`q-kind-${k}`, `catalogue.kind_${k}`, q.kinds.includes(k))))),
      el("div", { class: "cat-actions" },
        el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "queue-save", "data-i18n": "catalogue.save" }),
        queue ? button(queue.active ? "catalogue.deactivate" : "catalogue.activate", () => setActive(queue, !queue.active),
          { "data-testid": "queue-toggle" }) : null,
        queue ? button("catalogue.new", () => renderForm()) : null));
    loadServices(q.department_id, q.service_ids).catch(() => {});
    form.onsubmit = (e) => {
      e.preventDefault();
      save();
    };
  }

  function body() {
    return {
      department_id: value("q-department"),
      name_el: value("q-name-el"),
      name_en: value("q-name-en"),
      service_ids: [...document.querySelectorAll("#q-services [data-service]")].filter((x) => x.checked).map((x) => x.dataset.service),
      kinds: KINDS.filter((k) => checked(`q-kind-${k}`)),
    };
  }

  async function save() {
    const queue = current;
    const saved = await submit(form, (f) => FIELDS[f] || null, () => (queue
      ? api(`/api/staff/catalogue/queues/${encodeURIComponent(queue.queue_id)}`, { method: "PUT", body: body() })
      : api("/api/staff/catalogue/queues", {
        method: "POST", body: { service_point_id: value("q-point"), prefix: value("q-prefix").toUpperCase(), ...body() },
      })));
    if (!saved) return;
    await load();
    announce(t("catalogue.saved_queue", { name: `${saved.prefix} · ${localName(saved)}` }));
    renderForm(queues.find((x) => x.queue_id === saved.queue_id) || saved);
  }

  async function setActive(queue, active) {
    const saved = await saveActive(form, `/api/staff/catalogue/queues/${encodeURIComponent(queue.queue_id)}`, active);
    if (!saved) return;
    await load();
    renderForm(saved);
  }

  departmentFilter(ctx, "q-filter", () => load().then(() => renderForm()));
  ctx.onServices(() => {
    const chosen = [...document.querySelectorAll("#q-services [data-service]")].filter((x) => x.checked).map((x) => x.dataset.service);
    loadServices(value("q-department"), chosen).catch(() => {});
  });
  ctx.onPoints(() => {
    renderList();
    fillPointOptions("q-point", ctx.points.filter((p) => p.active));
  });
  renderForm();
  return { load };
}
