"""What a citizen takes away: the calendar file (RFC 5545, Athens time zone, place, alarm) and the
printable proof with its QR code, over HTTP only for the appointment's owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from chalicelib.services.appointments import catalogue, documents
from tests.conftest import bearer


def test_ics_is_valid_with_athens_timezone_location_and_alarm(booked):
    text = documents.ics(booked, catalogue.get_service("svc-test"), "el")
    cal = Calendar.from_ical(text)
    tz = cal.walk("VTIMEZONE")[0]
    event = cal.walk("VEVENT")[0]
    assert tz["TZID"] == "Europe/Athens"
    assert event["DTSTART"].dt == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Athens"
    assert "Οδός 1" in str(event["LOCATION"])
    assert event.walk("VALARM")[0]["TRIGGER"].dt == timedelta(hours=-2)
    assert booked.reference in str(event["SUMMARY"])
    assert "DTSTAMP" in event and "UID" in event
    assert str(event["STATUS"]) == "CONFIRMED"


def test_proof_and_calendar_over_http_only_for_the_owner(client, make_citizen, citizen_booking):
    token, appointment = citizen_booking
    base = f"/api/appointments/{appointment['appointment_id']}"
    # WHEN the owner downloads the proof and the .ics
    proof = client.http.get(f"{base}/proof?lang=en", headers=bearer(token))
    ics = client.http.get(f"{base}/calendar.ics", headers=bearer(token))
    # THEN the proof is HTML with the QR (SVG) and the reference; the .ics is a calendar attachment
    assert proof.status_code == 200 and proof.headers["Content-Type"].startswith("text/html")
    html = proof.body.decode() if isinstance(proof.body, bytes) else proof.body
    assert appointment["reference"] in html and "<svg" in html and "Identity card" in html
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert (
        ics.headers["Content-Disposition"]
        == f'attachment; filename="appointment-{appointment["reference"]}.ics"'
    )
    # AND another citizen gets 404
    other = make_citizen("987654321")
    assert client.http.get(f"{base}/proof", headers=bearer(other)).status_code == 404
    assert client.http.get(f"{base}/calendar.ics", headers=bearer(other)).status_code == 404


def test_the_document_language_is_asked_for_or_the_browsers():
    # GIVEN a lang asked for, or only the browser's Accept-Language  THEN el or en
    assert documents.language_of("en", "el-GR") == "en"
    assert documents.language_of(None, "en-GB,en;q=0.9") == "en"
    assert documents.language_of(None, "fr-FR") == "el"
    assert documents.language_of(None, None) == "el"
