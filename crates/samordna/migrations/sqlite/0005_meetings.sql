-- Meetings of the committee and the board with their numbered sections, the board's decisions,
-- and the interventions a grant creates with their agreement and its signatures.
-- Keep equivalent to postgres/0005_meetings.sql.

-- A decided application keeps its last workflow status; the decision overrides it when shown.
ALTER TABLE applications ADD COLUMN decision TEXT CHECK (decision IN ('granted', 'rejected'));
CREATE INDEX applications_association_shown_status ON applications (association_id, (COALESCE(decision, status)), updated_at);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    body TEXT NOT NULL CHECK (body IN ('committee', 'board')),
    meeting_date TEXT NOT NULL,
    place TEXT NOT NULL,
    -- JSON arrays of names: who was there, and who attests the minutes.
    present TEXT NOT NULL,
    chair TEXT NOT NULL,
    attesters TEXT NOT NULL,
    attested_by INTEGER REFERENCES users(id),
    attested_at TEXT,
    lock_version INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_association_date ON meetings (association_id, meeting_date, id);

-- The last section number per body and year; taken with an upsert so that concurrent meetings
-- never share a number.
CREATE TABLE section_counters (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    body TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_section INTEGER NOT NULL,
    PRIMARY KEY (association_id, body, year)
);

-- One case on a meeting's agenda; its section number runs per body and year.
CREATE TABLE meeting_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    body TEXT NOT NULL,
    year INTEGER NOT NULL,
    section INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    -- JSON array of the present members who declared a conflict of interest (jäv).
    conflicts TEXT NOT NULL,
    minutes TEXT NOT NULL,
    UNIQUE (association_id, body, year, section),
    UNIQUE (meeting_id, application_id)
);
CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id, section);
CREATE INDEX meeting_items_application ON meeting_items (application_id);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    meeting_item_id INTEGER NOT NULL UNIQUE REFERENCES meeting_items(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('granted', 'rejected', 'referred_back')),
    max_total_ore INTEGER,
    per_year TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    option_to_extend INTEGER NOT NULL,
    clauses TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES users(id),
    decided_at TEXT NOT NULL
);
-- A case is granted or rejected once; it may be referred back any number of times before.
CREATE UNIQUE INDEX decisions_final ON decisions (application_id) WHERE outcome <> 'referred_back';
CREATE INDEX decisions_application ON decisions (application_id, id);

CREATE TABLE interventions (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    application_id INTEGER NOT NULL UNIQUE REFERENCES applications(id),
    decision_id INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
    name TEXT NOT NULL,
    owner_member_id INTEGER NOT NULL REFERENCES members(id),
    orientation TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    max_total_ore INTEGER NOT NULL,
    option_to_extend INTEGER NOT NULL,
    conditions TEXT NOT NULL,
    agreement_text TEXT NOT NULL,
    agreement_hash TEXT NOT NULL,
    all_signed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX interventions_association ON interventions (association_id, start_date, id);
CREATE INDEX interventions_owner ON interventions (owner_member_id, id);

CREATE TABLE intervention_parties (
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    is_owner INTEGER NOT NULL,
    PRIMARY KEY (intervention_id, member_id)
);
CREATE INDEX intervention_parties_member ON intervention_parties (member_id, intervention_id);

CREATE TABLE intervention_budget_years (
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    year INTEGER NOT NULL,
    max_ore INTEGER NOT NULL,
    PRIMARY KEY (intervention_id, year)
);

CREATE TABLE agreement_signatures (
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    signer_user_id INTEGER NOT NULL REFERENCES users(id),
    agreement_hash TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (intervention_id, member_id)
);

-- The association's own wording of its agreement (none: the default).
CREATE TABLE agreement_templates (
    association_id INTEGER PRIMARY KEY REFERENCES associations(id),
    template TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
