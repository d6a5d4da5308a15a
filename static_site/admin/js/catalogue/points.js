// Service points: the list, and one form to create a point or edit one (names, address, map
// position, contacts, opening hours in words and as weekly intervals), deactivate or activate it.
// Clicking the map sets the position; the latitude and longitude fields do the same by keyboard.
import * as L from "/vendor/leaflet/dist/leaflet-src.esm.js";
import { api } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { el, replaceChildren } from "/shared/layout.js";
import { mapOptions } from "/shared/municipality.js";
import {
  $, activeText, announce, button, coordinate, departmentOptions, editButton, fieldset, input, localName, localText,
  optional, readWeek, resetErrors, saveActive, select, submit, table, textarea, value, weekFields,
} from "/admin/js/catalogue/forms.js";

const FIELDS = {
  service_point_id: "sp-id", department_id: "sp-department", name_el: "sp-name-el", name_en: "sp-name-en",
  address_el: "sp-address-el", address_en: "sp-address-en", lat: "sp-lat", lng: "sp-lng", phone: "sp-phone",
  email: "sp-email", hours_el: "sp-hours-el", hours_en: "sp-hours-en",
};

function inputOf(field) {
  const day = field.match(/^hours\.(\d)$/);
  return day ? `sp-week-${day[1]}` : FIELDS[field] || null;
}

export function mountPoints(ctx) {
  const form = $("point-form");
  let map = null;
  let marker = null;

  function renderList() {
    replaceChildren($("points-list"), ctx.points.length ? table([
      { key: "catalogue.id", cell: (p) => p.service_point_id },
      { key: "catalogue.name", cell: (p) => localName(p) },
      { key: "catalogue.department", cell: (p) => ctx.departmentName(p.department_id) },
      { key: "catalogue.address", cell: (p) => localText(p, "address") || "—" },
      { key: "catalogue.state", cell: activeText },
      { key: "catalogue.actions", cell: (p) => (ctx.canEdit(p.department_id)
        ? editButton(localName(p), () => renderForm(p), `point-edit-${p.service_point_id}`) : "") },
    ], ctx.points.map((p) => ({ ...p, id: p.service_point_id }))) : el("p", { class: "govgr-body", "data-i18n": "catalogue.points_none" }));
  }

  function placeMarker() {
    if (!map) return;
    const lat = Number(value("sp-lat").replace(",", "."));
    const lng = Number(value("sp-lng").replace(",", "."));
    if (!value("sp-lat") || !value("sp-lng") || !Number.isFinite(lat) || !Number.isFinite(lng)) return;
    if (marker) marker.setLatLng([lat, lng]);
    else marker = L.circleMarker([lat, lng], { radius: 9, color: "#d4351c", weight: 3 }).addTo(map);
  }

  async function showMap() {
    if (map) {
      map.remove();
      map = null;
      marker = null;
    }
    map = L.map("sp-map", { ...(await mapOptions()), attributionControl: false });
    map.on("click", (e) => {
      $("sp-lat").value = e.latlng.lat.toFixed(6);
      $("sp-lng").value = e.latlng.lng.toFixed(6);
      placeMarker();
    });
    placeMarker();
    if (marker) map.setView(marker.getLatLng(), 16);
  }

  function renderForm(point = null) {
    const p = point || { department_id: ctx.staff.department_id, hours: {}, active: true };
    resetErrors(form);
    replaceChildren(form,
      el("h3", { class: "govgr-heading-m", id: "point-form-title", "data-i18n": point ? "catalogue.point_edit" : "catalogue.point_new" }),
      point ? el("p", { class: "govgr-body" }, el("strong", {}, point.service_point_id), " · ", activeText(point)) : null,
      el("div", { id: "point-form-error", hidden: true }),
      point ? null : input("sp-id", "catalogue.point_id", "", { required: true, maxlength: "60", pattern: "[a-z0-9][a-z0-9-]{1,59}" }, "catalogue.id_hint"),
      select("sp-department", "catalogue.department", departmentOptions(ctx), p.department_id, { disabled: !ctx.isAdmin }),
      input("sp-name-el", "catalogue.name_el", p.name_el, { required: true, maxlength: "200", lang: "el" }),
      input("sp-name-en", "catalogue.name_en", p.name_en, { required: true, maxlength: "200", lang: "en" }),
      input("sp-address-el", "catalogue.address_el", p.address_el, { maxlength: "300", lang: "el" }),
      input("sp-address-en", "catalogue.address_en", p.address_en, { maxlength: "300", lang: "en" }),
      fieldset("catalogue.position",
        el("p", { class: "govgr-hint", "data-i18n": "catalogue.position_hint" }),
        el("div", { class: "cat-row" },
          input("sp-lat", "catalogue.lat", p.lat ?? "", { inputmode: "decimal", class: "govgr-input govgr-input--width-10", onchange: placeMarker }),
          input("sp-lng", "catalogue.lng", p.lng ?? "", { inputmode: "decimal", class: "govgr-input govgr-input--width-10", onchange: placeMarker })),
        el("div", { id: "sp-map", class: "cat-map", role: "region", "data-i18n-attr": "aria-label:catalogue.map_label" })),
      el("div", { class: "cat-row" },
        input("sp-phone", "catalogue.phone", p.phone, { type: "tel", maxlength: "20", class: "govgr-input govgr-input--width-10" }),
        input("sp-email", "catalogue.email", p.email, { type: "email", maxlength: "254" })),
      textarea("sp-hours-el", "catalogue.hours_text_el", p.hours_el, { maxlength: "500", lang: "el", rows: "2" }),
      textarea("sp-hours-en", "catalogue.hours_text_en", p.hours_en, { maxlength: "500", lang: "en", rows: "2" }),
      weekFields("sp-week", p.hours, "catalogue.opening_hours"),
      el("div", { class: "cat-actions" },
        el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "point-save", "data-i18n": "catalogue.save" }),
        point ? button(point.active ? "catalogue.deactivate" : "catalogue.activate", () => setActive(point, !point.active),
          { "data-testid": "point-toggle" }) : null,
        point ? button("catalogue.new", () => renderForm(), {}) : null));
    form.onsubmit = (e) => {
      e.preventDefault();
      save(point);
    };
    showMap();
  }

  function body() {
    return {
      department_id: value("sp-department"),
      name_el: value("sp-name-el"),
      name_en: value("sp-name-en"),
      address_el: value("sp-address-el"),
      address_en: value("sp-address-en"),
      lat: coordinate("sp-lat"),
      lng: coordinate("sp-lng"),
      phone: optional("sp-phone"),
      email: optional("sp-email"),
      hours_el: value("sp-hours-el"),
      hours_en: value("sp-hours-en"),
      hours: readWeek("sp-week"),
    };
  }

  async function save(point) {
    const saved = await submit(form, inputOf, () => (point
      ? api(`/api/staff/catalogue/service-points/${encodeURIComponent(point.service_point_id)}`, { method: "PUT", body: body() })
      : api("/api/staff/catalogue/service-points", { method: "POST", body: { service_point_id: value("sp-id"), ...body() } })));
    if (!saved) return;
    await ctx.reloadPoints();
    announce(t("catalogue.saved_point", { name: localName(saved) }));
    renderForm(ctx.points.find((x) => x.service_point_id === saved.service_point_id));
  }

  async function setActive(point, active) {
    const url = `/api/staff/catalogue/service-points/${encodeURIComponent(point.service_point_id)}`;
    const saved = await saveActive(form, url, active);
    if (!saved) return;
    await ctx.reloadPoints();
    renderForm(ctx.points.find((x) => x.service_point_id === saved.service_point_id));
  }

  ctx.onPoints(renderList);
  renderList();
  renderForm();
  return { refresh: renderList };
}
