-- The interventions' period, final and deviation reports, and the e-mail reminders sent, each
-- once per event. Keep equivalent to postgres/0008_reports.sql.

-- Per association: how often interventions report, and how many days after a period's end the
-- report is due.
CREATE TABLE report_settings (
    association_id INTEGER PRIMARY KEY REFERENCES associations(id),
    frequency TEXT NOT NULL CHECK (frequency IN ('quarterly', 'tertial', 'yearly')),
    due_days INTEGER NOT NULL CHECK (due_days BETWEEN 0 AND 180),
    updated_at TEXT NOT NULL
);

-- A period report (or the final report) of an intervention. The schedule is computed from the
-- intervention's period; a row exists from the first save. `figures` holds the system's figures
-- as they were when the report was submitted (aggregates with small counts hidden, never
-- personal data). The status moves draft -> submitted -> approved, or back to returned.
CREATE TABLE period_reports (
    id INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    kind TEXT NOT NULL CHECK (kind IN ('period', 'final')),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    activities TEXT NOT NULL,
    deviations TEXT NOT NULL,
    lessons TEXT NOT NULL,
    implementation TEXT NOT NULL,
    figures TEXT,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    submitted_at TEXT,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at TEXT,
    return_reason TEXT,
    UNIQUE (intervention_id, kind, period_from),
    CHECK (period_from <= period_to)
);
CREATE INDEX period_reports_association ON period_reports (association_id, status, due_on);

-- A deviation (avvikelse) the owner reports. One that needs a decision waits for the committee.
CREATE TABLE deviations (
    id INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    occurred_on TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('schedule', 'budget', 'target_group', 'staffing', 'method',
        'collaboration', 'incident')),
    description TEXT NOT NULL,
    consequence TEXT NOT NULL,
    proposed_measure TEXT NOT NULL,
    needs_decision INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reported', 'acknowledged', 'awaiting_decision', 'decided')),
    reported_by INTEGER NOT NULL REFERENCES users(id),
    reported_at TEXT NOT NULL,
    handled_by INTEGER REFERENCES users(id),
    handled_at TEXT,
    response TEXT,
    -- The committee's meeting that decided it, for one that needed a decision.
    decided_meeting_id INTEGER REFERENCES meetings(id)
);
CREATE INDEX deviations_intervention ON deviations (intervention_id, reported_at);
CREATE INDEX deviations_association ON deviations (association_id, status, reported_at);

-- Every reminder sent, keyed by its event (kind, object and occasion), so none is sent twice.
CREATE TABLE reminders_sent (
    event_key TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (event_key, user_id)
);

-- The association's list of requisitions pages by id.
CREATE INDEX requisitions_association_id ON requisitions (association_id, id);

-- A deviation that needs a decision, on the committee's agenda: its section number runs with the
-- body's year, from the same counter as the meeting's other cases.
CREATE TABLE deviation_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    deviation_id INTEGER NOT NULL UNIQUE REFERENCES deviations(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    body TEXT NOT NULL,
    year INTEGER NOT NULL,
    section INTEGER NOT NULL,
    UNIQUE (association_id, body, year, section)
);
CREATE INDEX deviation_items_meeting ON deviation_items (meeting_id, section);
