"""Appointments, scheduled: the reminders due (24 hours and 2 hours before, settings), every 15
minutes. A run that did not fire is made up by the next (``services/appointments/notices.py``).
(The appointments stream reaches ``notices.on_appointment_record`` through the stream router.)"""

from chalice import Blueprint, Rate

from chalicelib.services import appointments

bp = Blueprint(__name__)


@bp.schedule(Rate(15, unit=Rate.MINUTES), name="send_reminders")
def send_reminders(event):
    return appointments.send_due_reminders()
