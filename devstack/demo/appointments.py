"""Demo bookable services of the demo municipality: weekly hours with breaks, limits, and the
documents to bring (Greek and English), each at a demo service point (``devstack/demo/catalogue.py``).
Service ids match the live queue's demo (``devstack/demo/queue.py``). Idempotent: fixed ids,
``save()`` overwrites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.clock import iso, local, utcnow
from chalicelib.models.appointments import Appointment
from chalicelib.models.service_catalog import Service
from devstack.demo.catalogue import week


def _doc(name_el: str, name_en: str, where_el: str = "", where_en: str = "") -> dict[str, str]:
    return {"name_el": name_el, "name_en": name_en, "where_el": where_el, "where_en": where_en}


ID_CARD = _doc("Αστυνομική ταυτότητα ή διαβατήριο", "Identity card or passport")
AUTHORISATION = _doc(
    "Εξουσιοδότηση με θεώρηση γνησίου υπογραφής (αν έρχεται τρίτος)",
    "Signed authorisation with certified signature (if someone comes on your behalf)",
    "gov.gr (εξουσιοδότηση) ή ΚΕΠ",
    "gov.gr (authorisation) or any KEP",
)


KEP_HOURS = {
    **week([["08:00", "11:00"], ["11:30", "15:00"]]),
    "3": [["08:00", "11:00"], ["11:30", "15:00"], ["17:00", "19:00"]],
}

# id, department, point, el, en, description el, description en, documents, settings
SERVICES = [
    (
        "kep-certificates",
        "kep",
        "kep-dimarxeio",
        "Έκδοση πιστοποιητικών και βεβαιώσεων",
        "Certificates and attestations",
        "Πιστοποιητικά οικογενειακής κατάστασης, εγγυτέρων συγγενών, βεβαιώσεις μόνιμης κατοικίας.",
        "Family status and next-of-kin certificates, proof of permanent residence.",
        [ID_CARD, AUTHORISATION],
        {"capacity": 3, "slot_minutes": 15, "duration_minutes": 15, "max_per_day": 1, "hours": KEP_HOURS},
    ),
    (
        "kep-signature",
        "kep",
        "kep-dimarxeio",
        "Βεβαίωση γνησίου υπογραφής",
        "Certification of signature",
        "Θεώρηση γνησίου υπογραφής σε υπεύθυνες δηλώσεις και εξουσιοδοτήσεις.",
        "Certification of your signature on solemn declarations and authorisations.",
        [ID_CARD, _doc("Το έγγραφο προς υπογραφή (χωρίς υπογραφή)", "The document to sign (unsigned)")],
        {"capacity": 2, "slot_minutes": 10, "duration_minutes": 10, "max_per_day": 2, "hours": KEP_HOURS},
    ),
    (
        "kep-applications",
        "kep",
        "kep-dimarxeio",
        "Υποβολή αιτήσεων προς δημόσιες υπηρεσίες",
        "Applications to public services",
        "Αιτήσεις για επιδόματα, άδειες και διαδικασίες άλλων φορέων μέσω ΚΕΠ.",
        "Applications for benefits, permits and other agencies' procedures through the KEP.",
        [
            ID_CARD,
            _doc("ΑΜΚΑ και ΑΦΜ", "Social security (AMKA) and tax (AFM) numbers"),
            _doc(
                "Τα δικαιολογητικά της αίτησης",
                "The supporting documents of the application",
                "Οδηγός διαδικασιών στο gov.gr",
                "Procedure guide on gov.gr",
            ),
        ],
        {"capacity": 1, "slot_minutes": 20, "duration_minutes": 20, "max_per_day": 1, "hours": KEP_HOURS},
    ),
    (
        "registry-roll",
        "civil-registry",
        "dimotologio",
        "Δημοτολόγιο: εγγραφή και μεταδημότευση",
        "Municipal roll: registration and transfer",
        "Εγγραφή στο δημοτολόγιο, μεταδημότευση, διόρθωση στοιχείων μερίδας.",
        "Registration in the municipal roll, transfer from another municipality, corrections.",
        [
            ID_CARD,
            _doc(
                "Πιστοποιητικό οικογενειακής κατάστασης από τον προηγούμενο δήμο",
                "Family status certificate from the previous municipality",
                "Δήμος εγγραφής ή gov.gr",
                "Previous municipality or gov.gr",
            ),
            _doc("Λογαριασμός ΔΕΚΟ ή μισθωτήριο", "A utility bill or lease", "", ""),
        ],
        {
            "capacity": 1,
            "slot_minutes": 30,
            "duration_minutes": 30,
            "max_per_day": 1,
            "hours": week([["08:00", "14:30"]]),
        },
    ),
    (
        "registry-acts",
        "civil-registry",
        "dimotologio",
        "Ληξιαρχείο: γεννήσεις, γάμοι, θάνατοι",
        "Registry of births, marriages and deaths",
        "Δηλώσεις γέννησης, σύμφωνα συμβίωσης, πολιτικοί γάμοι, ληξιαρχικές πράξεις.",
        "Birth declarations, civil partnerships, civil marriages, registry records.",
        [
            ID_CARD,
            _doc(
                "Βεβαίωση μαιευτηρίου (για γέννηση)",
                "Maternity hospital certificate (for a birth)",
                "Μαιευτήριο",
                "The maternity hospital",
            ),
        ],
        {
            "capacity": 1,
            "slot_minutes": 30,
            "duration_minutes": 30,
            "max_per_day": 1,
            "hours": week([["08:00", "11:00"], ["11:30", "14:30"]]),
        },
    ),
    (
        "planning-consult",
        "planning",
        "poleodomia",
        "Συνάντηση με μηχανικό της Πολεοδομίας",
        "Meeting a town-planning engineer",
        "Ενημέρωση για οικοδομικές άδειες, αυθαίρετα και χρήσεις γης.",
        "Advice on building permits, unauthorised structures and land use.",
        [
            ID_CARD,
            _doc("Τοπογραφικό διάγραμμα (αν υπάρχει)", "Site survey plan (if you have one)", "", ""),
            _doc(
                "Αριθμός ΚΑΕΚ του ακινήτου",
                "The property's cadastre number (KAEK)",
                "Ελληνικό Κτηματολόγιο",
                "Hellenic Cadastre",
            ),
        ],
        {
            "capacity": 1,
            "slot_minutes": 30,
            "duration_minutes": 30,
            "max_per_day": 1,
            "min_notice_minutes": 24 * 60,
            "hours": week([["09:00", "13:00"]], ("2", "4")),
        },
    ),
    (
        "social-support",
        "social",
        "koinoniki",
        "Συνάντηση με κοινωνικό λειτουργό",
        "Meeting a social worker",
        "Κοινωνικό παντοπωλείο, επίδομα ενοικίου, βοήθεια στο σπίτι.",
        "Social grocery, rent allowance, home help.",
        [
            ID_CARD,
            _doc(
                "Εκκαθαριστικό εφορίας τελευταίου έτους",
                "Last year's income tax assessment",
                "myAADE",
                "myAADE",
            ),
            _doc("Βεβαίωση ανεργίας (αν ισχύει)", "Unemployment certificate (if applicable)", "ΔΥΠΑ", "DYPA"),
        ],
        {
            "capacity": 1,
            "slot_minutes": 45,
            "duration_minutes": 45,
            "max_per_day": 1,
            "hours": week([["08:30", "11:30"], ["12:00", "14:00"]]),
        },
    ),
    (
        "revenue-settlement",
        "revenue",
        "esoda",
        "Ρύθμιση οφειλών προς τον Δήμο",
        "Settling debts to the municipality",
        "Ρύθμιση σε δόσεις, βεβαίωση οφειλής, ενημερότητα.",
        "Instalment plans, statements of debt, certificates of no debt.",
        [ID_CARD, _doc("Ειδοποίηση οφειλής (αν την έχετε)", "The notice of debt (if you have it)")],
        {
            "capacity": 2,
            "slot_minutes": 20,
            "duration_minutes": 20,
            "max_per_day": 1,
            "hours": week([["08:00", "14:00"]]),
        },
    ),
    (
        "cleaning-bulky",
        "cleaning",
        "amaxostasio",
        "Παράδοση ογκωδών αντικειμένων",
        "Dropping off bulky items",
        "Παράδοση επίπλων, στρωμάτων και κλαδεμάτων στο αμαξοστάσιο.",
        "Drop off furniture, mattresses and garden waste at the depot.",
        [
            ID_CARD,
            _doc(
                "Λογαριασμός ρεύματος με τα τετραγωνικά της κατοικίας",
                "Electricity bill showing your home's floor area",
            ),
        ],
        {
            "capacity": 4,
            "slot_minutes": 30,
            "duration_minutes": 30,
            "max_per_day": 1,
            "hours": week([["07:00", "14:00"]], ("1", "2", "3", "4", "5", "6")),
        },
    ),
]


# The demo taxpayer (stand-in Taxisnet) who has an appointment at the KEP counter today.
TODAY_HOLDER = ("111222333", "ΕΛΕΝΗ ΚΩΝΣΤΑΝΤΙΝΙΔΗ")
TODAY_SERVICE = "kep-applications"


def todays_appointment(now: datetime | None = None) -> Appointment:
    """An appointment today, in the quarter hour that has begun, for ``TODAY_HOLDER`` at the KEP of
    the town hall, so that checking in at the kiosk (``/queue.html?point=kep-dimarxeio``) with a
    reference can be tried on any day: booking's minimum notice would not allow one for today.
    Demo data written outside the booking rules (it takes no slot capacity); one per day, with the
    reference shown on that citizen's "my appointments" page."""
    from chalicelib.services.appointments import reference_for

    now = now or utcnow()
    here = local(now)
    start = here.replace(minute=here.minute - here.minute % 15, second=0, microsecond=0)
    appointment_id = f"demo-today-{start:%Y-%m-%d}"
    try:
        return Appointment.get(appointment_id)
    except Appointment.DoesNotExist:
        pass
    taxid, name = TODAY_HOLDER
    appointment = Appointment(
        appointment_id,
        reference=reference_for(appointment_id),
        taxid=taxid,
        citizen_name=name,
        service_id=TODAY_SERVICE,
        department_id="kep",
        service_point_id="kep-dimarxeio",
        start=f"{start:%Y-%m-%dT%H:%M}",
        slot_start=start.astimezone(UTC),
        slot_end=(start + timedelta(minutes=15)).astimezone(UTC),
        status="booked",
        version=1,
        history=[
            {"status": "booked", "at": iso(now), "by": "demo", "start": f"{start:%Y-%m-%dT%H:%M}"}
        ],
        created_at=now,
        updated_at=now,
    )
    appointment.save(condition=Appointment.appointment_id.does_not_exist())
    return appointment


def seed() -> dict[str, int]:
    for service_id, department, point, el, en, desc_el, desc_en, documents, settings in SERVICES:
        values = {
            "min_notice_minutes": 120,
            "max_days_ahead": 30,
            "cancel_cutoff_minutes": 60,
            **settings,
        }
        Service(
            service_id,
            department_id=department,
            name_el=el,
            name_en=en,
            description_el=desc_el,
            description_en=desc_en,
            documents=documents,
            service_point_id=point,
            periods=[],
            exceptions={},
            active=True,
            **values,
        ).save()
    todays_appointment()
    return {
        "services": len(SERVICES),
        "service_points": len({s[2] for s in SERVICES}),
        "appointments_today": 1,
    }
