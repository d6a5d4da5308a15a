// Translations: Greek (el) by default, English (en) second.
//
//   import { t, lang, setLang, applyTranslations, onLangChange } from "/shared/i18n.js";
//   t("common.home_welcome", { name: "Μαρία" })   // "Καλώς ήρθατε, Μαρία" ({name} placeholders)
//   <h1 data-i18n="common.home_title"></h1>   // text set by applyTranslations()
//   <input data-i18n-attr="placeholder:profile.email_hint,aria-label:profile.email">
//
// One table, made of one file per feature (shared/i18n/<feature>.js exporting
// {el: {...}, en: {...}}, keys "<feature>.<name>"). A feature fills only its own file; add a
// new file to FEATURES below with a one-line change. A missing key shows as the key itself.

import common from "./i18n/common.js";
import auth from "./i18n/auth.js";
import appointments from "./i18n/appointments.js";
import requests from "./i18n/requests.js";
import queue from "./i18n/queue.js";
import visits from "./i18n/visits.js";
import backoffice from "./i18n/backoffice.js";
import mydata from "./i18n/mydata.js";
import contact from "./i18n/contact.js";
import catalogue from "./i18n/catalogue.js";
import messages from "./i18n/messages.js";

export const FEATURES = {
  common, auth, appointments, requests, queue, visits, backoffice, mydata, contact, catalogue, messages,
};
export const LANGS = ["el", "en"];
export const DEFAULT_LANG = "el";
const STORAGE_KEY = "dimotis.lang";
const EVENT = "dimotis:langchange";

const TABLE = { el: {}, en: {} };
for (const strings of Object.values(FEATURES)) {
  for (const l of LANGS) Object.assign(TABLE[l], (strings && strings[l]) || {});
}

const warned = new Set();
let memory = null; // the choice when the browser refuses storage

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY) || memory;
  } catch {
    return memory;
  }
}

/** The current language: "el" or "en". */
export function lang() {
  const value = stored();
  return LANGS.includes(value) ? value : DEFAULT_LANG;
}

/** Whether the visitor chose a language on this browser (else the default is in use). */
export function langChosen() {
  return LANGS.includes(stored());
}

/** The string for `key` in the current language, `{name}` placeholders filled from `vars`.
 * A key missing from the table comes back as the key itself, so it is visible on the page. */
export function t(key, vars) {
  const l = lang();
  let text = TABLE[l][key];
  if (text === undefined) {
    if (!warned.has(`${l}:${key}`)) {
      warned.add(`${l}:${key}`);
      console.warn(`i18n: missing "${key}" (${l})`);
    }
    text = key;
  }
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(vars, name) && vars[name] !== null && vars[name] !== undefined
        ? String(vars[name])
        : whole,
    );
  }
  return text;
}

/** Whether the table has `key` (in the current language). */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(TABLE[lang()], key);
}

function translateOne(node) {
  const key = node.getAttribute("data-i18n");
  if (key) node.textContent = t(key);
  const attrs = node.getAttribute("data-i18n-attr");
  if (attrs) {
    for (const pair of attrs.split(",")) {
      const at = pair.indexOf(":");
      if (at < 1) continue;
      node.setAttribute(pair.slice(0, at).trim(), t(pair.slice(at + 1).trim()));
    }
  }
}

/** Translate `root` (default: the whole document) and everything inside it that carries
 * `data-i18n="key"` (text) or `data-i18n-attr="attr:key,attr2:key2"` (attributes). */
export function applyTranslations(root = document) {
  if (root.nodeType === 1 && (root.hasAttribute("data-i18n") || root.hasAttribute("data-i18n-attr"))) {
    translateOne(root);
  }
  for (const node of root.querySelectorAll("[data-i18n], [data-i18n-attr]")) translateOne(node);
  return root;
}

/** Switch language: remember it on this browser, set <html lang>, translate the page and tell
 * listeners (onLangChange) so pages can re-render what they built from data. */
export function setLang(l) {
  if (!LANGS.includes(l)) throw new Error(`unknown language ${l}`);
  memory = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // storage disabled: the switch lasts until the page is left
  }
  document.documentElement.lang = l;
  applyTranslations(document);
  window.dispatchEvent(new CustomEvent(EVENT, { detail: { lang: l } }));
}

/** Call `fn(lang)` after every language switch. */
export function onLangChange(fn) {
  window.addEventListener(EVENT, (event) => fn(event.detail.lang));
}

document.documentElement.lang = lang();
