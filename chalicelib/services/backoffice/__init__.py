"""The back office: org chart and its import, staff accounts, staffing and absences, audit search,
statistics and dashboards, broadcast alerts."""
