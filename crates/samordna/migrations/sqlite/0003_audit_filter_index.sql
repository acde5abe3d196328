-- The audit page filters an association's events by action, newest first.
CREATE INDEX audit_events_association_action ON audit_events (association_id, action, id);
