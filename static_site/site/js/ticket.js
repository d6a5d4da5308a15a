// The ticket page (/ticket/<id>, the link and QR of a queue ticket): status, position, estimated
// wait and, once called, the counter. Polls the API every few seconds; no personal data shown.
import { api } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { formatTime, mountLayout, showError } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const ticketId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const POLL_MS = 5000;
let last = null;

await mountLayout({ audience: "citizen", active: "queue" });

function render(ticket) {
  last = ticket;
  $("ticket").hidden = false;
  $("code").textContent = ticket.code;
  $("status").textContent = t(`queue.status_${ticket.status}`);
  $("queue-name").textContent = lang() === "en" ? ticket.queue.name_en : ticket.queue.name_el;
  const waiting = ticket.status === "waiting";
  for (const id of ["row-position", "row-wait", "row-counters"]) $(id).hidden = !waiting;
  if (waiting) {
    $("position").textContent = String(ticket.position);
    $("wait").textContent = t("queue.minutes", { minutes: ticket.estimated_wait_minutes });
    $("counters").textContent = String(ticket.open_counters);
  }
  const called = ticket.status === "called" || ticket.status === "serving";
  $("called").hidden = !called;
  $("called").textContent = called ? t("queue.proceed_to_counter", { counter: ticket.counter }) : "";
  $("row-slot").hidden = !ticket.slot_start;
  $("slot").textContent = ticket.slot_start ? formatTime(ticket.slot_start) : "";
  document.title = `${ticket.code} — ${t("queue.ticket_title")}`;
}

async function refresh() {
  try {
    render(await api(`/api/queue/tickets/${encodeURIComponent(ticketId)}`));
  } catch (err) {
    showError($("error"), err);
    return;
  }
  if (last && (last.status === "waiting" || last.status === "called" || last.status === "serving")) {
    setTimeout(refresh, POLL_MS);
  }
}

onLangChange(() => last && render(last));
await refresh();
