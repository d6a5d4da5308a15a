// The display board of a service point (/board/<service_point>), for a screen at the entrance:
// the number called at each counter, the latest calls and the next numbers of each queue, in
// large type. Polls GET /api/queue/points/<id>/board every 1.5 s (a call shows within 3 s); on a
// new call or recall it chimes (Web Audio API, no audio file), flashes the row and announces it
// to screen readers. Browsers start sound only after a gesture: the "sound" button (a kiosk
// browser can allow autoplay instead).
import { api } from "/shared/api.js";
import { applyTranslations, lang, onLangChange, t } from "/shared/i18n.js";
import { el, errorMessage, formatTime, replaceChildren } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1500;
const point = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
let seen = null; // counter label -> call_seq
let audio = null;
let last = null;
let fresh = new Set();

function startAudio() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null;
  }
  const on = audio && audio.state !== "suspended";
  $("sound").textContent = t(on ? "queue.board_sound_on" : "queue.board_sound");
  $("sound").setAttribute("aria-pressed", on ? "true" : "false");
}

/** Two short tones (ding-dong), made with an oscillator: no audio file needed. */
function chime() {
  if (!audio || audio.state !== "running") return;
  const now = audio.currentTime;
  [[880, 0], [660, 0.35]].forEach(([freq, at]) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + at);
    gain.gain.exponentialRampToValueAtTime(0.4, now + at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + at);
    osc.stop(now + at + 0.65);
  });
  window.dimotisChimes = (window.dimotisChimes || 0) + 1; // visible to tests
}

function row(code, counter, extra = {}) {
  return el("tr", extra, el("td", { "data-code": code }, code), el("td", { class: "b-counter" }, counter));
}

function render(board) {
  last = board;
  $("title").textContent = `${t("queue.board_title")} — ${lang() === "en" ? board.name_en : board.name_el}`;
  replaceChildren(
    $("calls").tBodies[0],
    board.calls.map((c) => row(c.code, c.counter, { class: fresh.has(c.counter) ? "b-fresh" : null })),
  );
  $("no-calls").hidden = board.calls.length > 0;
  replaceChildren(
    $("recent").tBodies[0],
    board.recent.map((c) => row(c.code, c.counter || "", { title: c.called_at ? formatTime(c.called_at) : null })),
  );
  replaceChildren(
    $("next"),
    board.queues.map((q) =>
      el(
        "p",
        { class: "b-next" },
        el("strong", {}, `${q.prefix} · ${lang() === "en" ? q.name_en : q.name_el}: `),
        q.next.map((code) => el("span", {}, code)),
        el("small", {}, t("queue.board_waiting", { count: q.waiting })),
      ),
    ),
  );
}

async function poll() {
  try {
    const board = await api(`/api/queue/points/${encodeURIComponent(point)}/board`);
    $("error").hidden = true;
    const now = Object.fromEntries(board.calls.map((c) => [c.counter, c.call_seq]));
    const changed = seen === null ? [] : board.calls.filter((c) => (seen[c.counter] || 0) < c.call_seq);
    seen = now;
    fresh = new Set(changed.map((c) => c.counter));
    render(board);
    if (changed.length) {
      chime();
      $("announce").textContent = changed
        .map((c) => t("queue.board_call_announce", { code: c.code, counter: c.counter }))
        .join(". ");
    }
  } catch (err) {
    $("error").hidden = false;
    $("error").textContent = errorMessage(err);
  }
  setTimeout(poll, POLL_MS);
}

function tick() {
  $("clock").textContent = formatTime(new Date());
}

applyTranslations(document);
$("sound").addEventListener("click", startAudio);
startAudio();
onLangChange(() => last && render(last));
tick();
setInterval(tick, 10_000);
poll();
