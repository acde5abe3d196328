-- The participant register of interventions: who follows each intervention's participants, the
-- participations with their background, path, measurements and exit, and the association's
-- follow-up settings. Keep equivalent to postgres/0006_participants.sql.

-- The owner's case workers (deltagaransvariga) assigned to an intervention: the only ones who
-- see its participants.
CREATE TABLE intervention_case_workers (
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    assigned_by INTEGER NOT NULL REFERENCES users(id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (intervention_id, user_id)
);
CREATE INDEX intervention_case_workers_user ON intervention_case_workers (user_id);

-- Per intervention: parts, triage categories, deadlines and intake (JSON), and its measurable goals.
CREATE TABLE intervention_follow_up (
    intervention_id INTEGER PRIMARY KEY REFERENCES interventions(id),
    settings TEXT NOT NULL,
    goals TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL
);

-- Per association: how small a count is hidden, how long personal data is kept after exit, the
-- consent text's version, and the adjusted code lists and instruments (JSON; none: the defaults).
CREATE TABLE association_follow_up (
    association_id INTEGER PRIMARY KEY REFERENCES associations(id),
    suppression_threshold INTEGER NOT NULL CHECK (suppression_threshold BETWEEN 2 AND 20),
    retention_months INTEGER NOT NULL CHECK (retention_months BETWEEN 1 AND 240),
    consent_version TEXT NOT NULL,
    instruments TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE code_lists (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    list TEXT NOT NULL,
    codes TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (association_id, list)
);

-- One person's participation in one intervention. Identity (personnummer, name) is encrypted in
-- person_cipher; person_index is a keyed hash of the personnummer that finds the same person's
-- participations with the same owner without decrypting anything.
CREATE TABLE participations (
    id INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    owner_member_id INTEGER NOT NULL REFERENCES members(id),
    identified BOOLEAN NOT NULL,
    protected_identity BOOLEAN NOT NULL,
    person_cipher TEXT,
    person_index TEXT,
    consent_date TEXT,
    consent_scope TEXT,
    consent_version TEXT,
    consent_recorded_by INTEGER REFERENCES users(id),
    consent_withdrawn_on TEXT,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male')),
    birth_year INTEGER,
    start_year INTEGER NOT NULL,
    home_member_id INTEGER REFERENCES members(id),
    education TEXT,
    occupation_before TEXT,
    support_time TEXT,
    extent_percent INTEGER CHECK (extent_percent BETWEEN 0 AND 100),
    part TEXT,
    remitted_by_member_id INTEGER REFERENCES members(id),
    remitted_on TEXT,
    first_visit_on TEXT,
    triage TEXT,
    enrolled_on TEXT NOT NULL,
    -- The first date of each milestone, kept here so that goals and deadlines need no join.
    assessment_on TEXT,
    action_plan_on TEXT,
    action_plan_due_on TEXT,
    referral_on TEXT,
    exited_on TEXT,
    exit_reason TEXT,
    occupation_after TEXT,
    anchored_plan BOOLEAN,
    receiving_actor TEXT,
    -- An exit as felregistrering: out of every figure.
    voided BOOLEAN NOT NULL,
    personal_removed_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (exited_on IS NULL OR exited_on >= enrolled_on)
);
CREATE INDEX participations_intervention ON participations (intervention_id, enrolled_on);
-- The association's figures read only this index: every column the counts need is in it.
CREATE INDEX participations_association ON participations (association_id, enrolled_on, exited_on, voided, sex,
    birth_year, start_year, home_member_id, occupation_after, intervention_id);
-- A case worker's open participants.
CREATE INDEX participations_open ON participations (intervention_id) WHERE exited_on IS NULL;
CREATE INDEX participations_association_exit ON participations (association_id, exited_on);
CREATE INDEX participations_person ON participations (owner_member_id, person_index);
-- One open participation per person and intervention.
CREATE UNIQUE INDEX participations_one_open ON participations (intervention_id, person_index)
    WHERE exited_on IS NULL AND person_index IS NOT NULL;
CREATE INDEX participations_retention ON participations (exited_on) WHERE personal_removed_at IS NULL;

-- Income sources just before the start and after the exit (several each).
CREATE TABLE participation_income (
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
    code TEXT NOT NULL,
    PRIMARY KEY (participation_id, phase, code)
);

-- The dated steps of the path: kartläggning, handlingsplan, lotsning, activities, SIP meetings.
CREATE TABLE participation_steps (
    id INTEGER PRIMARY KEY,
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    details TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX participation_steps_participation ON participation_steps (participation_id, occurred_on);

CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    instrument TEXT NOT NULL,
    instrument_version TEXT NOT NULL,
    occasion TEXT NOT NULL CHECK (occasion IN ('start', 'quarter', 'exit')),
    measured_on TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX measurements_participation ON measurements (participation_id, measured_on);

-- One score per dimension.
CREATE TABLE measurement_scores (
    measurement_id INTEGER NOT NULL REFERENCES measurements(id),
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    instrument TEXT NOT NULL,
    dimension TEXT NOT NULL,
    measured_on TEXT NOT NULL,
    score INTEGER NOT NULL,
    PRIMARY KEY (measurement_id, dimension)
);
CREATE INDEX measurement_scores_participation ON measurement_scores (participation_id, measured_on);

-- The first and the latest score per participation and dimension, kept up to date as scores are
-- added, so that progress is one aggregate over the scope's rows.
CREATE TABLE participation_progress (
    participation_id INTEGER NOT NULL REFERENCES participations(id),
    association_id INTEGER NOT NULL,
    intervention_id INTEGER NOT NULL,
    instrument TEXT NOT NULL,
    dimension TEXT NOT NULL,
    first_on TEXT NOT NULL,
    first_score INTEGER NOT NULL,
    last_on TEXT NOT NULL,
    last_score INTEGER NOT NULL,
    measurements INTEGER NOT NULL,
    PRIMARY KEY (participation_id, instrument, dimension)
);
CREATE INDEX participation_progress_association ON participation_progress (association_id);
CREATE INDEX participation_progress_intervention ON participation_progress (intervention_id);
