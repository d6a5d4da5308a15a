// The staff counter page: pick a service point of my department, open a counter for some of its
// queues, then call next, recall, start, served, no-show, transfer; the waiting lists in call
// order; check-in of an appointment at the counter. Refreshes every 3 s.
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { checkRequired, clearError, el, formatTime, mountLayout, replaceChildren, requireStaff, showError }
  from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 3000;
const STORE = "dimotis.queue.counter";

await mountLayout({ audience: "staff", active: "queue" });
const staff = await requireStaff(["clerk", "manager"]);
let points = [];
let view = null;
let counterId = null;

const name = (item) => (lang() === "en" ? item.name_en : item.name_el);

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "{}");
  } catch {
    return {};
  }
}

function remember(data) {
  try {
    localStorage.setItem(STORE, JSON.stringify(data));
  } catch {
    // storage disabled: the page still works for this visit
  }
}

async function act(fn) {
  clearError($("error"));
  try {
    await fn();
  } catch (err) {
    showError($("error"), err);
  }
  await refresh();
}

function myCounter() {
  if (!view) return null;
  return view.counters.find((c) => c.counter_id === counterId && c.status === "open") || null;
}

function render() {
  if (!view) return;
  const counter = myCounter();
  $("open-form").hidden = Boolean(counter);
  $("desk").hidden = !counter;
  if (counter) {
    $("counter-title").textContent = t("queue.counter_title", { label: counter.label });
    $("current").textContent = counter.current_code || "—";
    for (const id of ["recall", "start", "served", "no-show", "transfer"]) $(id).disabled = !counter.current_code;
  } else {
    $("counter-title").textContent = t("queue.counter_open");
  }
  const checked = new Set(counter ? counter.queue_ids : remembered().queues || view.queues.map((q) => q.queue_id));
  // built once per point (a refresh keeps what the clerk ticked), for the point the view is of
  if ($("queue-choices").dataset.point !== view.chosenPoint) {
    $("queue-choices").dataset.point = view.chosenPoint;
    replaceChildren(
      $("queue-choices"),
      view.queues.map((q) =>
        el(
          "label",
          { class: "govgr-checkboxes__item", for: `q-${q.queue_id}` },
          el("input", { class: "govgr-checkboxes__input", type: "checkbox", id: `q-${q.queue_id}`, value: q.queue_id,
            checked: checked.has(q.queue_id) }),
          el("span", { class: "govgr-checkboxes__label" }, `${q.prefix} · ${name(q)}`),
        ),
      ),
    );
  }
  const selected = $("transfer-to").value;
  replaceChildren(
    $("transfer-to"),
    view.queues.map((q) => el("option", { value: q.queue_id }, `${q.prefix} · ${name(q)}`)),
  );
  if (selected) $("transfer-to").value = selected;
  replaceChildren(
    $("waiting"),
    view.queues.map((q) =>
      el(
        "div",
        { class: "dimotis-section" },
        el("h3", { class: "govgr-heading-s" }, `${q.prefix} · ${name(q)} (${q.waiting_count ?? q.waiting.length})`),
        q.waiting.length
          ? el(
              "table",
              { class: "govgr-table" },
              el("thead", {}, el("tr", {},
                el("th", { scope: "col", class: "govgr-table__header" }, t("queue.col_code")),
                el("th", { scope: "col", class: "govgr-table__header" }, t("queue.col_kind")),
                el("th", { scope: "col", class: "govgr-table__header" }, t("queue.col_issued")),
                el("th", { scope: "col", class: "govgr-table__header" }, t("queue.col_slot")))),
              el("tbody", {}, q.waiting.map((w) =>
                el("tr", { class: "govgr-table__row" },
                  el("td", { class: "govgr-table__cell" }, w.code),
                  el("td", { class: "govgr-table__cell" }, t(`queue.kind_${w.kind}`)),
                  el("td", { class: "govgr-table__cell" }, formatTime(w.issued_at)),
                  el("td", { class: "govgr-table__cell" }, w.slot_start ? formatTime(w.slot_start) : "")))),
            )
          : el("p", { class: "govgr-body" }, t("queue.nobody_waiting")),
        q.waiting_count > q.waiting.length
          ? el("p", { class: "govgr-body", "data-testid": "more-waiting" },
            t("queue.more_waiting", { count: q.waiting_count - q.waiting.length }))
          : null,
      ),
    ),
  );
}

async function refresh() {
  const point = $("point").value;
  if (!point) return;
  try {
    const answer = await api(`/api/staff/queue/points/${encodeURIComponent(point)}`);
    // an answer for a point chosen before (a slower request) must not show that point's queues
    if ($("point").value !== point) return;
    view = { ...answer, chosenPoint: point };
    render();
  } catch (err) {
    showError($("error"), err);
  }
}

function choosePoint() {
  const point = $("point").value;
  $("board-link").href = `/board/${encodeURIComponent(point)}`;
  $("kiosk-link").href = `/queue.html?point=${encodeURIComponent(point)}`;
  $("links").hidden = !point;
  const saved = remembered();
  counterId = saved.point === point ? saved.counter_id : null;
  replaceChildren($("queue-choices"));
  delete $("queue-choices").dataset.point;
  view = null;
  refresh();
}

function counterAction(path, body) {
  return act(async () => {
    await api(`/api/staff/queue/counters/${encodeURIComponent(counterId)}/${path}`, { method: "POST", body });
  });
}

if (staff) {
  $("content").hidden = false;
  try {
    points = (await api("/api/staff/queue/points")).points;
  } catch (err) {
    showError($("error"), err);
  }
  $("no-points").hidden = points.length > 0;
  replaceChildren($("point"), points.map((p) => el("option", { value: p.service_point_id }, name(p))));
  const saved = remembered();
  if (saved.point && points.some((p) => p.service_point_id === saved.point)) $("point").value = saved.point;
  $("point").addEventListener("change", choosePoint);
  choosePoint();

  $("open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(event.target)) return;
    const label = $("label").value.trim();
    const queues = [...$("queue-choices").querySelectorAll("input:checked")].map((input) => input.value);
    act(async () => {
      const counter = await api(`/api/staff/queue/points/${encodeURIComponent($("point").value)}/counters`, {
        method: "POST",
        body: { label, queue_ids: queues },
      });
      counterId = counter.counter_id;
      remember({ point: $("point").value, counter_id: counterId, queues });
    });
  });
  $("next").addEventListener("click", () => counterAction("next"));
  $("recall").addEventListener("click", () => counterAction("recall"));
  $("start").addEventListener("click", () => counterAction("start"));
  $("served").addEventListener("click", () => counterAction("served"));
  $("no-show").addEventListener("click", () => counterAction("no-show"));
  $("transfer").addEventListener("click", () => counterAction("transfer", { queue_id: $("transfer-to").value }));
  $("close").addEventListener("click", () => counterAction("close"));
  $("check-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkRequired(event.target)) return;
    act(async () => {
      const ticket = await api(`/api/staff/queue/points/${encodeURIComponent($("point").value)}/check-in`, {
        method: "POST",
        body: { reference: $("reference").value.trim() },
      });
      $("checked-in").textContent = t("queue.checked_in", { code: ticket.code });
      $("reference").value = "";
    });
  });
  onLangChange(() => {
    replaceChildren($("queue-choices"));
    render();
  });
  setInterval(refresh, REFRESH_MS);
}
