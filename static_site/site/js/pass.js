// The pass page (/pass/<id>): the QR (it holds only the pass id), the typed code, downloads and
// deleting the registration (effective at once). No contact detail is ever shown.
import { api } from "/shared/api.js";
import { onLangChange, t } from "/shared/i18n.js";
import { formatDate, mountLayout, showError } from "/shared/layout.js";
import { notSentFromParam, notSentText } from "/shared/messages.js";

const STORE = "dimotis.visits.pass";
const $ = (id) => document.getElementById(id);
const passId = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
let pass = null;

await mountLayout({ audience: "citizen", active: "visits" });

function render() {
  if (!pass) return;
  $("pass").hidden = false;
  $("code").textContent = pass.code;
  $("expires").textContent = formatDate(pass.expires_at);
  $("qr").src = pass.qr_svg_url;
  $("qr").alt = t("visits.qr_alt", { code: pass.code });
  $("download-svg").href = pass.qr_svg_url;
  $("download-svg").setAttribute("download", `pass-${pass.code}.svg`);
  $("download-png").href = pass.qr_png_url;
  $("download-png").setAttribute("download", `pass-${pass.code}.png`);
  const query = new URLSearchParams(location.search);
  const sent = query.get("sent");
  const notice = [
    sent ? t("visits.sent_to", { channels: sent.replace(",", ", ") }) : "",
    notSentText(notSentFromParam(query.get("unsent"))),
  ].filter(Boolean).join(" ");
  if (notice) {
    $("notice").hidden = false;
    $("notice").textContent = notice;
  }
}

function forget() {
  try {
    if (localStorage.getItem(STORE) === passId) localStorage.removeItem(STORE);
  } catch {
    // storage disabled
  }
}

try {
  pass = await api(`/api/visits/passes/${encodeURIComponent(passId)}`);
  render();
} catch (err) {
  if (err.status === 404) forget();
  showError($("error"), err);
}
onLangChange(render);

$("print").addEventListener("click", () => window.print());
$("delete").addEventListener("click", async () => {
  if (!window.confirm(t("visits.delete_confirm"))) return;
  try {
    await api(`/api/visits/passes/${encodeURIComponent(passId)}`, { method: "DELETE" });
    forget();
    pass = null;
    $("pass").hidden = true;
    $("notice").hidden = false;
    $("notice").textContent = t("visits.deleted");
    $("notice").dataset.testid = "deleted";
  } catch (err) {
    showError($("error"), err);
  }
});
