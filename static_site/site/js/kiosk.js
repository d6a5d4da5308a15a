// The entrance kiosk (/kiosk/<building>?entrance=<id>): a pass read by the camera (the browser's
// BarcodeDetector, where there is one) or typed checks in; the next scan checks out. The same
// code read again within a few seconds is ignored (a camera sees a QR many times). A scan refused
// for too many at once (429) is tried again after the time the API names, and the kiosk says so.
import { api, withRetry } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { clearError, el, formatTime, mountLayout, replaceChildren, retryNotice, showError } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const buildingId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const params = new URLSearchParams(location.search);
const REPEAT_MS = 5000;
const CLEAR_MS = 8000;
let building = null;
let lastCode = "";
let lastAt = 0;
let clearTimer = null;
let busy = false;
const waiting = retryNotice($("retry-status"));

await mountLayout({ audience: "citizen", active: null });

const name = (item) => (lang() === "en" ? item.name_en : item.name_el);

function renderBuilding() {
  if (!building) return;
  $("building-name").textContent = `${t("visits.kiosk_title")} — ${name(building)}`;
  const chosen = $("entrance").value || params.get("entrance") || "";
  replaceChildren(
    $("entrance"),
    building.entrances.map((e) => el("option", { value: e.entrance_id }, name(e))),
  );
  if (chosen) $("entrance").value = chosen;
  $("entrance-field").hidden = building.entrances.length < 2 && !params.get("entrance");
}

function showResult(result) {
  const box = $("result");
  const out = result.action === "checked_out";
  let text;
  if (result.repeated) text = t("visits.already_in");
  else if (out) text = t("visits.checked_out", { time: formatTime(result.visit.check_out) });
  else text = t("visits.checked_in", { time: formatTime(result.visit.check_in) });
  box.textContent = text;
  box.className = out ? "v-result v-out" : "v-result";
  box.dataset.action = result.action;
  box.hidden = false;
  clearTimeout(clearTimer);
  clearTimer = setTimeout(() => {
    box.hidden = true;
  }, CLEAR_MS);
}

async function submit(raw, camera = false) {
  const code = (raw || "").trim();
  if (!code || busy) return;
  const now = Date.now();
  if (camera && code === lastCode && now - lastAt < REPEAT_MS) return;
  lastCode = code;
  lastAt = now;
  busy = true;
  clearError($("error"));
  try {
    const body = { code };
    if ($("entrance").value) body.entrance_id = $("entrance").value;
    const url = `/api/visits/buildings/${encodeURIComponent(buildingId)}/scans`;
    showResult(await withRetry(() => api(url, { method: "POST", body }), { onWait: waiting }));
    $("code").value = "";
  } catch (err) {
    $("result").hidden = true;
    showError($("error"), err);
  } finally {
    waiting.done();
    busy = false;
    $("code").focus();
  }
}

let stream = null;
async function toggleCamera() {
  const video = $("scan-video");
  if (stream) {
    stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    $("scan").textContent = t("visits.scan");
    return;
  }
  try {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } });
    video.srcObject = stream;
    video.hidden = false;
    $("scan").textContent = t("visits.scan_stop");
    await video.play();
    const tick = async () => {
      if (!stream) return;
      const codes = await detector.detect(video).catch(() => []);
      if (codes.length) await submit(codes[0].rawValue, true);
      setTimeout(tick, 250); // keep scanning: a kiosk serves one visitor after another
    };
    tick();
  } catch (err) {
    stream = null;
    video.hidden = true;
    showError($("error"), err);
  }
}

try {
  building = await api(`/api/visits/buildings/${encodeURIComponent(buildingId)}`);
  $("kiosk").hidden = false;
  renderBuilding();
} catch (err) {
  showError($("error"), err);
}
$("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submit($("code").value);
});
if ("BarcodeDetector" in window && navigator.mediaDevices) {
  $("scan").hidden = false;
  $("scan").addEventListener("click", toggleCamera);
}
onLangChange(renderBuilding);
