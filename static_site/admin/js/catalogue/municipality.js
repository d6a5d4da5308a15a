// The municipality's settings (admins): its name, address and contacts, and the map the citizens'
// sites open (centre, zoom, and the bounds it may be panned within). Saved whole
// (PUT /api/admin/municipality); the sites read them from GET /api/municipality.
import { api } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { el, replaceChildren } from "/shared/layout.js";
import {
  $, announce, coordinate, FieldProblem, fieldset, input, integer, optional, resetErrors, submit, value,
} from "/admin/js/catalogue/forms.js";

const FIELDS = {
  name_el: "m-name-el", name_en: "m-name-en", phone: "m-phone", email: "m-email", website: "m-website",
  "map.centre": "m-lat", "map.centre.lat": "m-lat", "map.centre.lng": "m-lng", "map.zoom": "m-zoom",
  "map.bounds.south": "m-south", "map.bounds.west": "m-west", "map.bounds.north": "m-north", "map.bounds.east": "m-east",
};

function required(id) {
  const n = coordinate(id);
  if (n === null) throw new FieldProblem(id, t("common.field_required"));
  return n;
}

export function mountMunicipality() {
  const form = $("municipality-form");

  function render(s) {
    const m = s.map;
    const coord = (id, key, v) => input(id, key, String(v), { inputmode: "decimal", required: true, class: "govgr-input govgr-input--width-10" });
    resetErrors(form);
    replaceChildren(form,
      s.configured ? null : el("p", { class: "govgr-body cat-notice", "data-i18n": "catalogue.municipality_defaults" }),
      el("div", { id: "municipality-form-error", hidden: true }),
      input("m-name-el", "catalogue.name_el", s.name_el, { required: true, maxlength: "200", lang: "el" }),
      input("m-name-en", "catalogue.name_en", s.name_en, { required: true, maxlength: "200", lang: "en" }),
      input("m-address-el", "catalogue.address_el", s.address_el, { maxlength: "300", lang: "el" }),
      input("m-address-en", "catalogue.address_en", s.address_en, { maxlength: "300", lang: "en" }),
      el("div", { class: "cat-row" },
        input("m-phone", "catalogue.phone", s.phone, { type: "tel", maxlength: "20", class: "govgr-input govgr-input--width-10" }),
        input("m-email", "catalogue.email", s.email, { type: "email", maxlength: "254" }),
        input("m-website", "catalogue.website", s.website, { type: "url", maxlength: "300" })),
      fieldset("catalogue.map_centre",
        el("p", { class: "govgr-hint", "data-i18n": "catalogue.map_hint" }),
        el("div", { class: "cat-row" },
          coord("m-lat", "catalogue.lat", m.centre.lat),
          coord("m-lng", "catalogue.lng", m.centre.lng),
          input("m-zoom", "catalogue.zoom", String(m.zoom), { type: "number", min: "3", max: "19", required: true, class: "govgr-input govgr-input--width-4" }))),
      fieldset("catalogue.map_bounds",
        el("div", { class: "cat-row" },
          coord("m-south", "catalogue.south", m.bounds.south),
          coord("m-west", "catalogue.west", m.bounds.west),
          coord("m-north", "catalogue.north", m.bounds.north),
          coord("m-east", "catalogue.east", m.bounds.east))),
      el("div", { class: "cat-actions" },
        el("button", { type: "submit", class: "govgr-btn govgr-btn-primary", "data-testid": "municipality-save", "data-i18n": "catalogue.save" })));
    form.onsubmit = (e) => {
      e.preventDefault();
      save();
    };
  }

  async function save() {
    const saved = await submit(form, (f) => FIELDS[f] || null, () => api("/api/admin/municipality", {
      method: "PUT",
      body: {
        name_el: value("m-name-el"),
        name_en: value("m-name-en"),
        address_el: value("m-address-el"),
        address_en: value("m-address-en"),
        phone: optional("m-phone"),
        email: optional("m-email"),
        website: optional("m-website"),
        map: {
          centre: { lat: required("m-lat"), lng: required("m-lng") },
          zoom: integer("m-zoom"),
          bounds: { south: required("m-south"), west: required("m-west"), north: required("m-north"), east: required("m-east") },
        },
      },
    }));
    if (!saved) return;
    announce(t("catalogue.saved_municipality"));
    render(saved);
  }

  return {
    async load() {
      render(await api("/api/municipality"));
    },
  };
}
