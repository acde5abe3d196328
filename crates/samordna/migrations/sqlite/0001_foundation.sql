-- Foundation: associations and their members, users with scoped roles, sessions, API tokens,
-- login throttling and the append-only audit log. Keep equivalent to postgres/0001_foundation.sql.

CREATE TABLE associations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    org_number TEXT NOT NULL UNIQUE,
    registration_prefix TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    name TEXT NOT NULL,
    org_number TEXT NOT NULL,
    party_kind TEXT NOT NULL CHECK (party_kind IN ('fk', 'af', 'region', 'kommun')),
    created_at TEXT NOT NULL,
    UNIQUE (association_id, org_number)
);
CREATE INDEX members_association ON members (association_id);

CREATE TABLE member_populations (
    member_id INTEGER NOT NULL REFERENCES members(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population INTEGER NOT NULL CHECK (population >= 0),
    population_16_64 INTEGER CHECK (population_16_64 >= 0),
    PRIMARY KEY (member_id, year)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    password_changed_at TEXT
);

CREATE TABLE user_roles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'association_admin', 'director', 'case_officer',
        'board_member', 'auditor', 'intervention_lead', 'signatory', 'case_worker')),
    association_id INTEGER REFERENCES associations(id),
    member_id INTEGER REFERENCES members(id),
    created_at TEXT NOT NULL,
    -- A system role has no scope, an association role names its association, a member role its member.
    CHECK (
        (role = 'system_admin' AND association_id IS NULL AND member_id IS NULL)
        OR (role IN ('association_admin', 'director', 'case_officer', 'board_member', 'auditor')
            AND association_id IS NOT NULL AND member_id IS NULL)
        OR (role IN ('intervention_lead', 'signatory', 'case_worker')
            AND association_id IS NULL AND member_id IS NOT NULL)
    )
);
CREATE INDEX user_roles_user ON user_roles (user_id);
CREATE INDEX user_roles_association ON user_roles (association_id);
CREATE INDEX user_roles_member ON user_roles (member_id);
CREATE UNIQUE INDEX user_roles_unique ON user_roles (user_id, role, COALESCE(association_id, 0), COALESCE(member_id, 0));

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins within the throttling window. The account is kept as a hash of the typed address:
-- what was typed may be a password or someone else's address.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    account_hash TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account_hash, at);
CREATE INDEX login_failures_client ON login_failures (client_addr, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_role TEXT,
    association_id INTEGER,
    member_id INTEGER,
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    client_addr TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_occurred ON audit_events (occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
CREATE INDEX audit_events_association ON audit_events (association_id, id);

-- The chain's head: one row, updated by every append, which serialises appends.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
