// Staff dashboard: who is signed in (role, department) and the sections of the staff site.
import { onLangChange, t } from "/shared/i18n.js";
import { el, formatDateTime, mountLayout, navItems, replaceChildren, requireStaff, roleNames } from "/shared/layout.js";

const SECTION_TEXT = {
  appointments: "auth.section_appointments",
  requests: "auth.section_requests",
  queue: "auth.section_queue",
  visits: "auth.section_visits",
  backoffice: "auth.section_backoffice",
  catalogue: "catalogue.section",
  invite: "auth.invite_section",
};

await mountLayout({ audience: "staff", active: "dashboard" });
const staff = await requireStaff();

function render() {
  document.getElementById("welcome").textContent = t("auth.dashboard_welcome", { name: staff.name || staff.username });
  document.getElementById("staff-username").textContent = staff.username;
  document.getElementById("staff-role").textContent = roleNames(staff);
  document.getElementById("staff-department").textContent = staff.department_id || t("auth.dashboard_no_department");
  document.getElementById("staff-session").textContent = formatDateTime(staff.expires_at);
  // administrators also invite colleagues (/admin/invite.html)
  const invite = { key: "invite", href: "/admin/invite.html", label: "auth.invite_link" };
  replaceChildren(
    document.getElementById("sections"),
    [...navItems("staff", staff), ...(staff.roles.includes("admin") ? [invite] : [])]
      .filter((item) => SECTION_TEXT[item.key])
      .map((item) =>
        el(
          "li",
          { class: "govgr-card govgr-card--border" },
          el("h3", { class: "govgr-card__heading govgr-heading-m" },
            el("a", { class: "govgr-link", href: item.href, "data-i18n": item.label })),
          el("p", { class: "govgr-card__body govgr-body", "data-i18n": SECTION_TEXT[item.key] }),
        ),
      ),
  );
}

if (staff) {
  document.getElementById("loading").hidden = true;
  render();
  document.getElementById("dashboard").hidden = false;
  onLangChange(render);
}
