// What the catalogue's forms share: labelled fields built with el() (labels translated through
// data-i18n, so a language switch relabels a form without losing what was typed), weekly hours
// as text ("08:00-11:00, 11:30-14:00" per day), lists of rows (documents, periods, extra fields,
// templates), and one submit helper that shows an error next to the field it names.
//
//   import { input, weekFields, readWeek, submit } from "/admin/js/catalogue/forms.js";
//   form.append(input("sp-name-el", "catalogue.name_el", point.name_el, { required: true }));
//   await submit(form, (field) => FIELDS[field], async () => api(...));
import { api, ApiError } from "/shared/api.js";
import { lang, t } from "/shared/i18n.js";
import {
  checkRequired, clearError, clearFieldErrors, el, errorMessage, replaceChildren, showError, showFieldError,
} from "/shared/layout.js";

export const $ = (id) => document.getElementById(id);
export const DAYS = [1, 2, 3, 4, 5, 6, 7];

/** The item's name in the page language (Greek when it has no English one). */
export function localName(item) {
  return lang() === "en" ? item.name_en || item.name_el : item.name_el;
}

/** A problem the page finds before sending: the input it concerns and what to say. */
export class FieldProblem extends Error {
  constructor(inputId, message) {
    super(message);
    this.inputId = inputId;
  }
}

function label(id, key) {
  return el("label", { class: "govgr-label", for: id, "data-i18n": key });
}

function hintOf(id, hint) {
  return hint ? el("p", { class: "govgr-hint", id: `${id}-hint`, "data-i18n": hint }) : null;
}

/** A text (or other) input with its label, and an optional hint (a translation key). */
export function input(id, key, value = "", attrs = {}, hint = null) {
  const control = el("input", {
    class: "govgr-input", id, autocomplete: "off", value: value ?? "", "aria-describedby": hint ? `${id}-hint` : null, ...attrs,
  });
  return el("div", { class: "govgr-field" }, label(id, key), hintOf(id, hint), control);
}

export function number(id, key, value, attrs = {}) {
  return input(id, key, value === null || value === undefined ? "" : String(value), {
    type: "number", class: "govgr-input govgr-input--width-5", ...attrs,
  });
}

export function textarea(id, key, value = "", attrs = {}, hint = null) {
  const control = el("textarea", { class: "govgr-textarea", id, rows: "3", "aria-describedby": hint ? `${id}-hint` : null, ...attrs }, value ?? "");
  return el("div", { class: "govgr-field" }, label(id, key), hintOf(id, hint), control);
}

/** A select; `options` are [{value, text}] or [{value, key}] (a translation key). */
export function select(id, key, options, value, attrs = {}) {
  const control = el("select", { class: "govgr-select", id, value: value ?? "", ...attrs },
    options.map((o) => el("option", { value: o.value, "data-i18n": o.key || null }, o.text ?? "")));
  return el("div", { class: "govgr-field" }, label(id, key), control);
}

export function checkbox(id, key, checked, attrs = {}) {
  return el("div", { class: "govgr-checkboxes__item" },
    el("input", { class: "govgr-checkboxes__input", type: "checkbox", id, checked: Boolean(checked), ...attrs }),
    el("label", { class: "govgr-label govgr-checkboxes__label", for: id, "data-i18n": key }));
}

export function fieldset(key, ...children) {
  return el("fieldset", { class: "govgr-fieldset cat-fieldset" },
    el("legend", { class: "govgr-fieldset__legend govgr-heading-s", "data-i18n": key }), children);
}

/** A button of type "button". */
export function button(key, onclick, attrs = {}) {
  return el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-i18n": key, onclick, ...attrs });
}

/** The "Edit" button of a list row, named for screen readers by what it edits. */
export function editButton(name, onclick, testid) {
  return button("catalogue.edit", onclick, { "data-testid": testid, "aria-label": t("catalogue.edit_named", { name }) });
}

/** A field in the page language: `item[field_en]` in English when it has one, else the Greek. */
export function localText(item, field) {
  return (lang() === "en" && item[`${field}_en`]) || item[`${field}_el`] || "";
}

export const value = (id) => ($(id) ? $(id).value.trim() : "");
export const checked = (id) => Boolean($(id) && $(id).checked);
export const optional = (id) => value(id) || null;

/** A number field's value, or a FieldProblem when it is not a whole number. */
export function integer(id) {
  const text = value(id);
  if (!/^-?\d+$/.test(text)) throw new FieldProblem(id, t("catalogue.bad_number"));
  return Number(text);
}

/** A coordinate field's value (null when empty), or a FieldProblem when it is not a number. */
export function coordinate(id) {
  const text = value(id).replace(",", ".");
  if (!text) return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new FieldProblem(id, t("catalogue.bad_number"));
  return n;
}

// -- weekly hours ----------------------------------------------------------------------------------
export function intervalsText(list) {
  return (list || []).map(([a, b]) => `${a}-${b}`).join(", ");
}

/** "08:00-11:00, 11:30-14:00" -> [["08:00","11:00"], ["11:30","14:00"]]; empty -> closed. */
export function parseIntervals(text, inputId) {
  const trimmed = (text || "").trim();
  if (!trimmed || /^(κλειστά|κλειστό|closed|-)$/i.test(trimmed)) return [];
  return trimmed.split(",").map((part) => {
    const match = part.trim().match(/^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/);
    if (!match) throw new FieldProblem(inputId, t("catalogue.bad_hours"));
    const pad = (h, m) => `${h.padStart(2, "0")}:${m}`;
    return [pad(match[1], match[2]), pad(match[3], match[4])];
  });
}

/** Seven inputs (Monday to Sunday) of a week's hours, ids `${prefix}-1` ... `${prefix}-7`. */
export function weekFields(prefix, hours, legend = "catalogue.week_hours") {
  return el("fieldset", { class: "govgr-fieldset cat-fieldset", "aria-describedby": `${prefix}-hint` },
    el("legend", { class: "govgr-fieldset__legend govgr-label", "data-i18n": legend }),
    el("p", { class: "govgr-hint", id: `${prefix}-hint`, "data-i18n": "catalogue.hours_hint" }),
    el("div", { class: "cat-week" }, DAYS.map((d) => [
      el("label", { class: "govgr-label", for: `${prefix}-${d}`, "data-i18n": `appointments.day_${d}` }),
      el("input", { class: "govgr-input", id: `${prefix}-${d}`, autocomplete: "off", value: intervalsText((hours || {})[String(d)]) }),
    ])));
}

/** The hours typed in `weekFields(prefix)`: only the days that open. */
export function readWeek(prefix) {
  const out = {};
  for (const d of DAYS) {
    const list = parseIntervals(value(`${prefix}-${d}`), `${prefix}-${d}`);
    if (list.length) out[String(d)] = list;
  }
  return out;
}

// -- lists -------------------------------------------------------------------------------------------
/** A table: columns [{key, cell(row)}] (key: a translation key for the heading). */
export function table(columns, rows, attrs = {}) {
  return el("table", { class: "cat-table", ...attrs },
    el("thead", {}, el("tr", {}, columns.map((c) => el("th", { scope: "col", "data-i18n": c.key })))),
    el("tbody", {}, rows.map((row) => el("tr", { "data-row": row.id || null }, columns.map((c) => el("td", {}, c.cell(row)))))));
}

export function activeText(item) {
  return el("span", { "data-i18n": item.active ? "catalogue.active" : "catalogue.inactive" });
}

/** Refill the service point select `id` with `points` (and a "choose" option), keeping its choice. */
export function fillPointOptions(id, points) {
  const node = $(id);
  if (!node) return;
  const chosen = node.value;
  replaceChildren(node, el("option", { value: "", "data-i18n": "catalogue.choose" }),
    points.map((p) => el("option", { value: p.service_point_id }, localName(p))));
  node.value = points.some((p) => p.service_point_id === chosen) ? chosen : "";
}

/** Department options (admins: every active department; others: their own alone). */
export function departmentOptions(ctx) {
  return ctx.departments
    .filter((d) => ctx.isAdmin || d.department_id === ctx.staff.department_id)
    .map((d) => ({ value: d.department_id, text: localName(d) }));
}

// -- sending -----------------------------------------------------------------------------------------
/** Run `send()` for `form`: required fields first, then the page's own checks (FieldProblem) and
 * the API's answer; an error that names a field (`details.field`, mapped to an input by
 * `inputOf(field)`) is shown next to it, any other above the form. Resolves to send()'s result,
 * or null when it failed. */
export async function submit(form, inputOf, send) {
  const box = $(`${form.id}-error`);
  if (box) clearError(box);
  if (!checkRequired(form)) return null;
  try {
    return await send();
  } catch (err) {
    if (err instanceof FieldProblem) {
      showFieldError(err.inputId, err.message);
      return null;
    }
    const field = err instanceof ApiError && err.details && err.details.field;
    const id = field ? inputOf(String(field)) : null;
    if (id && $(id)) showFieldError(id, errorMessage(err));
    else if (box) showError(box, err);
    return null;
  }
}

/** Deactivate or activate what `url` addresses (PUT {active}), errors shown as `submit` shows
 * them; says what happened in the status line. Resolves to the saved item, or null. */
export async function saveActive(form, url, active) {
  const saved = await submit(form, () => null, () => api(url, { method: "PUT", body: { active } }));
  if (saved) announce(t(active ? "catalogue.activated" : "catalogue.deactivated", { name: localName(saved) }));
  return saved;
}

/** For admins, the department select `id` (in its hidden `${id}-field`) that chooses whose list
 * a tab shows; `onChange` runs when it changes. Others see their own department's list. */
export function departmentFilter(ctx, id, onChange) {
  if (!ctx.isAdmin) return;
  $(`${id}-field`).hidden = false;
  replaceChildren($(id), departmentOptions(ctx).map((o) => el("option", { value: o.value }, o.text)));
  $(id).value = ctx.staff.department_id || "";
  $(id).addEventListener("change", onChange);
}

/** Clear a form's field errors and its error box. */
export function resetErrors(form) {
  clearFieldErrors(form);
  const box = $(`${form.id}-error`);
  if (box) clearError(box);
}

/** Put `text` in the page's status line (read out by screen readers). */
export function announce(text) {
  replaceChildren($("status"), text || "");
}
