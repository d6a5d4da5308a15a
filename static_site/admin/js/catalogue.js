// The municipality's own catalogue (admins; managers for their department): service points,
// services, queues, request types, and (admins) the municipality's settings, one tab each.
// Every form is built by its module in /admin/js/catalogue/; this one loads what they share
// (the departments, the service points) and switches the tabs.
import { api } from "/shared/api.js";
import { onLangChange } from "/shared/i18n.js";
import { el, mountLayout, replaceChildren, requireStaff, showError } from "/shared/layout.js";
import { $, localName } from "/admin/js/catalogue/forms.js";
import { mountMunicipality } from "/admin/js/catalogue/municipality.js";
import { mountPoints } from "/admin/js/catalogue/points.js";
import { mountQueues } from "/admin/js/catalogue/queues.js";
import { mountServices } from "/admin/js/catalogue/services.js";
import { mountTypes } from "/admin/js/catalogue/types.js";

const TABS = [
  { key: "points", label: "catalogue.tab_points" },
  { key: "services", label: "catalogue.tab_services" },
  { key: "queues", label: "catalogue.tab_queues" },
  { key: "types", label: "catalogue.tab_types" },
  { key: "municipality", label: "catalogue.tab_municipality", admin: true },
];

await mountLayout({ audience: "staff", active: "catalogue" });
const staff = await requireStaff(["manager"]);

function show(key, tabs) {
  for (const tab of tabs) {
    $(`tab-${tab.key}`).hidden = tab.key !== key;
    $(`tabbtn-${tab.key}`).setAttribute("aria-selected", String(tab.key === key));
  }
  history.replaceState(null, "", `#${key}`);
}

async function start() {
  const isAdmin = staff.roles.includes("admin");
  const listeners = [];
  const serviceListeners = [];
  const ctx = {
    staff,
    isAdmin,
    departments: (await api("/api/staff/org")).departments.filter((d) => d.active),
    points: [],
    canEdit: (departmentId) => isAdmin || departmentId === staff.department_id,
    departmentName(id) {
      const found = ctx.departments.find((d) => d.department_id === id);
      return found ? localName(found) : id;
    },
    pointName(id) {
      const found = ctx.points.find((p) => p.service_point_id === id);
      return found ? localName(found) : id;
    },
    onPoints: (fn) => listeners.push(fn),
    onServices: (fn) => serviceListeners.push(fn),
    servicesChanged: () => serviceListeners.forEach((fn) => fn()),
    async reloadPoints() {
      ctx.points = (await api("/api/staff/catalogue/service-points")).service_points;
      for (const fn of listeners) fn();
    },
  };
  await ctx.reloadPoints();
  const tabs = TABS.filter((tab) => isAdmin || !tab.admin);
  replaceChildren($("tabs"), tabs.map((tab) => el("button", {
    type: "button", role: "tab", id: `tabbtn-${tab.key}`, class: "govgr-btn govgr-btn-secondary",
    "aria-controls": `tab-${tab.key}`, "data-i18n": tab.label, onclick: () => show(tab.key, tabs),
  })));
  const wanted = location.hash.slice(1);
  show(tabs.some((tab) => tab.key === wanted) ? wanted : "points", tabs);
  $("content").hidden = false;
  mountPoints(ctx);
  const parts = [mountServices(ctx), mountQueues(ctx), mountTypes(ctx)];
  if (isAdmin) parts.push(mountMunicipality());
  await Promise.all(parts.map((part) => part.load()));
  onLangChange(() => ctx.reloadPoints().then(() => Promise.all(parts.map((part) => part.load()))));
}

if (staff) {
  try {
    await start();
  } catch (err) {
    showError($("error"), err);
  }
}
