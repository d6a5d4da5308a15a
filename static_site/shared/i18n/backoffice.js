// Strings of the backoffice feature: keys "backoffice.<name>", Greek (el) first, every key also in English (en).
// tests/unit/test_i18n.py fails when a key is in one language and not the other.
export default {
  el: {},
  en: {},
};
