"""Dimotis: every entry point of the API and the event handlers, in one screen."""

from chalice import Chalice

from chalicelib import middleware
from chalicelib.handlers import (
    alerts,
    appointments,
    appointments_reminders,
    appointments_staff,
    backoffice,
    catalogue_admin,
    citizen_auth,
    citizen_contacts,
    citizen_data,
    health,
    messages_admin,
    municipality_public,
    open311,
    outbox_events,
    queue_public,
    queue_schedules,
    queue_staff,
    requests_citizen,
    requests_staff,
    staff_accounts,
    staff_auth,
    staffing,
    table_streams,
    visits_events,
    visits_public,
    visits_staff,
)

app = Chalice(app_name="dimotis")
app.register_middleware(middleware.http, "http")

app.register_blueprint(health.bp)
app.register_blueprint(citizen_auth.bp)
app.register_blueprint(citizen_contacts.bp)
app.register_blueprint(citizen_data.bp)
app.register_blueprint(staff_auth.bp)
app.register_blueprint(staff_accounts.bp)
app.register_blueprint(table_streams.bp)
app.register_blueprint(outbox_events.bp)
app.register_blueprint(queue_public.bp)
app.register_blueprint(queue_staff.bp)
app.register_blueprint(queue_schedules.bp)
app.register_blueprint(backoffice.bp)
app.register_blueprint(alerts.bp)
app.register_blueprint(messages_admin.bp)
app.register_blueprint(staffing.bp)
app.register_blueprint(visits_public.bp)
app.register_blueprint(visits_staff.bp)
app.register_blueprint(visits_events.bp)
app.register_blueprint(requests_citizen.bp)
app.register_blueprint(requests_staff.bp)
app.register_blueprint(open311.bp)
app.register_blueprint(appointments.bp)
app.register_blueprint(appointments_staff.bp)
app.register_blueprint(appointments_reminders.bp)
app.register_blueprint(catalogue_admin.bp)
app.register_blueprint(municipality_public.bp)
