// "My data": everything the municipality holds about the signed-in citizen (GET /api/me/data),
// shown readably and downloadable as the same JSON; and closing the account (POST /api/me/close),
// after a ticked confirmation. Built with el(), never innerHTML: every value is data.
import { api, ApiError } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import {
  checkRequired,
  citizenLoginUrl,
  clearError,
  el,
  formatDate,
  formatDateTime,
  mountLayout,
  replaceChildren,
  showError,
} from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const CLOSED_KEY = "dimotis.closed";
let data = null;

const me = await mountLayout({ audience: "citizen", active: "profile" });
$("loading").hidden = true;

function yesNo(value) {
  return t(value ? "mydata.yes" : "mydata.no");
}

function keyLabel(key) {
  return label(`mydata.key.${key}`, key);
}

function shown(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return yesNo(value);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDateTime(value);
  if (Array.isArray(value)) return value.length ? value.join(", ") : t("mydata.none");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function row(label, value, testid) {
  return el(
    "div",
    { class: "govgr-summary-list__row" },
    el("dt", { class: "govgr-summary-list__key" }, label),
    el("dd", { class: "govgr-summary-list__value", "data-testid": testid }, value),
  );
}

function table(caption, headers, rows) {
  if (!rows.length) return el("p", { class: "govgr-body" }, t("mydata.nothing"));
  return el(
    "div",
    { class: "govgr-table-wrapper" },
    el(
      "table",
      { class: "govgr-table" },
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", { class: "govgr-table__head" },
        el("tr", { class: "govgr-table__row" }, headers.map((h) => el("th", { class: "govgr-table__header", scope: "col" }, h)))),
      el("tbody", { class: "govgr-table__body" },
        rows.map((cells) => el("tr", { class: "govgr-table__row" }, cells.map((c) => el("td", { class: "govgr-table__cell" }, c))))),
    ),
  );
}

/** The translation of `key`, or `fallback` when the table has none (a status added later). */
function label(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

function renderProfile() {
  const profile = data.profile || {};
  replaceChildren($("profile"), Object.entries(profile).map(([key, value]) => row(keyLabel(key), shown(value), `profile-${key}`)));
  const c = data.consents;
  replaceChildren(
    $("consents"),
    c
      ? [
          row(t("mydata.notify_email"), yesNo(c.notify_email), "consent-email"),
          row(t("mydata.notify_sms"), yesNo(c.notify_sms), "consent-sms"),
          row(t("mydata.alert_topics"), shown(c.alert_topics)),
          row(t("mydata.language"), c.language === "en" ? "English" : "Ελληνικά"),
        ]
      : [],
  );
}

function renderLists() {
  const name = (a) => (lang() === "en" ? a.service_name_en : a.service_name_el) || a.service_id;
  replaceChildren(
    $("appointments"),
    table(t("mydata.appointments"), [t("mydata.col_service"), t("mydata.col_when"), t("mydata.col_status"), t("mydata.col_reference")],
      data.appointments.map((a) => [name(a), formatDateTime(a.starts_at), label(`appointments.status_${a.status}`, a.status), a.reference])),
  );
  replaceChildren(
    $("tickets"),
    table(t("mydata.queue_tickets"), [t("mydata.col_ticket"), t("mydata.col_day"), t("mydata.col_status"), t("mydata.col_reference")],
      data.queue_tickets.map((q) => [q.code, q.day, label(`queue.status_${q.status}`, q.status), q.appointment_reference || "—"])),
  );
  replaceChildren(
    $("requests"),
    data.requests.length
      ? data.requests.map(({ request, timeline }) =>
          el(
            "article",
            { class: "govgr-panel", "data-testid": `request-${request.request_id}` },
            el("h3", { class: "govgr-heading-s" }, `${request.protocol} · ${label(`requests.status.${request.status}`, request.status)}`),
            el("dl", { class: "govgr-summary-list" },
              row(t("mydata.col_type"), request.type_code),
              row(t("mydata.col_filed"), formatDateTime(request.created_at)),
              request.description ? row(t("requests.description"), request.description) : null),
            el("h4", { class: "govgr-heading-s" }, t("mydata.timeline")),
            el("ol", { class: "govgr-list" },
              timeline.map((e) => el("li", {}, `${formatDateTime(e.at)}: ${label(`requests.status.${e.status}`, e.status || "")}`, e.note ? ` — ${e.note}` : ""))),
          ),
        )
      : el("p", { class: "govgr-body" }, t("mydata.nothing")),
  );
  replaceChildren(
    $("follows"),
    table(t("mydata.follows"), [t("mydata.col_protocol"), t("mydata.col_status"), t("mydata.col_followed")],
      data.follows.map((f) => [f.protocol, label(`requests.status.${f.status}`, f.status), formatDate(f.followed_at)])),
  );
}

function render() {
  $("exported-at").textContent = t("mydata.exported_at", { when: formatDateTime(data.exported_at) });
  $("truncated").hidden = !data.truncated.length;
  $("truncated").textContent = t("mydata.truncated", { what: data.truncated.map((k) => t(`mydata.${k}`)).join(", ") });
  renderProfile();
  renderLists();
}

function download() {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: `dimotis-data-${data.exported_at.slice(0, 10)}.json`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function close(event) {
  event.preventDefault();
  clearError($("close-error"));
  if (!checkRequired($("close-form"))) return;
  if (!window.confirm(t("mydata.close_are_you_sure"))) return;
  const button = $("close-account");
  button.disabled = true;
  try {
    const done = await api("/api/me/close", { method: "POST", body: { confirm: true } });
    try {
      sessionStorage.setItem(CLOSED_KEY, JSON.stringify(done));
    } catch {
      // storage refused: the page says it closed, without the figures
    }
    location.assign("/mydata.html?closed=1");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) location.assign(citizenLoginUrl("/mydata.html"));
    else showError($("close-error"), err);
    button.disabled = false;
  }
}

function showClosed() {
  let done = null;
  try {
    done = JSON.parse(sessionStorage.getItem(CLOSED_KEY) || "null");
  } catch {
    done = null;
  }
  $("closed-text").textContent = done
    ? t("mydata.closed_text", {
        cancelled: done.appointments_cancelled,
        anonymised: done.appointments_anonymised,
        kept: done.requests_kept_without_you,
      })
    : t("mydata.closed_plain");
  $("closed").hidden = false;
  $("closed").focus();
}

if (new URLSearchParams(location.search).get("closed") === "1" && !me) {
  showClosed();
} else if (!me) {
  $("signed-out-link").href = citizenLoginUrl("/mydata.html");
  $("signed-out").hidden = false;
} else {
  try {
    data = await api("/api/me/data");
    render();
    $("data").hidden = false;
    $("download").addEventListener("click", download);
    $("close-form").addEventListener("submit", close);
    onLangChange(render);
  } catch (err) {
    showError($("error"), err);
  }
}
