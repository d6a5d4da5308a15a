// The page an email confirmation link opens (/verify.html#<id>.<token>): one button confirms the
// address for the citizen who asked, in any browser, signed in or not (the link itself proves the
// mailbox). The token stays in the fragment, never sent to a server log or a Referer; a mail
// scanner that fetches the link confirms nothing (the button does).
import { api } from "/shared/api.js";
import { t } from "/shared/i18n.js";
import { mountLayout, showError } from "/shared/layout.js";

const $ = (id) => document.getElementById(id);
const LINK = /^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/;
const link = decodeURIComponent(location.hash.slice(1));

await mountLayout({ audience: "citizen", active: "profile" });

async function confirm() {
  const button = $("confirm-button");
  button.disabled = true;
  try {
    const answer = await api("/api/contacts/confirm-link", { method: "POST", body: { link } });
    history.replaceState(null, "", location.pathname);
    $("confirm").hidden = true;
    $("done-text").textContent = t("contact.verify_done", { address: answer.address });
    $("done").hidden = false;
    $("done").focus();
  } catch (err) {
    button.disabled = false;
    showError($("error"), err);
    $("bad").hidden = false;
    $("bad").querySelector("p").hidden = true;
  }
}

if (LINK.test(link)) {
  $("confirm").hidden = false;
  $("confirm-button").addEventListener("click", confirm);
} else {
  $("bad").hidden = false;
}
