// The municipality's own settings (GET /api/municipality): its name, contacts and the map its
// sites show. Asked once per page.
//
//   import { municipality, mapOptions } from "/shared/municipality.js";
//   const map = L.map("map", { ...(await mapOptions()), attributionControl: false });
//   (await municipality()).name_el
//
// Until an administrator saves the settings the API answers defaults (a map of Greece).
import { api } from "./api.js";

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
