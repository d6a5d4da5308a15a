// Citizens' requests page: file a request or report (type, extra fields, text, a map pin with the
// nearby-duplicates check, a photo uploaded straight to S3 with a presigned POST), my requests with
// their public timelines, and looking up / following a public report by protocol number.
// Every piece of data is put on the page as text (el() / textContent), never as markup.
import * as L from "/vendor/leaflet/dist/leaflet-src.esm.js";
import { api, ApiError, withRetry } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  citizenLoginUrl, clearError, clearFieldErrors, el, formatDate, formatDateTime, mountLayout,
  replaceChildren, retryNotice, showError, showFieldError,
} from "/shared/layout.js";
import { mountNotifyChoice, summary } from "/js/contact.js";
import { mapOptions } from "/shared/municipality.js";

const $ = (id) => document.getElementById(id);
const MAX_PHOTO = 5 * 1024 * 1024;

const me = await mountLayout({ audience: "citizen", active: "requests" });
let profile = me; // the profile as the contact confirmations left it
let choice = null; // how to be told of the request being filed
const area = await mapOptions(); // where the map opens: the municipality's settings
const waiting = retryNotice($("retry-status"));
/** A write of the form: a 429 with a short Retry-After is tried again, the page saying so; a
 * daily limit (Retry-After until midnight) is shown as the error it is. */
const post = (path, body) => withRetry(() => api(path, { method: "POST", body }), { onWait: waiting });
let types = [];
let map = null;
let marker = null;
let pin = null;

const name = (item) => (lang() === "en" ? item.name_en || item.name_el : item.name_el);
const typeOf = (code) => types.find((k) => k.code === code);
const statusText = (s) => t(`requests.status.${s}`);

// -- the form ------------------------------------------------------------------------------------
function renderTypeOptions() {
  const select = $("type");
  const chosen = select.value;
  const groups = new Map();
  for (const kind of types) {
    const label = lang() === "en" ? kind.group_en : kind.group_el;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(kind);
  }
  replaceChildren(
    select,
    el("option", { value: "" }, t("requests.type_choose")),
    [...groups].map(([label, kinds]) =>
      el("optgroup", { label }, kinds.map((k) => el("option", { value: k.code }, name(k)))),
    ),
  );
  select.value = chosen;
}

function attributeLabel(attribute) {
  return (lang() === "en" && attribute.description_en) || attribute.description_el || attribute.code;
}

function attributeInput(attribute) {
  const id = `attr-${attribute.code}`;
  const common = { id, name: attribute.code, "data-code": attribute.code, required: Boolean(attribute.required) };
  const label = el("label", { class: "govgr-label", for: id }, attributeLabel(attribute), attribute.required ? " *" : "");
  const hint = attribute.datatype_description ? el("p", { class: "govgr-hint" }, attribute.datatype_description) : null;
  const option = (v) => el("option", { value: v.key }, (lang() === "en" && v.name_en) || v.name_el);
  switch (attribute.datatype) {
    case "singlevaluelist":
      return el("div", { class: "govgr-field" }, label, hint,
        el("select", { class: "govgr-select", ...common }, el("option", { value: "" }, t("requests.type_choose")),
          (attribute.values || []).map(option)));
    case "multivaluelist":
      return el("fieldset", { class: "govgr-fieldset govgr-field", id, "data-code": attribute.code, "data-multi": "1" },
        el("legend", { class: "govgr-fieldset__legend govgr-label" }, attributeLabel(attribute), attribute.required ? " *" : ""),
        el("div", { class: "govgr-checkboxes" }, (attribute.values || []).map((v) =>
          el("div", { class: "govgr-checkboxes__item" },
            el("label", { class: "govgr-label govgr-checkboxes__label" },
              el("input", { class: "govgr-checkboxes__input", type: "checkbox", value: v.key, name: attribute.code }),
              " ", (lang() === "en" && v.name_en) || v.name_el)))));
    case "text":
      return el("div", { class: "govgr-field" }, label, hint,
        el("textarea", { class: "govgr-textarea", rows: 3, maxlength: 4000, ...common }));
    case "number":
      return el("div", { class: "govgr-field" }, label, hint,
        el("input", { class: "govgr-input govgr-input--width-10", type: "number", step: "any", ...common }));
    case "datetime":
      return el("div", { class: "govgr-field" }, label, hint,
        el("input", { class: "govgr-input govgr-input--width-20", type: "datetime-local", ...common }));
    default:
      return el("div", { class: "govgr-field" }, label, hint,
        el("input", { class: "govgr-input", type: "text", maxlength: 200, ...common }));
  }
}

function onTypeChange() {
  const kind = typeOf($("type").value);
  clearFieldErrors($("request-form"));
  replaceChildren($("fields"), kind ? kind.attributes.filter((a) => a.variable !== false).map(attributeInput) : []);
  $("type-hint").textContent = kind
    ? `${t(kind.public ? "requests.public_hint" : "requests.private_hint")} ${t("requests.expected_days", { days: kind.expected_days })}`
    : "";
  $("location-field").hidden = !kind || kind.location === "none";
  $("photo-field").hidden = !kind || kind.photo === "none";
  if (!$("location-field").hidden) ensureMap();
  checkNearby();
}

function ensureMap() {
  if (!map) {
    // No tile layer is required: markers and clicks work on a plain background (tiles may not load).
    map = L.map("map", { ...area, attributionControl: false });
    map.on("click", (event) => setPin(event.latlng.lat, event.latlng.lng));
  }
  setTimeout(() => map.invalidateSize(), 0);
}

function setPin(lat, lon) {
  pin = { lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)) };
  if (marker) marker.setLatLng([pin.lat, pin.lon]);
  else marker = L.circleMarker([pin.lat, pin.lon], { radius: 9, color: "#d4351c", weight: 3, className: "rq-pin" }).addTo(map);
  $("pin").textContent = t("requests.location_chosen", { lat: pin.lat.toFixed(5), lon: pin.lon.toFixed(5) });
  checkNearby();
}

async function checkNearby() {
  const box = $("nearby");
  const kind = typeOf($("type").value);
  if (!kind || !pin || !kind.public) {
    box.replaceChildren();
    return;
  }
  try {
    const found = await api(`/api/requests/nearby?type_code=${encodeURIComponent(kind.code)}&lat=${pin.lat}&lon=${pin.lon}`);
    if (!found.reports.length) {
      replaceChildren(box, el("p", { class: "govgr-hint", "data-testid": "nearby-none" }, t("requests.nearby_none")));
      return;
    }
    replaceChildren(box, el("div", { class: "rq-nearby", "data-testid": "nearby" },
      el("h3", { class: "govgr-heading-s" }, t("requests.nearby_title")),
      el("p", { class: "govgr-body" }, t("requests.nearby_text")),
      el("ul", { class: "govgr-list" }, found.reports.map((r) =>
        el("li", {}, el("strong", {}, r.protocol), " — ", statusText(r.status), " — ",
          t("requests.distance", { meters: Math.round(r.distance_m) }), " ", r.address || "", " ",
          el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", onclick: () => followProtocol(r.protocol) },
            t("requests.follow_this")))))));
  } catch (err) {
    showError($("error"), err);
  }
}

function collectAttributes(kind) {
  const out = {};
  let ok = true;
  for (const attribute of kind.attributes.filter((a) => a.variable !== false)) {
    const node = $(`attr-${attribute.code}`);
    let value;
    if (attribute.datatype === "multivaluelist") {
      value = [...node.querySelectorAll("input:checked")].map((i) => i.value);
      if (!value.length) value = null;
    } else {
      value = node.value.trim();
      if (value === "") value = null;
      else if (attribute.datatype === "number") value = Number(value);
    }
    if (value === null) {
      if (attribute.required) {
        showFieldError(attribute.datatype === "multivaluelist" ? node.querySelector("input") : node, t("requests.required_field"));
        ok = false;
      }
      continue;
    }
    out[attribute.code] = value;
  }
  return ok ? out : null;
}

async function uploadPhoto(file) {
  if (!["image/jpeg", "image/png"].includes(file.type)) throw new Error(t("requests.photo_type"));
  if (file.size > MAX_PHOTO) throw new Error(t("requests.photo_size"));
  const form = await post("/api/requests/photos", { content_type: file.type });
  const data = new FormData();
  for (const [key, value] of Object.entries(form.fields)) data.append(key, value);
  data.append("file", file);
  let resp;
  try {
    resp = await fetch(form.url, { method: "POST", body: data });
  } catch {
    throw new Error(t("requests.photo_failed"));
  }
  if (!resp.ok) throw new Error(t("requests.photo_failed"));
  return form.key;
}

async function submit(event) {
  event.preventDefault();
  const form = $("request-form");
  clearFieldErrors(form);
  clearError($("error"));
  const kind = typeOf($("type").value);
  if (!kind) {
    showFieldError("type", t("requests.required_field"));
    return;
  }
  const attributes = collectAttributes(kind);
  if (attributes === null) return;
  if (kind.location === "required" && !pin) {
    showFieldError("address", t("requests.location_required"));
    return;
  }
  const file = $("photo").files[0];
  if (kind.photo === "required" && !file) {
    showFieldError("photo", t("requests.photo_required"));
    return;
  }
  if (!choice.check()) return;
  const button = $("submit");
  button.disabled = true;
  button.textContent = t("requests.submitting");
  try {
    const body = { type_code: kind.code, description: $("description").value.trim(), attributes, notify: choice.channels() };
    if (kind.location !== "none" && pin) Object.assign(body, pin, { address: $("address").value.trim() });
    if (kind.photo !== "none" && file) body.photos = [await uploadPhoto(file)];
    const result = await post("/api/requests", body);
    $("done-protocol").textContent = result.request.protocol;
    replaceChildren($("done-notify"), summary(profile, result.request.notify, "request"));
    $("done").hidden = false;
    form.reset();
    mountChoice();
    pin = null;
    if (marker) {
      marker.remove();
      marker = null;
    }
    $("pin").textContent = "";
    onTypeChange();
    $("done").scrollIntoView();
    await loadMine();
  } catch (err) {
    showError($("error"), err);
  } finally {
    waiting.done();
    button.disabled = false;
    button.textContent = t("requests.submit");
  }
}

// -- my requests, timelines, following -----------------------------------------------------------
function timelineList(entries) {
  return el("ol", { class: "rq-timeline", "data-testid": "timeline" }, entries.map((e) =>
    el("li", {},
      el("p", { class: "govgr-body govgr-!-margin-bottom-1" },
        el("strong", {}, formatDateTime(e.at)), " — ", e.status ? statusText(e.status) : t(`requests.action.${e.action}`)),
      e.note ? el("p", { class: "govgr-body rq-note" }, e.note) : null)));
}

function card(req, extra = []) {
  const kind = typeOf(req.type_code);
  return el("div", { class: "rq-card", "data-request": req.request_id },
    el("h3", { class: "govgr-heading-s" }, req.protocol, " — ", kind ? name(kind) : req.type_code),
    el("p", { class: "govgr-body" },
      el("span", {}, t("requests.status_label"), ": "), el("strong", { "data-testid": "status" }, statusText(req.status)),
      " · ", t("requests.submitted_at"), ": ", formatDate(req.created_at)),
    req.address ? el("p", { class: "govgr-hint" }, req.address) : null,
    extra);
}

async function showTimeline(req, container) {
  try {
    const detail = await api(`/api/requests/mine/${encodeURIComponent(req.request_id)}`);
    replaceChildren(container,
      el("h4", { class: "govgr-heading-s" }, t("requests.timeline")),
      detail.request.description ? el("p", { class: "govgr-body rq-note" }, detail.request.description) : null,
      timelineList(detail.timeline));
  } catch (err) {
    showError($("error"), err);
  }
}

async function loadMine() {
  if (!me) return;
  const data = await api("/api/requests/mine");
  replaceChildren($("mine"), data.requests.length
    ? data.requests.map((req) => {
      const slot = el("div", {});
      const button = el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": "show-timeline",
        onclick: () => showTimeline(req, slot) }, t("requests.show_timeline"));
      return card(req, [button, slot]);
    })
    : el("p", { class: "govgr-body" }, t("requests.mine_none")));
  replaceChildren($("followed"), data.followed.map((req) =>
    card(req, el("button", { type: "button", class: "govgr-btn govgr-btn-secondary",
      onclick: async () => { await api("/api/requests/unfollow", { method: "POST", body: { protocol: req.protocol } }); await loadMine(); } },
    t("requests.unfollow")))));
  const wanted = location.hash.slice(1);
  const target = wanted && $("mine").querySelector(`[data-request="${CSS.escape(wanted)}"]`);
  if (target) {
    target.querySelector("button").click();
    target.scrollIntoView();
  }
}

function mountChoice() {
  choice = mountNotifyChoice($("notify-box"), { profile, purpose: "request", onProfile: (fresh) => { profile = fresh; } });
}

// Following asks how to be told first, in place of what offered it (a group, not a form: the
// nearby reports sit inside the request form).
function followProtocol(protocol, container = $("nearby")) {
  clearError($("error"));
  const box = el("div", {});
  const follow = mountNotifyChoice(box, { profile, purpose: "follow", id: "follow-notify", onProfile: (fresh) => { profile = fresh; } });
  async function confirm() {
    if (!follow.check()) return;
    const notify = follow.channels();
    try {
      await api("/api/requests/follow", { method: "POST", body: { protocol, notify } });
      replaceChildren(container, el("div", { role: "status", "data-testid": "followed" },
        el("p", { class: "govgr-body" }, t("requests.following")), summary(profile, notify, "follow")));
      await loadMine();
    } catch (err) {
      showError($("error"), err);
    }
  }
  replaceChildren(container, el("div", { role: "group", class: "rq-follow", "aria-labelledby": "follow-confirm-title" },
    el("h3", { class: "govgr-heading-s", id: "follow-confirm-title", tabindex: "-1" }, t("requests.follow_ask", { protocol })),
    box,
    el("button", { type: "button", class: "govgr-btn govgr-btn-primary", "data-testid": "follow-confirm", onclick: confirm },
      t("requests.follow_this")),
    " ",
    el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", onclick: () => container.replaceChildren() },
      t("common.cancel"))));
  $("follow-confirm-title").focus();
}

async function lookUp(event) {
  event.preventDefault();
  const view = $("followed-view");
  clearError($("error"));
  const protocol = $("protocol").value.trim();
  if (!/^[0-9]{4}[/-][0-9]{1,9}$/.test(protocol)) {
    showFieldError("protocol", t(protocol ? "requests.not_found" : "requests.required_field"));
    return;
  }
  clearFieldErrors($("follow-form"));
  try {
    const data = await api(`/api/requests/follow?protocol=${encodeURIComponent(protocol)}`);
    const own = me && data.request && data.timeline;
    replaceChildren(view, card(data.request, [
      data.request.description ? el("p", { class: "govgr-body rq-note" }, data.request.description) : null,
      timelineList(data.timeline),
      me && data.request.public && data.request.open && own
        ? el("div", { id: "follow-here" },
          el("button", { type: "button", class: "govgr-btn govgr-btn-secondary",
            onclick: () => followProtocol(data.request.protocol, $("follow-here")) }, t("requests.follow_this")))
        : null,
    ]));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) replaceChildren(view, el("p", { class: "govgr-body" }, t("requests.not_found")));
    else showError($("error"), err);
  }
}

// -- start -----------------------------------------------------------------------------------------
$("follow-form").addEventListener("submit", lookUp);
try {
  types = (await api("/api/request-types")).types;
} catch (err) {
  showError($("error"), err);
}
if (me) {
  $("new-section").hidden = false;
  $("mine-section").hidden = false;
  renderTypeOptions();
  mountChoice();
  $("type").addEventListener("change", onTypeChange);
  $("request-form").addEventListener("submit", submit);
  try {
    await loadMine();
  } catch (err) {
    showError($("error"), err);
  }
} else {
  $("signin").hidden = false;
  $("signin-link").setAttribute("href", citizenLoginUrl());
}
window.addEventListener("hashchange", () => {
  if (me) loadMine().catch((err) => showError($("error"), err));
});
onLangChange(() => {
  if (!me) return;
  renderTypeOptions();
  mountChoice();
  onTypeChange();
  loadMine().catch((err) => showError($("error"), err));
});
