// Request types: the list, and one form to create a type or edit one (department, names, group,
// description, extra fields, location and photo, expected days, public or private, the response
// templates staff pick when they answer); deactivate or activate. A type is sent whole
// (PUT /api/admin/request-types/{code}).
import { api } from "/shared/api.js";
import { lang, t } from "/shared/i18n.js";
import { el, replaceChildren } from "/shared/layout.js";
import {
  $, activeText, announce, button, checkbox, checked, departmentOptions, editButton, FieldProblem, fieldset, input,
  integer, localName, number, resetErrors, select, submit, table, textarea, value,
} from "/admin/js/catalogue/forms.js";

const DATATYPES = ["string", "text", "number", "datetime", "singlevaluelist", "multivaluelist"];
const PRESENCE = ["none", "optional", "required"];
const FIELDS = {
  code: "t-code", department_id: "t-department", name_el: "t-name-el", name_en: "t-name-en", group: "t-group",
  group_el: "t-group-el", group_en: "t-group-en", expected_days: "t-days",
};

function inputOf(field) {
  let m = field.match(/^attributes\[(\d+)\]\.(code|values)$/);
  if (m) return `t-attr-${m[1]}-${m[2]}`;
  m = field.match(/^templates\[(\d+)\]\.(\w+)$/);
  if (m) return `t-tpl-${m[1]}-title`;
  return FIELDS[field] || null;
}

const slug = (text) => text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40);

/** "key | Ελληνικά | English" per line <-> [{key, name_el, name_en}]. */
function valuesText(values) {
  return (values || []).map((v) => [v.key, v.name_el, v.name_en || ""].join(" | ")).join("\n");
}

function parseValues(text, inputId) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [key, nameEl, nameEn] = line.split("|").map((x) => (x || "").trim());
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(key || "") || !nameEl) throw new FieldProblem(inputId, t("catalogue.bad_values"));
    return nameEn ? { key, name_el: nameEl, name_en: nameEn } : { key, name_el: nameEl };
  });
}

export function mountTypes(ctx) {
  const form = $("type-form");
  let types = [];
  let current = null;

  async function load() {
    types = (await api("/api/staff/request-types")).types;
    renderList();
  }

  function renderList() {
    const mine = types.filter((k) => ctx.isAdmin || k.department_id === ctx.staff.department_id);
    replaceChildren($("types-list"), mine.length ? table([
      { key: "catalogue.code", cell: (k) => k.code },
      { key: "catalogue.name", cell: (k) => localName(k) },
      { key: "catalogue.department", cell: (k) => ctx.departmentName(k.department_id) },
      { key: "catalogue.visibility", cell: (k) => el("span", { "data-i18n": k.public ? "catalogue.public" : "catalogue.private" }) },
      { key: "catalogue.state", cell: activeText },
      { key: "catalogue.actions", cell: (k) => editButton(localName(k), () => renderForm(k), `type-edit-${k.code}`) },
    ], mine.map((k) => ({ ...k, id: k.code }))) : el("p", { class: "govgr-body", "data-i18n": "catalogue.types_none" }));
    replaceChildren($("t-groups"), [...new Set(types.map((k) => k.group))].sort().map((g) => el("option", { value: g })));
  }

  // -- extra fields and templates --------------------------------------------------------------------
  function readAttributes() {
    return [...document.querySelectorAll("#t-attrs [data-attr]")].map((row) => {
      const i = row.dataset.attr;
      const out = {
        code: value(`t-attr-${i}-code`),
        datatype: value(`t-attr-${i}-datatype`),
        required: checked(`t-attr-${i}-required`),
        order: Number(i) + 1,
        description_el: value(`t-attr-${i}-desc-el`),
        description_en: value(`t-attr-${i}-desc-en`),
      };
      const values = $(`t-attr-${i}-values`).value;
      if (out.datatype.endsWith("valuelist") || values.trim()) out.values = parseValues(values, `t-attr-${i}-values`);
      return out;
    });
  }

  function renderAttributes(attributes) {
    replaceChildren($("t-attrs"), attributes.map((a, i) => el("div", { class: "cat-item", "data-attr": String(i) },
      el("h4", { class: "govgr-heading-s" }, t("catalogue.attribute_n", { n: i + 1 })),
      el("div", { class: "cat-row" },
        input(`t-attr-${i}-code`, "catalogue.attribute_code", a.code, { required: true, maxlength: "40", pattern: "[A-Za-z0-9_]{1,40}" }),
        select(`t-attr-${i}-datatype`, "catalogue.datatype", DATATYPES.map((d) => ({ value: d, key: `catalogue.datatype_${d}` })), a.datatype || "string"),
        checkbox(`t-attr-${i}-required`, "catalogue.required", a.required)),
      el("div", { class: "cat-row" },
        input(`t-attr-${i}-desc-el`, "catalogue.question_el", a.description_el, { maxlength: "300", lang: "el" }),
        input(`t-attr-${i}-desc-en`, "catalogue.question_en", a.description_en, { maxlength: "300", lang: "en" })),
      textarea(`t-attr-${i}-values`, "catalogue.values", valuesText(a.values), { rows: "3" }, "catalogue.values_hint"),
      button("catalogue.remove", () => renderAttributes(readAttributes().filter((_, n) => n !== i))))));
  }

  function readTemplates() {
    return [...document.querySelectorAll("#t-tpls [data-tpl]")].map((row) => {
      const i = row.dataset.tpl;
      const title = value(`t-tpl-${i}-title`);
      const out = { id: row.dataset.id || slug(title) || `t${i}`, title, text_el: value(`t-tpl-${i}-text-el`) };
      if (value(`t-tpl-${i}-text-en`)) out.text_en = value(`t-tpl-${i}-text-en`);
      return out;
    });
  }

  function renderTemplates(templates) {
    replaceChildren($("t-tpls"), templates.map((tpl, i) => el("div", { class: "cat-item", "data-tpl": String(i), "data-id": tpl.id || "" },
      el("h4", { class: "govgr-heading-s" }, t("catalogue.template_n", { n: i + 1 })),
      input(`t-tpl-${i}-title`, "catalogue.template_title", tpl.title, { required: true, maxlength: "120" }),
      textarea(`t-tpl-${i}-text-el`, "catalogue.template_text_el", tpl.text_el, { required: true, maxlength: "2000", lang: "el" }),
      textarea(`t-tpl-${i}-text-en`, "catalogue.template_text_en", tpl.text_en, { maxlength: "2000", lang: "en" }),
      button("catalogue.remove", () => renderTemplates(readTemplates().filter((_, n) => n !== i))))));
  }

  // -- the form ---------------------------------------------------------------------------------------
  function renderForm(kind = null) {
    current = kind;
    const k = kind || {
      department_id: ctx.staff.department_id, location: "none", photo: "none", expected_days: 10, public: false,
      attributes: [], templates: [], active: true,
    };
    resetErrors(form);
    replaceChildren(form,
      el("h3", { class: "govgr-heading-m", "data-i18n": kind ? "catalogue.type_edit" : "catalogue.type_new" }),
      kind ? el("p", { class: "govgr-body" }, el("strong", {}, kind.code), " · ", activeText(kind)) : null,
      el("div", { id: "type-form-error", hidden: true }),
      kind ? null : input("t-code", "catalogue.code", "", { required: true, maxlength: "40", pattern: "[a-z0-9_-]{2,40}" }, "catalogue.code_hint"),
      select("t-department", "catalogue.department", departmentOptions(ctx), k.department_id, { disabled: !ctx.isAdmin }),
      input("t-name-el", "catalogue.name_el", k.name_el, { required: true, maxlength: "120", lang: "el" }),
      input("t-name-en", "catalogue.name_en", k.name_en, { required: true, maxlength: "120", lang: "en" }),
      el("div", { class: "cat-row" },
        input("t-group", "catalogue.group", k.group, { required: true, maxlength: "40", list: "t-groups", onchange: fillGroup }, "catalogue.group_hint"),
        input("t-group-el", "catalogue.group_el", k.group_el, { required: true, maxlength: "120", lang: "el" }),
        input("t-group-en", "catalogue.group_en", k.group_en, { required: true, maxlength: "120", lang: "en" })),
      textarea("t-desc-el", "catalogue.description_el", k.description_el, { maxlength: "1000", lang: "el" }),
      textarea("t-desc-en", "catalogue.description_en", k.description_en, { maxlength: "1000", lang: "en" }),
      input("t-keywords", "catalogue.keywords", k.keywords, { maxlength: "300" }),
      el("div", { class: "cat-row" },
        select("t-location", "catalogue.location", PRESENCE.map((p) => ({ value: p, key: `catalogue.presence_${p}` })), k.location),
        select("t-photo", "catalogue.photo", PRESENCE.map((p) => ({ value: p, key: `catalogue.presence_${p}` })), k.photo),
        number("t-days", "catalogue.expected_days", k.expected_days, { min: "1", max: "365", required: true })),
      checkbox("t-public", "catalogue.public_hint", k.public),
      fieldset("catalogue.attributes", el("div", { id: "t-attrs" }),
        button("catalogue.attribute_add", () => renderAttributes([...readAttributes(), { datatype: "string" }]), { "data-testid": "attr-add" })),
      fieldset("catalogue.templates", el("p", { class: "govgr-hint", "data-i18n": "catalogue.templates_hint" }), el("div", { id: "t-tpls" }),
        button("catalogue.template_add", () => renderTemplates([...readTemplates(), {}]), { "data-testid": "template-add" })),
      el("div", { class: "cat-actions" },
        el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "type-save", "data-i18n": "catalogue.save" }),
        kind ? button(kind.active ? "catalogue.deactivate" : "catalogue.activate", () => save(!kind.active), { "data-testid": "type-toggle" }) : null,
        kind ? button("catalogue.new", () => renderForm()) : null));
    renderAttributes(k.attributes || []);
    renderTemplates(k.templates || []);
    form.onsubmit = (e) => {
      e.preventDefault();
      save(kind ? kind.active : true);
    };
  }

  function fillGroup() {
    const known = types.find((k) => k.group === value("t-group"));
    if (known && !value("t-group-el")) $("t-group-el").value = known.group_el;
    if (known && !value("t-group-en")) $("t-group-en").value = known.group_en;
  }

  function body(code, active) {
    return {
      code,
      department_id: value("t-department"),
      name_el: value("t-name-el"),
      name_en: value("t-name-en"),
      group: value("t-group"),
      group_el: value("t-group-el"),
      group_en: value("t-group-en"),
      description_el: value("t-desc-el"),
      description_en: value("t-desc-en"),
      keywords: value("t-keywords"),
      location: value("t-location"),
      photo: value("t-photo"),
      expected_days: integer("t-days"),
      public: checked("t-public"),
      attributes: readAttributes(),
      templates: readTemplates(),
      active,
    };
  }

  async function save(active) {
    const code = current ? current.code : value("t-code");
    const saved = await submit(form, inputOf, () =>
      api(`/api/admin/request-types/${encodeURIComponent(code)}`, { method: "PUT", body: body(code, active) }));
    if (!saved) return;
    await load();
    announce(t("catalogue.saved_type", { name: lang() === "en" ? saved.name_en : saved.name_el }));
    renderForm(types.find((x) => x.code === saved.code) || saved);
  }

  renderForm();
  return { load };
}
