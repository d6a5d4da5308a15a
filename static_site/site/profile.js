// The citizen's profile: names from Taxisnet (read only), contact details, language and
// notification choices (PUT /api/me). Errors are shown next to the field they concern. Each
// contact says whether it is confirmed; an unconfirmed one offers to confirm it (a code by SMS, a
// link by email: /js/contact.js), since messages go only to confirmed contacts.
import { api, ApiError } from "/shared/api.js";
import { lang, onLangChange, setLang, t } from "/shared/i18n.js";
import {
  citizenLoginUrl,
  clearError,
  clearFieldErrors,
  el,
  mountLayout,
  replaceChildren,
  showError,
  showFieldError,
} from "/shared/layout.js";
import { mountVerifier } from "/js/contact.js";
import { suppressedText } from "/shared/messages.js";

const $ = (id) => document.getElementById(id);
const FIELD_INPUT = { email: "profile-email", mobile: "profile-mobile", language: "profile-language",
  notify_email: "profile-notify-email", notify_sms: "profile-notify-sms" };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^\+?[0-9]{10,15}$/;

const me = await mountLayout({ audience: "citizen", active: "profile" });
$("loading").hidden = true;

function fill(profile) {
  $("taxid").textContent = profile.taxid;
  $("first-name").textContent = profile.first_name || "";
  $("last-name").textContent = profile.last_name || "";
  $("father-name").textContent = profile.father_name || "";
  $("profile-email").value = profile.email || "";
  $("profile-mobile").value = profile.mobile || "";
  $("profile-language").value = profile.language || lang();
  $("profile-notify-email").checked = Boolean(profile.notify_email);
  $("profile-notify-sms").checked = Boolean(profile.notify_sms);
  // an address SES said not to write to again (bounce, complaint): say so, and why
  const suppressed = suppressedText((profile.suppressed || []).filter((s) => s.channel === "email"));
  $("profile-email-suppressed").textContent = suppressed;
  $("profile-email-suppressed").hidden = !suppressed;
  showContactStatus(profile);
}

/** Under each saved contact: confirmed, or not yet with a button that confirms it. */
function showContactStatus(profile) {
  for (const [channel, field] of [["email", "email"], ["sms", "mobile"]]) {
    const box = $(`profile-${field}-verify`);
    if (!profile[field]) {
      box.replaceChildren();
    } else if (profile[`${field}_verified`]) {
      replaceChildren(box, el("p", { class: "govgr-hint", id: `profile-${field}-verified`, tabindex: "-1",
        "data-testid": `profile-${field}-verified` }, "✓ ", t("contact.status_verified")));
    } else {
      const verifier = el("div", {});
      const start = el("button", {
        type: "button",
        class: "govgr-btn govgr-btn-secondary",
        "data-testid": `profile-${field}-verify-now`,
        onclick: () => {
          start.remove();
          mountVerifier(verifier, {
            channel,
            address: profile[field],
            id: `profile-${channel}-confirm`,
            fixed: true,
            onVerified: (fresh) => {
              $(FIELD_INPUT[field]).value = fresh[field] || "";
              $(FIELD_INPUT[`notify_${channel}`]).checked = Boolean(fresh[`notify_${channel}`]);
              showContactStatus(fresh);
              $(`profile-${field}-verified`).focus();
            },
          });
        },
      }, t("contact.verify_now"));
      replaceChildren(box, el("p", { class: "govgr-hint", "data-testid": `profile-${field}-unverified` },
        t("contact.status_unverified")), start, verifier);
    }
  }
}

/** The form as a PUT /api/me body, plus the problems found before asking the server. */
function read() {
  const email = $("profile-email").value.trim();
  const mobile = $("profile-mobile").value.replace(/[\s\-().]/g, "");
  const body = {
    email: email || null,
    mobile: mobile || null,
    language: $("profile-language").value,
    notify_email: $("profile-notify-email").checked,
    notify_sms: $("profile-notify-sms").checked,
  };
  const problems = [];
  if (email && !EMAIL.test(email)) problems.push(["email", t("auth.profile_invalid_email")]);
  if (mobile && !MOBILE.test(mobile)) problems.push(["mobile", t("auth.profile_invalid_mobile")]);
  if (body.notify_email && !email && !problems.some(([f]) => f === "email")) {
    problems.push(["email", t("auth.profile_needs_email")]);
  }
  if (body.notify_sms && !mobile && !problems.some(([f]) => f === "mobile")) {
    problems.push(["mobile", t("auth.profile_needs_mobile")]);
  }
  return { body, problems };
}

function serverFieldMessage(err) {
  const field = err.details && err.details.field;
  if (field === "email") return ["email", t("auth.profile_invalid_email")];
  if (field === "mobile") {
    return ["mobile", t(err.code === "mobile_not_allowed" ? "errors.mobile_not_allowed" : "auth.profile_invalid_mobile")];
  }
  if (field && FIELD_INPUT[field]) return [field, err.message];
  return null;
}

async function save(event) {
  event.preventDefault();
  const form = $("profile-form");
  clearFieldErrors(form);
  clearError($("form-error"));
  $("saved").hidden = true;
  const { body, problems } = read();
  if (problems.length) {
    for (const [field, message] of problems) showFieldError(FIELD_INPUT[field], message);
    $(FIELD_INPUT[problems[0][0]]).focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const saved = await api("/api/me", { method: "PUT", body });
    fill(saved);
    if (saved.language && saved.language !== lang()) setLang(saved.language);
    $("saved").hidden = false;
  } catch (err) {
    const onField = err instanceof ApiError && [400, 409].includes(err.status) ? serverFieldMessage(err) : null;
    if (onField) {
      showFieldError(FIELD_INPUT[onField[0]], onField[1]);
      $(FIELD_INPUT[onField[0]]).focus();
    } else if (err instanceof ApiError && err.status === 401) {
      location.assign(citizenLoginUrl());
    } else {
      showError($("form-error"), err);
    }
  } finally {
    button.disabled = false;
  }
}

if (!me) {
  $("signed-out-link").href = citizenLoginUrl("/profile.html");
  $("signed-out").hidden = false;
} else {
  fill(me);
  $("profile").hidden = false;
  $("profile-form").addEventListener("submit", save);
  // The header's language switch also saves the choice to the profile.
  onLangChange((l) => {
    $("profile-language").value = l;
  });
}
