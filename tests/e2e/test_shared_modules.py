"""The shared front-end modules (static_site/shared/*.js) as pages use them, in the real browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def home(local_stack, page):
    page.goto(local_stack.url + "/")
    page.wait_for_selector("[data-testid=sign-in]")
    return page


def test_el_builds_text_never_markup(home):
    # GIVEN data that looks like markup WHEN el() puts it in the page THEN it stays text
    result = home.evaluate(
        """async () => {
            const { el } = await import("/shared/layout.js");
            const evil = '<img src=x onerror="window.pwned=1">';
            const node = el("p", { class: "a b", title: evil, "data-x": "1", hidden: false, onclick: () => {} },
                            evil, null, ["!", el("strong", {}, 2)]);
            document.body.append(node);
            const select = el("select", { value: "en" }, el("option", { value: "el" }, "el"),
                              el("option", { value: "en" }, "en"));
            return { text: node.textContent, imgs: node.querySelectorAll("img").length,
                     title: node.getAttribute("title"), cls: node.className, hidden: node.hidden,
                     strong: node.querySelector("strong").textContent, pwned: window.pwned || 0,
                     select: select.value };
        }"""
    )
    assert result == {
        "text": '<img src=x onerror="window.pwned=1">!2',
        "imgs": 0,
        "title": '<img src=x onerror="window.pwned=1">',
        "cls": "a b",
        "hidden": False,
        "strong": "2",
        "pwned": 0,
        "select": "en",
    }


def test_translations_placeholders_missing_keys_and_language_switch(home):
    # GIVEN the Greek default WHEN strings are asked for, attributes translated and the language
    # switched THEN Greek, then English, with placeholders filled and missing keys visible
    result = home.evaluate(
        """async () => {
            const i18n = await import("/shared/i18n.js");
            const out = { lang: i18n.lang(), hello: i18n.t("common.home_welcome", { name: "Μαρία" }),
                          missing: i18n.t("nope.not_here"), keep: i18n.t("common.home_welcome") };
            const box = document.createElement("div");
            box.innerHTML = '<input data-i18n-attr="aria-label:auth.username,placeholder:auth.password">' +
                            '<span data-i18n="common.save"></span>';
            document.body.append(box);
            i18n.applyTranslations(box);
            out.attr = box.querySelector("input").getAttribute("aria-label");
            out.placeholder = box.querySelector("input").getAttribute("placeholder");
            let heard = null;
            i18n.onLangChange((l) => { heard = l; });
            i18n.setLang("en");
            out.after = { lang: i18n.lang(), html: document.documentElement.lang, heard,
                          span: box.querySelector("span").textContent,
                          stored: localStorage.getItem("dimotis.lang"),
                          nav: document.querySelector("a[data-nav=home]").textContent };
            return out;
        }"""
    )
    assert result["lang"] == "el"
    assert result["hello"] == "Καλώς ήρθατε, Μαρία"
    assert result["missing"] == "nope.not_here"
    assert result["keep"] == "Καλώς ήρθατε, {name}"
    assert result["attr"] == "Όνομα χρήστη"
    assert result["placeholder"] == "Κωδικός πρόσβασης"
    assert result["after"] == {
        "lang": "en",
        "html": "en",
        "heard": "en",
        "span": "Save",
        "stored": "en",
        "nav": "Home",
    }
    # AND the choice holds on the next page
    home.reload()
    home.wait_for_selector("[data-testid=sign-in]")
    assert home.evaluate("document.documentElement.lang") == "en"
    assert home.locator("h1").text_content() == "The municipality's digital services"


def test_dates_are_shown_in_athens_time(home):
    # GIVEN UTC instants of this year in summer and winter THEN they show in Europe/Athens
    # (UTC+3 / UTC+2)
    result = home.evaluate(
        """async () => {
            const { formatDateTime, formatTime, formatDate } = await import("/shared/layout.js");
            const y = new Date().getUTCFullYear();
            return [formatTime(`${y}-07-01T09:30:00Z`), formatTime(`${y}-01-15T09:30:00Z`),
                    formatTime(Date.UTC(y, 0, 15, 22, 5) / 1000), formatDate(`${y}-01-15T23:30:00Z`),
                    formatDateTime(null), formatDateTime("not a date")];
        }"""
    )
    assert result[:3] == ["12:30", "11:30", "00:05"]
    assert "16" in result[3]  # 23:30 UTC on the 15th is already the 16th in Athens
    assert result[4:] == ["", ""]


def test_api_errors_carry_status_code_and_message(home):
    # GIVEN API calls that fail WHEN made through api() THEN ApiError carries the API's error shape
    result = home.evaluate(
        """async () => {
            const { api, ApiError } = await import("/shared/api.js");
            const out = {};
            for (const [name, path, opts] of [["me", "/api/me", {}],
                                              ["bad", "/api/staff/login", { method: "POST", body: { username: "x" } }],
                                              ["none", "/api/no/such/route", {}]]) {
                try { await api(path, opts); out[name] = "no error"; }
                catch (err) { out[name] = { isApiError: err instanceof ApiError, status: err.status, code: err.code,
                                            hasMessage: Boolean(err.message), details: err.details }; }
            }
            out.health = (await api("/api/health")).status;
            return out;
        }"""
    )
    assert result["me"]["isApiError"] and result["me"]["status"] == 401 and result["me"]["hasMessage"]
    assert result["bad"]["status"] == 400 and result["bad"]["code"] == "validation_failed"
    assert result["bad"]["details"]["field"] in (None, "password", "")
    assert result["none"]["status"] == 404 and result["none"]["isApiError"]
    assert result["health"] == "ok"


def test_show_error_and_field_errors_are_announced_and_cleared(home):
    # GIVEN a form WHEN errors are shown and cleared THEN they are linked to the field and removed
    result = home.evaluate(
        """async () => {
            const L = await import("/shared/layout.js");
            const form = L.el("form", {}, L.el("div", { class: "govgr-field" },
                L.el("input", { id: "f1", "aria-describedby": "f1-hint" })));
            const box = L.el("div");
            document.body.append(form, box);
            L.showFieldError("f1", "<b>bad</b>");
            const shown = { described: form.querySelector("#f1").getAttribute("aria-describedby"),
                            text: form.querySelector("#f1-error").textContent,
                            invalid: form.querySelector("#f1").getAttribute("aria-invalid") };
            L.clearFieldErrors(form);
            const cleared = { described: form.querySelector("#f1").getAttribute("aria-describedby"),
                              notes: form.querySelectorAll(".govgr-error-message").length,
                              invalid: form.querySelector("#f1").getAttribute("aria-invalid") };
            L.showError(box, new Error("kaput"));
            const alert = { role: box.firstChild.getAttribute("role"), focused: document.activeElement === box.firstChild,
                            text: box.querySelector("[data-testid=error-message]").textContent };
            return { shown, cleared, alert };
        }"""
    )
    assert result["shown"] == {
        "described": "f1-hint f1-error",
        "text": "Σφάλμα: <b>bad</b>",
        "invalid": "true",
    }
    assert result["cleared"] == {"described": "f1-hint", "notes": 0, "invalid": None}
    assert result["alert"] == {"role": "alert", "focused": True, "text": "kaput"}


def test_require_citizen_offers_sign_in_when_signed_out(home):
    # GIVEN a signed-out visitor on a page that needs a citizen WHEN requireCitizen() runs
    # THEN it resolves null and <main> keeps its heading and offers Taxisnet sign-in back to this page
    result = home.evaluate(
        """async () => {
            const { requireCitizen } = await import("/shared/layout.js");
            const who = await requireCitizen();
            const link = document.querySelector("#main a.govgr-btn");
            return { who, h1: document.querySelector("#main h1") !== null, href: link.getAttribute("href"),
                     text: link.textContent };
        }"""
    )
    assert result == {
        "who": None,
        "h1": True,
        "href": "/api/auth/taxisnet/login?next=%2F",
        "text": "Σύνδεση με Taxisnet",
    }
