// The municipality's own settings (GET /api/municipality): its name, contacts and the map its
// sites show. Asked once per page.
//
//   import { municipality, mapOptions } from "/shared/municipality.js";
//   const map = L.map("map", { ...(await mapOptions()), attributionControl: false });
//   (await municipality()).name_el
//
// Until an administrator saves the settings the API answers defaults (a map of Greece).
// The citizens' footer names the municipality and its contacts (mountContacts, from layout.js).
import { api } from "./api.js";
import { lang, onLangChange, t } from "./i18n.js";
import { el, replaceChildren } from "./layout.js";

let asked = null;
// What a page shows when the settings cannot be read (the API's own defaults: Greece).
const FALLBACK = {
  name_el: "Δήμος",
  name_en: "Municipality",
  configured: false,
  map: { centre: { lat: 37.9838, lng: 23.7275 }, zoom: 7, bounds: { south: 34.7, west: 19.3, north: 41.8, east: 29.7 } },
};

/** The settings as the API gives them: {name_el, name_en, phone, email, website, map, configured}
 * (the defaults when they cannot be read: a map still opens). */
export function municipality() {
  asked = asked || api("/api/municipality").catch(() => FALLBACK);
  return asked;
}

/** Leaflet options for the municipality's map: its centre and zoom, panning kept within its
 * bounds (a little beyond them, so a pin at the edge can still be placed). */
export async function mapOptions() {
  const { map } = await municipality();
  const { south, west, north, east } = map.bounds;
  return {
    center: [map.centre.lat, map.centre.lng],
    zoom: map.zoom,
    maxBounds: [[south, west], [north, east]],
    maxBoundsViscosity: 0.5,
  };
}

function contacts(m) {
  const en = lang() === "en";
  const address = (en && m.address_en) || m.address_el;
  const link = (href, text) => el("a", { class: "govgr-footer__link", href }, text);
  const items = [
    address ? address : null,
    m.phone ? [`${t("catalogue.phone")}: `, link(`tel:${m.phone.replace(/\s/g, "")}`, m.phone)] : null,
    m.email ? [`${t("catalogue.email")}: `, link(`mailto:${m.email}`, m.email)] : null,
    m.website ? [`${t("catalogue.website")}: `, link(m.website, m.website.replace(/^https?:\/\//, ""))] : null,
  ].filter(Boolean);
  return [
    el("strong", {}, (en && m.name_en) || m.name_el),
    items.map((item) => [el("br"), item]),
  ];
}

/** Name the municipality and how to reach it at the top of `footer` (an <address>, in the page
 * language), once its settings are saved: nothing while they are the defaults. */
export async function mountContacts(footer) {
  const m = await municipality();
  if (!m.configured) return;
  const box = el("address", { class: "govgr-footer__licence-description dimotis-municipality", "data-testid": "municipality-contacts" });
  const content = footer.querySelector(".dimotis-footer") || footer;
  content.prepend(box);
  const render = () => replaceChildren(box, contacts(m));
  render();
  onLangChange(render);
}
