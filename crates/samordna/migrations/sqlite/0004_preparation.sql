-- Preparation of received applications: the assigned officer, the checklist, notes and the
-- decision proposal, every edit of which is kept; and each association's clause library.
-- Keep equivalent to postgres/0004_preparation.sql.

CREATE TABLE clause_templates (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'extension_requirements', 'member_funds', 'compliance', 'reject', 'refer_back')),
    template TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (association_id, kind)
);

CREATE TABLE preparations (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id),
    officer_user_id INTEGER REFERENCES users(id),
    checklist TEXT NOT NULL,
    notes TEXT NOT NULL,
    proposal TEXT NOT NULL,
    lock_version INTEGER NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL
);
CREATE INDEX preparations_officer ON preparations (officer_user_id);

CREATE TABLE proposal_edits (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    proposal TEXT NOT NULL,
    edited_by INTEGER NOT NULL REFERENCES users(id),
    edited_at TEXT NOT NULL
);
CREATE INDEX proposal_edits_application ON proposal_edits (application_id, id);
