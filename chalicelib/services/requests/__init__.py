"""Citizen requests and reports: the catalogue of types, submission with a protocol number, staff
work, following, photos, notices, and the Open311 GeoReport v2 API."""
