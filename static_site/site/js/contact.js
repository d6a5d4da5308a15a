// How to be told: the "how should we tell you?" part of the booking, request and follow forms, and
// confirming a contact once (a code by SMS typed here; a link by email opened in any browser, or
// its code typed here). Messages go only to confirmed contacts (POST /api/me/contacts/...).
//
//   const choice = mountNotifyChoice(box, { profile: me, purpose: "appointment" });
//   if (!choice.check()) return;     // a ticked channel not confirmed yet: its field says so
//   body.notify = choice.channels(); // the ticked channels whose contact is confirmed ([] for none)
//   summary(profile, channels, "appointment")  // what to say on the confirmation (an element)
//
//   mountVerifier(box, { channel: "sms", address: "6912345678", id: "p-sms", onVerified(profile) {} })
import { api, ApiError } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { clearFieldErrors, el, errorMessage, replaceChildren, showFieldError } from "/shared/layout.js";

export const CHANNELS = ["email", "sms"];
const ADDRESS = { email: "email", sms: "mobile" };
const VERIFIED = { email: "email_verified", sms: "mobile_verified" };
const WANTED = { email: "notify_email", sms: "notify_sms" };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^\+?[0-9]{10,15}$/;
const POLL_MS = 3000;
const LINK_MINUTES = 60;

/** channel -> address of the profile's confirmed contacts. */
export function confirmedContacts(profile) {
  const out = {};
  for (const c of CHANNELS) if (profile && profile[VERIFIED[c]] && profile[ADDRESS[c]]) out[c] = profile[ADDRESS[c]];
  return out;
}

/** What to say after a booking, request or follow told on `channels` (null: the profile's
 * choices): how the citizen will be told, or, as a warning, plainly that no message will come. */
export function summary(profile, channels, purpose) {
  const confirmed = confirmedContacts(profile);
  const chosen = channels === null || channels === undefined
    ? CHANNELS.filter((c) => profile && profile[WANTED[c]])
    : channels;
  const reached = chosen.filter((c) => confirmed[c]);
  if (!reached.length) return noneWarning(purpose, "notify-summary");
  const parts = reached.map((c) => t(`contact.channel_${c}`, { address: confirmed[c] }));
  return el("p", { class: "govgr-body", "data-testid": "notify-summary" }, t("contact.will_tell", { channels: parts.join(" · ") }));
}

// The warning in a plain box: digigov's flex display of .govgr-warning-text beats `hidden`.
function noneWarning(purpose, testid) {
  return el("div", { "data-testid": testid },
    el("div", { class: "govgr-warning-text" },
      el("span", { class: "govgr-warning-text__icon", "aria-hidden": "true" }, "!"),
      el("strong", { class: "govgr-warning-text__text" }, t(`contact.none_${purpose}`))));
}

function normalised(channel, raw) {
  const value = raw.trim();
  return channel === "sms" ? value.replace(/[\s\-().]/g, "") : value.toLowerCase();
}

function apiMessage(err) {
  if (err instanceof ApiError && err.code === "wrong_code" && err.details && err.details.attempts_left) {
    return t("contact.wrong_code_left", { left: err.details.attempts_left });
  }
  if (err instanceof ApiError && err.code === "rate_limited") {
    const seconds = Number((err.details && err.details.retry_after) || 60);
    return t("contact.too_soon", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  return errorMessage(err);
}

/** Confirm one contact in `box`: the address, a button that sends the code (SMS) or the link and
 * code (email), then the code to type; an email link opened elsewhere is noticed by polling the
 * profile. `fixed`: the address is the one given (shown, not asked) and the code goes at once.
 * `onVerified(profile)` runs once with the profile as it is now. */
export function mountVerifier(box, { channel, address = "", id, onVerified, fixed = false }) {
  const isSms = channel === "sms";
  const input = el("input", {
    class: isSms ? "govgr-input govgr-input--width-20" : "govgr-input",
    id: `${id}-address`,
    type: isSms ? "tel" : "email",
    autocomplete: isSms ? "tel" : "email",
    inputmode: isSms ? "tel" : "email",
    spellcheck: "false",
    maxlength: isSms ? "20" : "254",
    value: address || "",
    "aria-describedby": `${id}-address-hint`,
    "data-testid": `${id}-address`,
  });
  const send = el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": `${id}-send` },
    t(isSms ? "contact.send_code" : "contact.send_link"));
  const status = el("p", { class: "govgr-body", role: "status", id: `${id}-status`, "data-testid": `${id}-status` });
  const code = el("input", {
    class: "govgr-input govgr-input--width-10",
    id: `${id}-code`,
    inputmode: "numeric",
    autocomplete: "one-time-code",
    maxlength: "6",
    "aria-describedby": `${id}-code-hint`,
    "data-testid": `${id}-code`,
  });
  const confirm = el("button", { type: "button", class: "govgr-btn govgr-btn-secondary", "data-testid": `${id}-confirm` },
    t("contact.confirm_code"));
  const codeBox = el("div", { hidden: true },
    el("div", { class: "govgr-field" },
      el("label", { class: "govgr-label", for: `${id}-code` }, t("contact.code_label")),
      el("p", { class: "govgr-hint", id: `${id}-code-hint` }, t("contact.code_hint")),
      code),
    confirm);
  replaceChildren(box,
    fixed
      ? null
      : el("div", { class: "govgr-field" },
        el("label", { class: "govgr-label", for: `${id}-address` }, t(isSms ? "contact.mobile_label" : "contact.email_label")),
        el("p", { class: "govgr-hint", id: `${id}-address-hint` },
          t("contact.unverified_note"), isSms ? [" ", t("contact.mobile_hint")] : null),
        input),
    fixed ? null : send,
    status,
    codeBox,
    fixed ? send : null);

  let pending = null; // the address a code was sent to
  let polling = null;
  let done = false;

  function clearErrors() {
    const form = box.closest("form");
    if (form) clearFieldErrors(form);
    for (const note of box.querySelectorAll(".govgr-error-message")) note.remove();
    for (const field of [input, code]) field.removeAttribute("aria-invalid");
  }

  function fail(field, message) {
    if (field.isConnected) showFieldError(field, message);
    else status.textContent = message; // a fixed address: no field to point at
  }

  function finish(profile) {
    if (done) return;
    done = true;
    if (polling) clearInterval(polling);
    onVerified(profile);
  }

  function poll(target) {
    if (polling) clearInterval(polling);
    const until = Date.now() + LINK_MINUTES * 60_000;
    polling = setInterval(async () => {
      if (!box.isConnected || Date.now() > until) {
        clearInterval(polling);
        return;
      }
      try {
        const profile = await api("/api/me");
        if (profile.email_verified && profile.email === target) finish(profile);
      } catch {
        // a missed poll is retried by the next one
      }
    }, POLL_MS);
  }

  async function sendCode() {
    clearErrors();
    const value = normalised(channel, input.value);
    if (!(isSms ? MOBILE : EMAIL).test(value)) {
      fail(input, t(isSms ? "contact.invalid_mobile" : "contact.invalid_email"));
      return;
    }
    send.disabled = true;
    status.textContent = t("contact.sending");
    try {
      const answer = await api("/api/me/contacts/verifications", { method: "POST", body: isSms ? { mobile: value } : { email: value } });
      if (!answer.sent && answer.verified) {
        finish(await api("/api/me"));
        return;
      }
      pending = answer.address;
      status.textContent = t(isSms ? "contact.sent_sms" : "contact.sent_email", { address: answer.address });
      send.textContent = t("contact.resend");
      codeBox.hidden = false;
      code.value = "";
      code.focus();
      if (!isSms) poll(answer.address);
    } catch (err) {
      status.textContent = "";
      fail(input, apiMessage(err));
    } finally {
      send.disabled = false;
    }
  }

  async function confirmCode() {
    clearErrors();
    const value = code.value.replace(/\s/g, "");
    if (!/^[0-9]{6}$/.test(value)) {
      showFieldError(code, t("contact.invalid_code"));
      return;
    }
    confirm.disabled = true;
    try {
      finish(await api("/api/me/contacts/verifications/confirm", { method: "POST", body: { channel, code: value } }));
    } catch (err) {
      showFieldError(code, apiMessage(err));
    } finally {
      confirm.disabled = false;
    }
  }

  send.addEventListener("click", sendCode);
  confirm.addEventListener("click", confirmCode);
  // Enter in these fields acts on them, never submits the form around them.
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      sendCode();
    }
  });
  code.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      confirmCode();
    }
  });
  if (fixed) sendCode();
  return {
    /** The field to point at when this contact must be confirmed first. */
    field: () => (pending || fixed ? code : input),
  };
}

/** The "how should we tell you?" fieldset in `box`, prefilled from the profile's confirmed
 * contacts and choices. `purpose`: "appointment", "request" or "follow" (the hint and the
 * sentence said when no message will come); `onProfile(profile)` runs after each confirmation. */
export function mountNotifyChoice(box, { profile, purpose, id = "notify", onProfile = () => {} }) {
  let current = { ...(profile || {}) };
  const confirmed = () => confirmedContacts(current);
  const editing = new Set(); // channels whose confirmed contact the citizen is replacing
  const verifiers = {};
  const boxes = {};
  const ticks = {};
  const none = noneWarning(purpose, `${id}-none`);
  const live = el("div", { "aria-live": "polite" }, none);

  for (const c of CHANNELS) {
    const start = Boolean(confirmed()[c]) && Boolean(current[WANTED[c]]);
    boxes[c] = el("div", {
      class: "ct-detail",
      id: `${id}-${c}-detail`,
      hidden: !start,
      style: "margin: 0 0 1rem 1.15rem; padding-left: 1.35rem; border-left: 4px solid #b1b4b6",
    });
    ticks[c] = el("input", {
      class: "govgr-checkboxes__input",
      type: "checkbox",
      id: `${id}-${c}`,
      name: `${id}-${c}`,
      checked: start,
      "aria-controls": `${id}-${c}-detail`,
      "aria-expanded": String(start),
      "data-testid": `${id}-${c}`,
      onchange: () => {
        boxes[c].hidden = !ticks[c].checked;
        ticks[c].setAttribute("aria-expanded", String(ticks[c].checked));
        render(c);
        update();
      },
    });
  }

  function render(c, focus = false) {
    const address = confirmed()[c];
    if (address && !editing.has(c)) {
      const line = el("p", { class: "govgr-body", tabindex: "-1", "data-testid": `${id}-${c}-confirmed` },
        t("contact.verified_to", { address }), " ",
        el("strong", {}, "✓ ", t("contact.verified_mark")));
      replaceChildren(boxes[c], line,
        el("button", {
          type: "button",
          class: "govgr-btn govgr-btn-secondary",
          "data-testid": `${id}-${c}-other`,
          onclick: () => { editing.add(c); render(c); boxes[c].querySelector("input").focus(); },
        }, t(`contact.use_other_${c}`)));
      if (focus) line.focus();
      return;
    }
    const typed = editing.has(c) ? "" : current[ADDRESS[c]] || "";
    verifiers[c] = mountVerifier(boxes[c], {
      channel: c,
      address: typed,
      id: `${id}-${c}`,
      onVerified: (fresh) => {
        current = { ...current, ...fresh };
        editing.delete(c);
        render(c, true);
        update();
        onProfile(current);
      },
    });
  }

  function update() {
    none.hidden = channels().length > 0;
  }

  /** The ticked channels whose contact is confirmed: what the form sends as `notify`. */
  function channels() {
    return CHANNELS.filter((c) => ticks[c].checked && confirmed()[c] && !editing.has(c));
  }

  /** False (and the field says why) when a ticked channel is not confirmed yet. */
  function check() {
    for (const c of CHANNELS) {
      if (ticks[c].checked && !(confirmed()[c] && !editing.has(c))) {
        showFieldError(verifiers[c].field(), t("contact.confirm_first"));
        return false;
      }
    }
    return true;
  }

  replaceChildren(box,
    el("fieldset", { class: "govgr-fieldset", id, "aria-describedby": `${id}-hint` },
      el("legend", { class: "govgr-fieldset__legend govgr-heading-s" }, t("contact.legend")),
      el("p", { class: "govgr-hint", id: `${id}-hint` }, t(`contact.hint_${purpose}`)),
      el("div", { class: "govgr-checkboxes" },
        CHANNELS.map((c) => [
          el("div", { class: "govgr-checkboxes__item" },
            el("label", { class: "govgr-label govgr-checkboxes__label", for: `${id}-${c}` },
              ticks[c], " ", t(c === "email" ? "contact.by_email" : "contact.by_sms"))),
          boxes[c],
        ])),
      live));
  for (const c of CHANNELS) render(c);
  update();
  return { channels, check, profile: () => current };
}
