"""What every capability shares: the outbox and notifications, the stream router, the audit
capture, identity (citizen sessions, staff sign-in, Taxisnet, profiles), holidays, envelope encryption."""
