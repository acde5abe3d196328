-- The association's money: the state's allocation and equity per year, the dated key that splits
-- the kommuner's quarter, the budget per post, and the owners' requisitions against their grants.
-- Keep equivalent to postgres/0007_economy.sql.

-- Per association and year: the state's allocation (the members' contributions follow from it)
-- and the equity (eget kapital) at the end of the year, once known.
CREATE TABLE association_years (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    state_allocation_ore INTEGER NOT NULL CHECK (state_allocation_ore >= 0),
    equity_ore INTEGER,
    decided_on TEXT,
    updated_by INTEGER NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (association_id, year)
);

-- How the kommuner split their quarter, from a year on until the next key: by population, by
-- population 16-64 (both as at the end of the year before), or by fixed shares in millionths.
CREATE TABLE contribution_keys (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    valid_from_year INTEGER NOT NULL CHECK (valid_from_year BETWEEN 2000 AND 2200),
    kind TEXT NOT NULL CHECK (kind IN ('population', 'population_16_64', 'fixed')),
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (association_id, valid_from_year)
);

CREATE TABLE contribution_key_shares (
    key_id INTEGER NOT NULL REFERENCES contribution_keys(id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members(id),
    share_ppm INTEGER NOT NULL CHECK (share_ppm BETWEEN 0 AND 1000000),
    PRIMARY KEY (key_id, member_id)
);

-- The association's budget per post and year, with outcome and forecast.
CREATE TABLE budget_posts (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    post TEXT NOT NULL CHECK (post IN ('board', 'office', 'audit', 'interventions_individual',
        'interventions_structural', 'unallocated')),
    budget_ore INTEGER NOT NULL CHECK (budget_ore >= 0),
    outcome_ore INTEGER CHECK (outcome_ore >= 0),
    forecast_ore INTEGER CHECK (forecast_ore >= 0),
    PRIMARY KEY (association_id, year, post)
);

-- Per association: how long after an intervention's end final costs may be claimed, and above
-- which amount a claim needs evidence attached.
CREATE TABLE economy_settings (
    association_id INTEGER PRIMARY KEY REFERENCES associations(id),
    claim_tail_months INTEGER NOT NULL CHECK (claim_tail_months BETWEEN 0 AND 24),
    attachment_threshold_ore INTEGER NOT NULL CHECK (attachment_threshold_ore >= 0),
    updated_at TEXT NOT NULL
);

-- A claim of actual costs for a period within one calendar year. The status moves
-- submitted -> reviewed -> attested -> paid, or to rejected with a reason.
CREATE TABLE requisitions (
    id INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions(id),
    association_id INTEGER NOT NULL REFERENCES associations(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'reviewed', 'attested', 'paid', 'rejected')),
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    submitted_at TEXT NOT NULL,
    reviewed_by INTEGER REFERENCES users(id),
    reviewed_at TEXT,
    attested_by INTEGER REFERENCES users(id),
    attested_at TEXT,
    paid_by INTEGER REFERENCES users(id),
    paid_on TEXT,
    rejected_by INTEGER REFERENCES users(id),
    rejected_at TEXT,
    reject_reason TEXT,
    CHECK (period_from <= period_to)
);
CREATE INDEX requisitions_intervention ON requisitions (intervention_id, year, status);
CREATE INDEX requisitions_association ON requisitions (association_id, year, status, intervention_id);

CREATE TABLE requisition_rows (
    requisition_id INTEGER NOT NULL REFERENCES requisitions(id),
    position INTEGER NOT NULL,
    cost_kind TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_ore INTEGER NOT NULL CHECK (amount_ore > 0),
    PRIMARY KEY (requisition_id, position)
);

CREATE TABLE requisition_attachments (
    id INTEGER PRIMARY KEY,
    requisition_id INTEGER NOT NULL REFERENCES requisitions(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX requisition_attachments_requisition ON requisition_attachments (requisition_id);
