// The frame of every page: the gov.gr header, skip link, navigation, language switch,
// sign-in / sign-out and the footer; plus small helpers every page reuses.
//
//   import { mountLayout, requireStaff, el, formatDateTime, showError } from "/shared/layout.js";
//   const me = await mountLayout({ audience: "citizen", active: "appointments" }); // user or null
//   const staff = await requireStaff();          // staff pages: sends to /admin/login.html if signed out
//   main.append(el("p", { class: "govgr-body" }, t("x.y"), " ", el("strong", {}, data.name)));
//
// Pages render into <div id="app-header"></div> and <footer id="app-footer"></footer>.

import { api, ApiError } from "./api.js";
import { applyTranslations, lang, langChosen, onLangChange, setLang, t } from "./i18n.js";

export const NAV = {
  citizen: [
    { key: "home", href: "/", label: "common.nav_home" },
    { key: "appointments", href: "/appointments.html", label: "common.nav_appointments" },
    { key: "requests", href: "/requests.html", label: "common.nav_requests" },
    { key: "queue", href: "/queue.html", label: "common.nav_queue" },
    { key: "visits", href: "/visits.html", label: "common.nav_visits" },
    { key: "profile", href: "/profile.html", label: "common.nav_profile" },
  ],
  staff: [
    { key: "dashboard", href: "/admin/", label: "common.nav_dashboard" },
    { key: "appointments", href: "/admin/appointments.html", label: "common.nav_appointments" },
    { key: "requests", href: "/admin/requests.html", label: "common.nav_requests" },
    { key: "queue", href: "/admin/queue.html", label: "common.nav_queue" },
    { key: "visits", href: "/admin/visits.html", label: "common.nav_staff_visits" },
    { key: "backoffice", href: "/admin/backoffice.html", label: "common.nav_backoffice" },
    { key: "catalogue", href: "/admin/catalogue.html", label: "catalogue.nav", roles: ["manager"] },
  ],
};

/** The navigation items `user` may use: an item with `roles` only for those roles (admins: all). */
export function navItems(audience, user) {
  const roles = (user && user.roles) || [];
  return NAV[audience].filter((item) => !item.roles || roles.includes("admin") || item.roles.some((r) => roles.includes(r)));
}

const ROLE_KEYS = {
  admin: "auth.role_admin",
  manager: "auth.role_manager",
  clerk: "auth.role_clerk",
  health_officer: "auth.role_health_officer",
};

// -- DOM helpers ---------------------------------------------------------------------------------

/** `el(tag, attrs, ...children)`: build an element without innerHTML, so data is never parsed
 * as markup. attrs: `class`, any attribute (true -> present, false/null/undefined -> absent),
 * `on<event>` functions become listeners, `dataset` an object; children: strings (as text),
 * nodes, arrays, null/false (skipped). `data-i18n` / `data-i18n-attr` are translated at once. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  let deferredValue = null;
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class" || name === "className") {
      node.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "value" && "value" in node) {
      deferredValue = String(value); // after the children, so a <select> has its options
    } else if (name === "checked" && "checked" in node) {
      node.checked = Boolean(value);
      if (value) node.setAttribute("checked", "");
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  if (deferredValue !== null) {
    if (tag.toLowerCase() !== "select") node.setAttribute("value", deferredValue);
    node.value = deferredValue;
  }
  if (node.hasAttribute("data-i18n") || node.hasAttribute("data-i18n-attr")) applyTranslations(node);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Empty `node` and put `children` in it. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

function toDate(value) {
  if (value === null || value === undefined || value === "") return null;
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function locale() {
  return lang() === "el" ? "el-GR" : "en-GB";
}

/** A date and time (ISO string, Date, or epoch seconds/ms) in Europe/Athens, in the page language. */
export function formatDateTime(value, options = { dateStyle: "medium", timeStyle: "short" }) {
  const date = toDate(value);
  if (!date) return "";
  return new Intl.DateTimeFormat(locale(), { timeZone: "Europe/Athens", ...options }).format(date);
}

/** The date only, in Europe/Athens. */
export function formatDate(value) {
  return formatDateTime(value, { dateStyle: "medium" });
}

/** The time only (HH:MM), in Europe/Athens. */
export function formatTime(value) {
  return formatDateTime(value, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

/** The message to show for an error: a translation "errors.<code>" when the table has one,
 * else the API's own message. */
export function errorMessage(err) {
  if (err instanceof ApiError) {
    const key = `errors.${err.code}`;
    const wait = err.retryAfter ?? (err.details && err.details.retry_after) ?? 60;
    const text = t(key, { minutes: Math.max(1, Math.ceil(wait / 60)) });
    if (text !== key) return text;
    if (err.status === 0) return t("common.error_network");
    return err.message || t("common.error_generic");
  }
  return (err && err.message) || t("common.error_generic");
}

/** Show `err` (an ApiError or any Error or a string) in `container` as a gov.gr error summary,
 * announced to screen readers and focused. */
export function showError(container, err) {
  const text = typeof err === "string" ? err : errorMessage(err);
  const box = el(
    "div",
    { class: "govgr-error-summary", role: "alert", tabindex: "-1", "aria-labelledby": "error-summary-title" },
    el("h2", { class: "govgr-heading-s", id: "error-summary-title", "data-i18n": "common.error_title" }),
    el("p", { class: "govgr-body", "data-testid": "error-message" }, text),
  );
  replaceChildren(container, box);
  container.hidden = false;
  box.focus();
  return box;
}

/** What a page shows while `withRetry` (api.js) waits to try again after a 429: pass the returned
 * function as `onWait`; `element` is a live region of the page (role="status", always in the page
 * so that what it says is announced), emptied by the returned function's `done()`. The seconds
 * count down in the text.
 *
 *   const waiting = retryNotice($("retry-status"));
 *   try { await withRetry(() => api(...), { onWait: waiting }); } finally { waiting.done(); } */
export function retryNotice(element) {
  let timer = null;
  const stop = () => {
    clearInterval(timer);
    timer = null;
  };
  const onWait = ({ seconds }) => {
    stop();
    let left = Math.ceil(seconds);
    const say = () => {
      element.textContent = t("common.retrying", { seconds: left });
    };
    say();
    timer = setInterval(() => {
      left -= 1;
      if (left <= 0) stop();
      else say();
    }, 1000);
  };
  onWait.done = () => {
    stop();
    element.textContent = "";
  };
  return onWait;
}

/** Remove what showError put in `container`. */
export function clearError(container) {
  container.replaceChildren();
  container.hidden = true;
}

/** Mark a form field invalid with `message` next to it (gov.gr field error); the input gets
 * aria-invalid and aria-describedby, and the first field in error of its form gets the focus (so
 * the message is read out and the field is ready to correct). `input` is the element or its id. */
export function showFieldError(input, message) {
  const field = typeof input === "string" ? document.getElementById(input) : input;
  if (!field) return;
  const id = `${field.id}-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = el("p", { class: "govgr-error-message", id });
    field.insertAdjacentElement("beforebegin", note);
  }
  replaceChildren(note, el("span", { class: "visually-hidden", "data-i18n": "common.error_prefix" }), " ", message);
  field.setAttribute("aria-invalid", "true");
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(id)) field.setAttribute("aria-describedby", [...described, id].join(" "));
  const wrapper = field.closest(".govgr-field");
  if (wrapper) wrapper.classList.add("govgr-field__error");
  field.classList.add("govgr-error-input");
  const form = field.form || field.closest("form");
  const first = (form && form.querySelector('[aria-invalid="true"]')) || field;
  if (document.activeElement !== first) first.focus();
}

/** Remove every field error inside `form`. */
export function clearFieldErrors(form) {
  for (const note of form.querySelectorAll(".govgr-error-message")) {
    const field = form.querySelector(`[aria-describedby~="${note.id}"]`);
    if (field) {
      field.removeAttribute("aria-invalid");
      field.classList.remove("govgr-error-input");
      const rest = field
        .getAttribute("aria-describedby")
        .split(" ")
        .filter((x) => x && x !== note.id);
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    note.remove();
  }
  for (const wrapper of form.querySelectorAll(".govgr-field__error")) wrapper.classList.remove("govgr-field__error");
}

/** First thing in a submit handler: mark every empty `required` field of `form` (an unticked
 * required checkbox too) as a field error and return false; true when none is missing. Fields
 * inside something hidden are skipped. */
export function checkRequired(form) {
  clearFieldErrors(form);
  const missing = [...form.querySelectorAll("[required]")].filter(
    (field) => !field.disabled && !field.closest("[hidden]") && (field.type === "checkbox" ? !field.checked : !field.value.trim()),
  );
  for (const field of missing) showFieldError(field, t("common.field_required"));
  return missing.length === 0;
}

// -- who is signed in ------------------------------------------------------------------------------

const cache = {};

async function fetchUser(audience) {
  try {
    return await api(audience === "staff" ? "/api/staff/me" : "/api/me");
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return null;
    throw err;
  }
}

/** The signed-in citizen (GET /api/me) or null; asked once per page. */
export function currentCitizen() {
  cache.citizen = cache.citizen || fetchUser("citizen");
  return cache.citizen;
}

/** The signed-in staff member (GET /api/staff/me) or null; asked once per page. */
export function currentStaff() {
  cache.staff = cache.staff || fetchUser("staff");
  return cache.staff;
}

function herePath() {
  return location.pathname + location.search + location.hash;
}

/** The staff login page that returns to `next` (default: this page). */
export function staffLoginUrl(next = herePath()) {
  return `/admin/login.html?next=${encodeURIComponent(next)}`;
}

/** The Taxisnet sign-in address that returns to `next` (default: this page). */
export function citizenLoginUrl(next = herePath()) {
  return `/api/auth/taxisnet/login?next=${encodeURIComponent(next)}`;
}

/** Staff pages: the signed-in staff member. Signed out -> off to the login page (resolves null).
 * With `roles`, someone holding none of them (admins hold all) sees a "not allowed" notice in
 * <main> and gets null. */
export async function requireStaff(roles = []) {
  const staff = await currentStaff();
  if (!staff) {
    location.assign(staffLoginUrl());
    return null;
  }
  const wanted = Array.isArray(roles) ? roles : [roles];
  if (wanted.length && !staff.roles.includes("admin") && !wanted.some((r) => staff.roles.includes(r))) {
    const main = document.getElementById("main");
    if (main) {
      replaceChildren(
        main,
        el("h1", { class: "govgr-heading-l", "data-i18n": "auth.forbidden_title" }),
        el("p", { class: "govgr-body", "data-i18n": "auth.forbidden_text" }),
      );
    }
    return null;
  }
  return staff;
}

/** Citizen pages that need a signed-in citizen: the profile (as GET /api/me gives it), or, when
 * signed out, a sign-in notice with the Taxisnet button in <main> (returning here) and null. */
export async function requireCitizen() {
  const citizen = await currentCitizen();
  if (citizen) return citizen;
  const main = document.getElementById("main");
  if (main) {
    const heading = main.querySelector("h1");
    replaceChildren(
      main,
      heading,
      el("p", { class: "govgr-body", "data-i18n": "common.home_signin_text" }),
      el("a", { class: "govgr-btn govgr-btn-primary", href: citizenLoginUrl(), "data-i18n": "auth.sign_in_taxisnet" }),
    );
  }
  return null;
}

/** A staff member's roles in words, e.g. "Υπάλληλος". */
export function roleNames(staff) {
  return (staff.roles || []).map((r) => (ROLE_KEYS[r] ? t(ROLE_KEYS[r]) : r)).join(", ");
}

// -- the header and footer -------------------------------------------------------------------------

function displayName(audience, user) {
  if (audience === "staff") return user.name || user.username;
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

/** Sign out here; a citizen then goes through Taxisnet's own sign-out (GSIS logout), so the next
 * person at the same computer is not signed in to Taxisnet either. It comes back to the home page. */
async function signOut(audience) {
  try {
    await api(audience === "staff" ? "/api/staff/logout" : "/api/auth/logout", { method: "POST" });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  location.assign(audience === "staff" ? staffLoginUrl("/admin/") : "/api/auth/taxisnet/logout");
}

function languageSwitch(audience, user) {
  const other = lang() === "el" ? "en" : "el";
  // The button names the other language in that language ("English" / "Ελληνικά").
  return el(
    "button",
    {
      type: "button",
      class: "govgr-btn govgr-btn-secondary dimotis-lang-switch",
      lang: other,
      "data-testid": "lang-switch",
      onclick: async () => {
        setLang(other);
        if (audience === "citizen" && user) {
          try {
            await api("/api/me", { method: "PUT", body: { language: other } });
          } catch {
            // the choice is kept on this browser anyway
          }
        }
      },
    },
    other === "en" ? "English" : "Ελληνικά",
  );
}

function accountArea(audience, user) {
  if (!user) {
    const href = audience === "staff" ? staffLoginUrl() : citizenLoginUrl();
    return el(
      "a",
      { class: "govgr-btn govgr-btn-primary dimotis-signin", href, "data-testid": "sign-in" },
      el("span", { "data-i18n": audience === "staff" ? "auth.staff_sign_in" : "auth.sign_in_taxisnet" }),
    );
  }
  const who = [el("span", { class: "dimotis-user-name", "data-testid": "user-name" }, displayName(audience, user))];
  if (audience === "staff") {
    who.push(" ", el("span", { class: "dimotis-user-role", "data-testid": "user-role" }, `(${roleNames(user)})`));
  }
  return [
    el("span", { class: "dimotis-user" }, el("span", { class: "visually-hidden", "data-i18n": "auth.signed_in_as" }), " ", who),
    audience === "staff"
      ? el("a", { class: "govgr-link dimotis-account-link", href: "/admin/account.html", "data-testid": "account-link",
          "data-i18n": "auth.account_link" })
      : null,
    el(
      "button",
      {
        type: "button",
        class: "govgr-btn govgr-btn-secondary dimotis-signout",
        "data-testid": "sign-out",
        onclick: () => signOut(audience),
      },
      el("span", { "data-i18n": "auth.sign_out" }),
    ),
  ];
}

function navigation(audience, active, user) {
  return el(
    "nav",
    { class: "govgr-nav dimotis-nav", "data-i18n-attr": "aria-label:common.nav_label" },
    el(
      "ul",
      { class: "govgr-nav__list dimotis-nav__list" },
      navItems(audience, user).map((item) =>
        el(
          "li",
          { class: "govgr-nav__list-item" },
          el(
            "a",
            {
              class: ["govgr-nav__list-item-link", item.key === active && "govgr-nav__list-item-link--active"],
              href: item.href,
              "aria-current": item.key === active ? "page" : false,
              "data-nav": item.key,
              "data-i18n": item.label,
            },
          ),
        ),
      ),
    ),
  );
}

function renderHeader(audience, active, user) {
  const home = audience === "staff" ? "/admin/" : "/";
  return [
    el("a", { class: "govgr--skip-link", href: "#main", "data-i18n": "common.skip_to_content" }),
    el(
      "header",
      { class: "govgr-header dimotis-header", role: "banner" },
      el(
        "div",
        { class: "govgr-header__container dimotis-header__container" },
        el(
          "div",
          { class: "govgr-header__content" },
          el(
            "a",
            { class: "govgr-header-title dimotis-title", href: home },
            el("span", { "data-i18n": "common.site_name" }),
            audience === "staff" ? el("span", { class: "dimotis-title__sub", "data-i18n": "common.staff_site" }) : null,
          ),
        ),
        el("div", { class: "govgr-header__content dimotis-account" }, languageSwitch(audience, user), accountArea(audience, user)),
      ),
    ),
    audience === "staff" && !user ? null : navigation(audience, active, user),
  ];
}

function renderFooter(audience) {
  return el(
    "div",
    { class: "govgr-footer__content dimotis-footer" },
    el(
      "ul",
      { class: "govgr-footer__inline-list" },
      audience === "citizen"
        ? el(
            "li",
            { class: "govgr-footer__inline-list-item" },
            el("a", { class: "govgr-footer__link", href: "/admin/", "data-i18n": "common.footer_staff" }),
          )
        : el(
            "li",
            { class: "govgr-footer__inline-list-item" },
            el("a", { class: "govgr-footer__link", href: "/", "data-i18n": "common.footer_citizens" }),
          ),
      el(
        "li",
        { class: "govgr-footer__inline-list-item" },
        el("a", { class: "govgr-footer__link", href: "/api/openapi.json", "data-i18n": "common.footer_api" }),
      ),
    ),
    el("p", { class: "govgr-footer__licence-description", "data-i18n": "common.footer_text" }),
  );
}

/** Render the header, navigation and footer for `audience` ("citizen" | "staff") with the
 * navigation item `active` marked, translate the page, and resolve to the signed-in user
 * (citizen profile from /api/me, or staff member from /api/staff/me) or null. */
export async function mountLayout({ audience = "citizen", active = null } = {}) {
  if (!NAV[audience]) throw new Error(`unknown audience ${audience}`);
  let user = null;
  let failure = null;
  try {
    user = audience === "staff" ? await currentStaff() : await currentCitizen();
  } catch (err) {
    failure = err;
  }
  if (audience === "citizen" && user && user.language && !langChosen() && user.language !== lang()) {
    setLang(user.language);
  }
  const header = document.getElementById("app-header");
  if (header) replaceChildren(header, renderHeader(audience, active, user));
  const footer = document.getElementById("app-footer");
  if (footer) {
    footer.classList.add("govgr-footer");
    replaceChildren(footer, renderFooter(audience));
  }
  applyTranslations(document);
  if (audience === "citizen") import("./alerts.js").then((m) => m.mountAlerts()).catch(() => {}); // alerts banner
  if (audience === "citizen" && footer) import("./municipality.js").then((m) => m.mountContacts(footer)).catch(() => {});
  // The language switch names the other language: rebuild it on every switch.
  onLangChange(() => {
    if (!header) return;
    const hadFocus = header.contains(document.activeElement) && document.activeElement.dataset.testid;
    replaceChildren(header, renderHeader(audience, active, user));
    applyTranslations(header);
    if (hadFocus) header.querySelector(`[data-testid="${hadFocus}"]`)?.focus();
  });
  if (failure) {
    const main = document.getElementById("main");
    if (main) {
      const box = el("div", { class: "dimotis-layout-error" });
      main.prepend(box);
      showError(box, failure);
    }
  }
  return user;
}
