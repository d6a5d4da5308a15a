"""Requests in a real browser on the local stack: a citizen files a pothole report with a photo and a
map pin (seeing the nearby open report first); a clerk of roads sees it in the inbox and on the
map, assigns it and resolves it with a public note; the citizen sees the timeline and the
notification in the dev outbox; a clerk of another department cannot open it."""

from __future__ import annotations

import json
import random
import re
import struct
import time
import urllib.request
import zlib

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.contacts import confirm_contacts

pytestmark = pytest.mark.e2e
TAXID = "123456789"


def _expect():
    from playwright.sync_api import expect

    return expect


def _png(width: int = 48, height: int = 48) -> bytes:
    """A real PNG of random pixels (a few kB)."""
    rows = b"".join(b"\x00" + bytes(random.randrange(256) for _ in range(width * 3)) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _outbox_for(stack, email: str, text: str, wait: float = 20) -> list[dict]:
    deadline = time.time() + wait
    while True:
        with urllib.request.urlopen(stack.url + "/dev/outbox.json", timeout=10) as resp:  # noqa: S310
            rows = [r for r in json.loads(resp.read()) if r["recipient"] == email]
        if any(text in (r["subject"] or "") for r in rows) or time.time() > deadline:
            return rows
        time.sleep(0.3)


def test_report_with_photo_and_pin_is_worked_by_its_department_and_the_citizen_is_told(
    local_stack, browser, tmp_path
):
    expect = _expect()
    base = local_stack.url
    email = f"maria.{random.randrange(10**8)}@example.gr"
    token = local_stack.citizen_token(TAXID)
    status, _ = local_stack.request(
        "PUT", "/api/me", {"email": email, "notify_email": True}, {"Authorization": f"Bearer {token}"}
    )
    assert status == 200
    confirm_contacts(local_stack, token, email=email)  # messages go to confirmed contacts only
    photo = tmp_path / "pothole.png"
    photo.write_bytes(_png())

    # GIVEN Maria signed in on the requests page
    citizen = browser.new_context(locale="el-GR")
    citizen.add_cookies([{"name": "dimotis_session", "value": token, "url": base}])
    page = citizen.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/requests.html")
    expect(page.locator("#new-section")).to_be_visible()
    # WHEN she chooses "pothole", its size, a text, pins the map centre and attaches a photo
    page.locator("#type").select_option("pothole")
    page.locator("#attr-SIZE").select_option("large")
    page.locator("#description").fill("Βαθιά λακκούβα <script>window.pwned=1</script>")
    page.locator("#map").click()  # the centre of the map: near the demo pothole at Syntagma
    expect(page.locator("[data-testid=pin]")).to_contain_text("37.97")
    # THEN the open pothole reported nearby is shown before she submits
    expect(page.locator("[data-testid=nearby]")).to_contain_text("/0000")
    page.locator("#address").fill("Πλατεία Συντάγματος")
    page.locator("#photo").set_input_files(str(photo))
    assert_accessible(page)
    page.locator("#submit").click()
    protocol = page.locator("[data-testid=protocol]")
    expect(protocol).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
    number = protocol.inner_text()
    request_id = number.replace("/", "-")
    expect(page.locator(f"[data-request='{request_id}']")).to_be_visible()

    # WHEN a clerk of roads opens the staff requests page
    clerk = browser.new_context(locale="el-GR")
    clerk.add_cookies(
        [{"name": "dimotis_staff", "value": local_stack.staff_token("clerk.roads"), "url": base}]
    )
    desk = clerk.new_page()
    desk.set_default_timeout(15_000)
    desk.goto(f"{base}/admin/requests.html")
    # THEN it is in the inbox and on the map of open reports
    row = desk.locator(f"tr[data-request='{request_id}']")
    expect(row).to_be_visible()
    # (the map loads beside the inbox: wait for its second marker rather than count at once)
    expect(desk.locator(".rq-marker").nth(1)).to_be_attached()
    assert_accessible(desk)
    # WHEN the clerk opens it: the citizen's text shows as text, the photo is there
    row.locator("[data-testid=open-request]").click()
    expect(desk.locator("[data-testid=detail-protocol]")).to_contain_text(number)
    expect(desk.locator("[data-testid=detail-description]")).to_contain_text(
        "<script>window.pwned=1</script>"
    )
    assert desk.evaluate("() => window.pwned === undefined")
    expect(desk.locator(".rq-photos img")).to_have_count(1)
    # AND assigns it, then resolves it with a public note
    desk.locator("#d-assignee").select_option("manager.roads")
    desk.locator("[data-testid=assign]").click()
    expect(desk.locator("[data-testid=detail-status]")).to_have_text("Ανατέθηκε")
    desk.locator("#d-status").select_option("resolved")
    desk.locator("#d-note").fill("Η λακκούβα επισκευάστηκε.")
    desk.locator("[data-testid=save-status]").click()
    expect(desk.locator("[data-testid=detail-status]")).to_have_text("Επιλύθηκε")
    expect(desk.locator("[data-testid=staff-timeline] li")).to_have_count(3)

    # THEN Maria sees the timeline with the public note
    page.goto(f"{base}/requests.html#{request_id}")
    page.reload()
    mine = page.locator(f"[data-request='{request_id}']")
    expect(mine.locator("[data-testid=status]")).to_have_text("Επιλύθηκε")
    timeline = mine.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("Η λακκούβα επισκευάστηκε.")
    expect(timeline.locator("li")).to_have_count(3)
    assert "manager.roads" not in timeline.inner_text()
    # AND the dev outbox holds the email of the resolution, once: the request is then closed, and
    # the stream delivers a request's entries in order (a failed record again before the later
    # ones), so once the closing's email is out, a duplicate of the resolution's would be out too
    staff_headers = {"Authorization": f"Bearer {local_stack.staff_token('clerk.roads')}"}
    status, _ = local_stack.request(
        "POST", f"/api/staff/requests/{request_id}/status", {"status": "closed"}, staff_headers
    )
    assert status == 200
    rows = _outbox_for(local_stack, email, "Έκλεισε")
    assert any("Έκλεισε" in (r["subject"] or "") for r in rows)
    resolved = [r for r in rows if "Επιλύθηκε" in (r["subject"] or "")]
    assert len(resolved) == 1 and number in resolved[0]["subject"]
    assert "Η λακκούβα επισκευάστηκε." in resolved[0]["body"]

    # AND a clerk of cleaning cannot open it
    other = browser.new_context(locale="el-GR")
    other.add_cookies(
        [{"name": "dimotis_staff", "value": local_stack.staff_token("clerk.cleaning"), "url": base}]
    )
    outsider = other.new_page()
    outsider.set_default_timeout(15_000)
    outsider.goto(f"{base}/admin/requests.html#{request_id}")
    expect(outsider.locator("#detail-error")).to_contain_text("άλλο τμήμα")
    expect(outsider.locator(f"tr[data-request='{request_id}']")).to_have_count(0)
    for context in (citizen, clerk, other):
        context.close()
