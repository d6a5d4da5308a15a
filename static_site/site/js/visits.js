// Visitor registration (/visits.html): name, mobile or email, consent -> a pass (/pass/<id>).
// The pass id is remembered on this device; the contact details are never shown back.
import { api, withRetry } from "/shared/api.js";
import { lang, onLangChange, t } from "/shared/i18n.js";
import { clearError, clearFieldErrors, mountLayout, retryNotice, showError, showFieldError } from "/shared/layout.js";
import { notSentParam } from "/shared/messages.js";

export const STORE = "dimotis.visits.pass";
const TTL_DAYS = 14;
const $ = (id) => document.getElementById(id);

await mountLayout({ audience: "citizen", active: "visits" });

function consentText() {
  $("consent-label").textContent = t("visits.consent", { days: TTL_DAYS });
}
consentText();
onLangChange(consentText);

let saved = null;
try {
  saved = localStorage.getItem(STORE);
} catch {
  saved = null;
}
if (saved) {
  $("existing").hidden = false;
  $("existing-link").href = `/pass/${encodeURIComponent(saved)}`;
}

$("register").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearError($("error"));
  clearFieldErrors(form);
  const name = $("name").value.trim();
  const mobile = $("mobile").value.replace(/[\s-]/g, "");
  const email = $("email").value.trim();
  let bad = false;
  if (!name) {
    showFieldError($("name"), t("common.field_required"));
    bad = true;
  }
  if (!mobile && !email) {
    showFieldError($("mobile"), t("errors.contact_required"));
    bad = true;
  }
  if (!$("consent").checked) {
    showFieldError($("consent"), t("errors.consent_required"));
    bad = true;
  }
  if (bad) return;
  const body = { name, consent: true, language: lang() };
  if (mobile) body.mobile = mobile;
  if (email) body.email = email;
  const send = [];
  if ($("send-email").checked && email) send.push("email");
  if ($("send-sms").checked && mobile) send.push("sms");
  if (send.length) body.send_pass = send;
  $("submit").disabled = true;
  const waiting = retryNotice($("retry-status"));
  try {
    const pass = await withRetry(() => api("/api/visits/registrations", { method: "POST", body }), { onWait: waiting });
    try {
      localStorage.setItem(STORE, pass.pass_id);
    } catch {
      // storage disabled: the pass page link still works
    }
    const query = new URLSearchParams();
    if (pass.sent && pass.sent.length) query.set("sent", pass.sent.join(","));
    if (pass.not_sent && pass.not_sent.length) query.set("unsent", notSentParam(pass.not_sent));
    const search = query.toString();
    location.assign(`/pass/${encodeURIComponent(pass.pass_id)}${search ? `?${search}` : ""}`);
  } catch (err) {
    if (err.code === "mobile_not_allowed") {
      showFieldError($("mobile"), t("errors.mobile_not_allowed"));
      $("mobile").focus();
    } else {
      showError($("error"), err);
    }
    $("submit").disabled = false;
  } finally {
    waiting.done();
  }
});
