"""The demo organisation chart and staff (Cognito users with documented local passwords)."""

from __future__ import annotations

from chalicelib.models.org import Department, Directorate, Employee
from chalicelib.services import backoffice

STAFF_PASSWORD = "Demo-Dimotis-2026!"

DIRECTORATES = [
    ("dir-admin", "Διεύθυνση Διοικητικών Υπηρεσιών", "Directorate of Administrative Services"),
    ("dir-tech", "Διεύθυνση Τεχνικών Υπηρεσιών", "Directorate of Technical Services"),
    ("dir-social", "Διεύθυνση Κοινωνικής Προστασίας", "Directorate of Social Protection"),
    ("dir-env", "Διεύθυνση Καθαριότητας και Πρασίνου", "Directorate of Cleaning and Green Spaces"),
]

# id, directorate, Greek name, English name, email, phone
DEPARTMENTS = [
    ("civil-registry", "dir-admin", "Τμήμα Δημοτολογίου και Ληξιαρχείου", "Civil Registry",
     "dimotologio@demo.dimotis.gr", "2109999101"),
    ("kep", "dir-admin", "Κέντρο Εξυπηρέτησης Πολιτών (ΚΕΠ)", "Citizens' Service Centre (KEP)",
     "kep@demo.dimotis.gr", "2109999102"),
    ("revenue", "dir-admin", "Τμήμα Εσόδων", "Revenue Department", "esoda@demo.dimotis.gr", "2109999103"),
    ("planning", "dir-tech", "Τμήμα Πολεοδομίας", "Town Planning", "poleodomia@demo.dimotis.gr",
     "2109999201"),
    ("roads", "dir-tech", "Τμήμα Οδοποιίας και Ηλεκτροφωτισμού", "Roads and Street Lighting",
     "odopoiia@demo.dimotis.gr", "2109999202"),
    ("social", "dir-social", "Τμήμα Κοινωνικής Υπηρεσίας", "Social Services", "koinoniki@demo.dimotis.gr",
     "2109999301"),
    ("cleaning", "dir-env", "Τμήμα Καθαριότητας και Ανακύκλωσης", "Cleaning and Recycling",
     "kathariotita@demo.dimotis.gr", "2109999401"),
    ("green", "dir-env", "Τμήμα Πρασίνου", "Green Spaces", "prasino@demo.dimotis.gr", "2109999402"),
]

# employee number, username, full name, department, role
STAFF = [
    ("E001", "admin", "Αικατερίνη Διαχειρίστρια", "kep", "admin"),
    ("E002", "manager.registry", "Νικόλαος Προϊστάμενος", "civil-registry", "manager"),
    ("E003", "clerk.registry", "Σοφία Υπάλληλος", "civil-registry", "clerk"),
    ("E004", "clerk.kep", "Δημήτρης Εξυπηρετητής", "kep", "clerk"),
    ("E005", "clerk.kep2", "Ιωάννα Εξυπηρετήτρια", "kep", "clerk"),
    ("E006", "manager.roads", "Γεώργιος Μηχανικός", "roads", "manager"),
    ("E007", "clerk.roads", "Παναγιώτης Τεχνικός", "roads", "clerk"),
    ("E008", "clerk.cleaning", "Μαρία Καθαριότητα", "cleaning", "clerk"),
    ("E009", "clerk.planning", "Αλέξανδρος Πολεοδόμος", "planning", "clerk"),
    ("E010", "clerk.social", "Ελένη Κοινωνική Λειτουργός", "social", "clerk"),
    ("E011", "health.officer", "Χρήστος Υγειονομικός", "social", "health_officer"),
    ("E012", "manager.cleaning", "Βασιλική Προϊσταμένη", "cleaning", "manager"),
]


def seed() -> dict[str, int]:
    for directorate_id, el, en in DIRECTORATES:
        Directorate(directorate_id, name_el=el, name_en=en, active=True).save()
    for department_id, directorate_id, el, en, email, phone in DEPARTMENTS:
        Department(department_id, directorate_id=directorate_id, name_el=el, name_en=en, email=email,
                   phone=phone, active=True).save()
    for number, username, name, department_id, role in STAFF:
        email = f"{username}@demo.dimotis.gr"
        Employee(number, username=username, full_name=name, email=email, department_id=department_id,
                 role=role, active=True).save()
        backoffice.ensure_user(username=username, email=email, name=name, department_id=department_id,
                                    role=role, password=STAFF_PASSWORD)
    return {"directorates": len(DIRECTORATES), "departments": len(DEPARTMENTS), "staff": len(STAFF)}
