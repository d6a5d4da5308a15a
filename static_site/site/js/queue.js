// The kiosk of a service point (/queue.html?point=<id>): take a walk-in ticket (optional mobile
// for SMS), or check in for an appointment with its reference, typed, read by a handheld QR
// scanner (which types it and presses Enter) or by the camera (BarcodeDetector, where the browser
// has it). The ticket number is shown large, with a link to the ticket page. A call refused for
// too many at once (429) is tried again after the time the API names, and the page says so.
import { api, withRetry } from "/shared/api.js";
import { onLangChange, t } from "/shared/i18n.js";
import {
  clearError, clearFieldErrors, el, mountLayout, replaceChildren, retryNotice, showError, showFieldError,
} from "/shared/layout.js";
import { notSentText } from "/shared/messages.js";

const $ = (id) => document.getElementById(id);
const MOBILE = /^\+?[0-9]{10,15}$/;
const params = new URLSearchParams(location.search);
const point = params.get("point") || "";
let info = null;
const waiting = retryNotice($("retry-status"));

/** A kiosk call: a 429 is tried again after its Retry-After, the page saying so meanwhile. */
async function send(path, body) {
  try {
    return await withRetry(() => api(path, { method: "POST", body }), { onWait: waiting });
  } finally {
    waiting.done();
  }
}

await mountLayout({ audience: "citizen", active: "queue" });

function renderQueues() {
  if (!info) return;
  const english = document.documentElement.lang === "en";
  $("point-name").textContent = english ? info.name_en : info.name_el;
  replaceChildren(
    $("queues"),
    // only the queues that take walk-ins (an appointments-only queue is reached by checking in)
    info.queues.filter((queue) => !queue.kinds || queue.kinds.includes("walk_in")).map((queue) =>
      el(
        "button",
        { type: "button", class: "govgr-btn govgr-btn-primary", "data-queue": queue.queue_id,
          onclick: () => takeTicket(queue.queue_id) },
        t("queue.take_ticket", { name: `${queue.prefix} · ${english ? queue.name_en : queue.name_el}` }),
      ),
    ),
  );
}

function showTicket(ticket, note) {
  $("forms").hidden = true;
  $("result").hidden = false;
  $("result-code").textContent = ticket.code;
  // the ticket is issued even when its SMS will not go: say why (foreign number, daily limit...)
  $("result-note").textContent = [note, notSentText(ticket.not_sent)].filter(Boolean).join(" ");
  $("result-link").href = `/ticket/${encodeURIComponent(ticket.ticket_id)}`;
  $("result").focus?.();
}

function reset() {
  $("result").hidden = true;
  $("forms").hidden = false;
  $("mobile").value = "";
  $("reference").value = "";
  clearError($("error"));
}

async function takeTicket(queueId) {
  clearError($("error"));
  clearFieldErrors(document.body);
  const mobile = $("mobile").value.replace(/[\s\-().]/g, "");
  if (mobile && !MOBILE.test(mobile)) {
    showFieldError($("mobile"), t("queue.mobile_invalid"));
    return;
  }
  try {
    const body = { queue_id: queueId };
    if (mobile) body.mobile = mobile;
    body.language = document.documentElement.lang === "en" ? "en" : "el";
    showTicket(await send(`/api/queue/points/${encodeURIComponent(point)}/tickets`, body));
  } catch (err) {
    showError($("error"), err);
  }
}

async function checkIn(reference) {
  clearError($("error"));
  clearFieldErrors(document.body);
  if (!reference.trim()) {
    showFieldError($("reference"), t("queue.reference_invalid"));
    return;
  }
  const body = { reference: reference.trim(), language: document.documentElement.lang === "en" ? "en" : "el" };
  const mobile = $("mobile").value.replace(/[\s\-().]/g, "");
  if (mobile && MOBILE.test(mobile)) body.mobile = mobile;
  try {
    const ticket = await send(`/api/queue/points/${encodeURIComponent(point)}/check-in`, body);
    showTicket(ticket, ticket.already_checked_in ? t("queue.already_checked_in") : "");
  } catch (err) {
    showError($("error"), err);
  }
}

async function scanWithCamera() {
  const video = $("scan-video");
  if (!video.hidden) {
    video.srcObject?.getTracks().forEach((track) => track.stop());
    video.hidden = true;
    $("scan").textContent = t("queue.scan");
    return;
  }
  try {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    $("scan").textContent = t("queue.scan_stop");
    await video.play();
    const tick = async () => {
      if (video.hidden) return;
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) {
        stream.getTracks().forEach((track) => track.stop());
        video.hidden = true;
        $("scan").textContent = t("queue.scan");
        $("reference").value = codes[0].rawValue;
        await checkIn(codes[0].rawValue);
      } else {
        requestAnimationFrame(tick);
      }
    };
    requestAnimationFrame(tick);
  } catch (err) {
    showError($("error"), err);
  }
}

if (!point) {
  $("point-form").hidden = false;
  $("point-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("point-input").value.trim();
    if (value) location.assign(`/queue.html?point=${encodeURIComponent(value)}`);
  });
} else {
  try {
    info = await api(`/api/queue/points/${encodeURIComponent(point)}`);
    $("kiosk").hidden = false;
    renderQueues();
  } catch (err) {
    showError($("error"), err);
  }
  $("check-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkIn($("reference").value);
  });
  $("print").addEventListener("click", () => window.print());
  $("again").addEventListener("click", reset);
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    $("scan").hidden = false;
    $("scan").addEventListener("click", scanWithCamera);
  }
  onLangChange(renderQueues);
}
