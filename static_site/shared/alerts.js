// Alerts of the municipality in force now (heatwave, snowfall, waste collection...), as a banner.
//
//   import { mountAlerts } from "/shared/alerts.js";
//   await mountAlerts();                       // into <div id="app-alerts"></div>, else top of <main>
//   await mountAlerts(document.getElementById("somewhere"));
//
// Public: GET /api/alerts, no sign-in. Re-renders in the other language on a switch. A failure to
// load shows nothing (the page itself matters more than the banner).
import { api } from "./api.js";
import { lang, onLangChange, t } from "./i18n.js";

const CLASSES = { info: "govgr-notification-banner", warning: "govgr-warning-text", danger: "govgr-error-summary" };

function banner(alert) {
  const box = document.createElement("div");
  box.className = `dimotis-alert dimotis-alert--${alert.severity || "warning"} ${CLASSES[alert.severity] || CLASSES.warning}`;
  box.setAttribute("role", alert.severity === "danger" ? "alert" : "status");
  box.dataset.alertId = alert.alert_id;
  const title = document.createElement("strong");
  title.className = "govgr-heading-s";
  title.textContent = alert.title[lang()] || alert.title.el;
  const text = document.createElement("p");
  text.className = "govgr-body";
  text.textContent = alert.text[lang()] || alert.text.el;
  box.append(title, text);
  return box;
}

function render(container, alerts) {
  container.replaceChildren(...alerts.map(banner));
  container.hidden = !alerts.length;
}

/** Fetch the current alerts and show them in `container` (default #app-alerts, else a new box at
 * the top of <main>). Resolves to the alerts shown. */
export async function mountAlerts(container) {
  let target = container || document.getElementById("app-alerts");
  if (!target) {
    target = document.createElement("section");
    target.id = "app-alerts";
    const main = document.getElementById("main") || document.body;
    main.prepend(target);
  }
  target.setAttribute("aria-label", t("backoffice.banner_label"));
  let alerts = [];
  try {
    alerts = (await api("/api/alerts")).alerts || [];
  } catch {
    alerts = [];
  }
  render(target, alerts);
  onLangChange(() => render(target, alerts));
  return alerts;
}
