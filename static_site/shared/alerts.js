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

/** The alert topics a citizen subscribes to, as checkboxes saved at once with PUT /api/me.
 * For the profile page: `await mountTopicChoices(document.getElementById("topics"), me)` where
 * `me` is GET /api/me. Resolves to the fieldset. */
export async function mountTopicChoices(container, profile) {
  const { topics } = await api("/api/alerts/topics");
  const chosen = new Set((profile && profile.topics) || []);
  const fieldset = document.createElement("fieldset");
  fieldset.className = "govgr-fieldset";
  const legend = document.createElement("legend");
  legend.className = "govgr-fieldset__legend govgr-heading-s";
  legend.textContent = t("backoffice.topics_legend");
  const hint = document.createElement("p");
  hint.className = "govgr-hint";
  hint.textContent = t("backoffice.topics_hint");
  const note = document.createElement("p");
  note.className = "govgr-body";
  note.setAttribute("role", "status");
  fieldset.append(legend, hint);
  for (const topic of topics) {
    const item = document.createElement("div");
    item.className = "govgr-checkboxes__item";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.className = "govgr-checkboxes__input";
    box.id = `topic-${topic.topic}`;
    box.value = topic.topic;
    box.checked = chosen.has(topic.topic);
    const label = document.createElement("label");
    label.className = "govgr-label govgr-checkboxes__label";
    label.htmlFor = box.id;
    label.textContent = lang() === "en" ? topic.name_en : topic.name_el;
    box.addEventListener("change", async () => {
      const wanted = [...fieldset.querySelectorAll("input:checked")].map((b) => b.value);
      try {
        await api("/api/me", { method: "PUT", body: { topics: wanted } });
        note.textContent = t("backoffice.topics_saved");
      } catch (err) {
        box.checked = !box.checked;
        note.textContent = (err && err.message) || t("common.error_generic");
      }
    });
    item.append(box, label);
    fieldset.append(item);
  }
  fieldset.append(note);
  container.replaceChildren(fieldset);
  return fieldset;
}
