// The back office's delivery page (administrators): counts per day and status of the last 7 days,
// the month's SMS budget (a warning when near or spent), and the newest messages, of one status
// or all, with masked addresses (GET /api/admin/messages).
//
//   import { mountMessages } from "/admin/js/messages.js";
//   await mountMessages({ table, onError });   // fills #tab-messages (the back office's table
//                                               // maker); the form reloads it
import { api } from "/shared/api.js";
import { onLangChange, t } from "/shared/i18n.js";
import { el, formatDateTime, replaceChildren } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const STATUSES = ["pending", "retry", "sending", "sent", "failed", "unknown", "suppressed", "limited", "blocked",
  "over_budget"];
const COUNTED = ["queued", "waiting", "sent", "failed", "unknown", "suppressed", "limited", "blocked",
  "over_budget", "retried"];
let last = null;
let table = null; // the back office's table maker: (columns, rows) -> <table>

const statusName = (s) => t(`messages.status_${s}`);

function renderBudget(sms) {
  const parts = [el("p", { class: "govgr-body" },
    t("messages.sms_month", { month: sms.month, used: sms.used_parts, budget: sms.budget_parts }))];
  if (sms.spent || sms.near) {
    parts.push(el("p", { class: "govgr-warning-text", role: "status", "data-testid": "sms-budget-warning" },
      t(sms.spent ? "messages.sms_spent" : "messages.sms_near")));
  }
  replaceChildren($("messages-budget"), parts);
}

function render(report) {
  renderBudget(report.sms);
  replaceChildren(
    $("messages-counts"),
    table(
      [{ label: t("messages.day"), cell: (d) => d.day },
        ...COUNTED.map((s) => ({ label: statusName(s), cell: (d) => String(d.counts[s] ?? 0) }))],
      [...report.days, { day: t("messages.total"), counts: report.totals }],
    ),
  );
  replaceChildren(
    $("messages-list"),
    report.messages.length
      ? table(
          [
            { label: t("messages.col_when"), cell: (m) => formatDateTime(m.created_at) },
            { label: t("messages.col_kind"), cell: (m) => m.kind },
            { label: t("messages.col_channel"), cell: (m) => t(`messages.channel_${m.channel}`) },
            { label: t("messages.col_to"), cell: (m) => m.recipient },
            { label: t("messages.col_status"), cell: (m) => statusName(m.status) },
            { label: t("messages.col_attempts"), cell: (m) => String(m.attempts) },
            { label: t("messages.col_error"), cell: (m) => m.error || "" },
          ],
          report.messages,
        )
      : el("p", { class: "govgr-body", "data-i18n": "messages.none" }),
  );
}

async function load() {
  const status = $("messages-status").value;
  last = await api(`/api/admin/messages${status ? `?status=${encodeURIComponent(status)}` : ""}`);
  render(last);
}

/** Fill the delivery tab and wire its form; `makeTable(columns, rows)` builds the tables,
 * `onError` shows what a load throws. */
export async function mountMessages({ table: makeTable, onError }) {
  table = makeTable;
  replaceChildren(
    $("messages-status"),
    [el("option", { value: "", "data-i18n": "messages.all" }),
      ...STATUSES.map((s) => el("option", { value: s, "data-i18n": `messages.status_${s}` }))],
  );
  $("messages-form").addEventListener("submit", (event) => {
    event.preventDefault();
    load().catch(onError);
  });
  onLangChange(() => { if (last) render(last); });
  await load();
}
