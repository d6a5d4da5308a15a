"""The back office in a real browser on the local stack: an admin sees the statistics dashboard
with its chart and CSV export, runs a dry-run org import and reads the report, composes an alert
that the citizen pages then show (``shared/alerts.js`` from ``layout.js``); a manager sees no admin tabs."""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e


def _expect():
    from playwright.sync_api import expect

    return expect


def _staff_page(browser, local_stack, username):
    context = browser.new_context(locale="el-GR")
    context.add_cookies(
        [{"name": "dimotis_staff", "value": local_stack.staff_token(username), "url": local_stack.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_admin_uses_dashboards_org_import_and_alerts(local_stack, browser, tmp_path):
    expect = _expect()
    base = local_stack.url
    context, page = _staff_page(browser, local_stack, "admin")
    # GIVEN the admin on the back-office page
    page.goto(f"{base}/admin/backoffice.html")
    # THEN the statistics dashboard renders with totals and a chart, and the export link has the filters
    expect(page.locator("[data-testid=stats-tables] table").first).to_be_visible()
    assert page.evaluate("() => Boolean(window.Chart)")
    href = page.locator("#stats-export").get_attribute("href")
    assert href.startswith("/api/staff/stats/appointments/export?") and "from=" in href
    assert_accessible(page)

    # WHEN a dry run of the HR export is asked for THEN the report says nothing would change
    page.locator("#tabbtn-org").click()
    export = tmp_path / "hr.csv"
    from pathlib import Path

    export.write_text((Path(__file__).resolve().parents[2] / "devstack/demo/hr_export.csv").read_text())
    page.locator("#org-file").set_input_files(str(export))
    page.locator("#org-form button[type=submit]").click()
    expect(page.locator("[data-testid=org-report]")).to_contain_text("0")

    # WHEN the admin composes a snowfall alert (shown only, no messages)
    page.locator("#tabbtn-alerts").click()
    page.locator("#alert-topic").select_option("snowfall")
    page.locator("#alert-title-el").fill("Χιονόπτωση: κλειστά σχολεία")
    page.locator("#alert-title-en").fill("Snowfall: schools closed")
    page.locator("#alert-text-el").fill("Τα σχολεία του δήμου μένουν κλειστά αύριο.")
    page.locator("#alert-text-en").fill("The municipality's schools stay closed tomorrow.")
    page.locator("#alert-email").set_checked(False)
    page.locator("#alert-form button[type=submit]").click()
    expect(page.locator("[data-testid=alerts]")).to_contain_text("Χιονόπτωση")
    context.close()

    # THEN the citizen site shows it in the alerts banner of every citizen page (shared/alerts.js)
    citizen = browser.new_context(locale="el-GR").new_page()
    citizen.goto(f"{base}/")
    expect(citizen.locator("#app-alerts")).to_contain_text("Χιονόπτωση: κλειστά σχολεία")
    assert_accessible(citizen)
    citizen.context.close()


def test_a_manager_sees_statistics_but_not_the_admin_tabs(local_stack, browser):
    expect = _expect()
    context, page = _staff_page(browser, local_stack, "manager.registry")
    page.goto(f"{local_stack.url}/admin/backoffice.html")
    expect(page.locator("#tabbtn-stats")).to_be_visible()
    expect(page.locator("#tabbtn-org")).to_have_count(0)
    expect(page.locator("#tabbtn-alerts")).to_have_count(0)
    expect(page.locator("#stats-department")).to_be_disabled()
    page.locator("#tabbtn-staff").click()
    expect(page.locator("[data-testid=employees]")).to_contain_text("Σοφία Υπάλληλος")
    context.close()


def test_a_citizen_chooses_alert_topics_with_the_shared_module(local_stack, browser):
    expect = _expect()
    base = local_stack.url
    context = browser.new_context(locale="el-GR")
    token = local_stack.citizen_token("123456789")
    context.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/profile.html")
    page.evaluate(
        """async () => {
            const box = document.createElement("div"); box.id = "topics"; document.getElementById("main").append(box);
            const me = await (await fetch("/api/me")).json();
            const m = await import("/shared/alerts.js");
            await m.mountTopicChoices(box, me);
        }"""
    )
    page.locator("#topic-snowfall").check()
    expect(page.locator("#topics [role=status]")).not_to_be_empty()
    status, me = local_stack.request("GET", "/api/me", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and "snowfall" in me["topics"]
    context.close()
