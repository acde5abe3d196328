-- Applications: the content as one document per version, the parties for access, signatures,
-- submitted versions, diarienummer counters, completion requests, attachments, and the
-- association's fixed agreement text. Keep equivalent to postgres/0002_applications.sql.

CREATE TABLE agreement_texts (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (association_id, version)
);

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    association_id INTEGER NOT NULL REFERENCES associations(id),
    owner_member_id INTEGER NOT NULL REFERENCES members(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signing', 'received', 'completion_requested')),
    registration_number TEXT,
    received_at TEXT,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    lock_version INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (association_id, registration_number)
);
CREATE INDEX applications_association_status ON applications (association_id, status, updated_at);
CREATE INDEX applications_association_updated ON applications (association_id, updated_at);
CREATE INDEX applications_owner ON applications (owner_member_id);

CREATE TABLE application_parties (
    application_id INTEGER NOT NULL REFERENCES applications(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    is_owner BOOLEAN NOT NULL,
    PRIMARY KEY (application_id, member_id)
);
CREATE INDEX application_parties_member ON application_parties (member_id, application_id);

CREATE TABLE application_signatures (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    member_id INTEGER NOT NULL REFERENCES members(id),
    signer_user_id INTEGER NOT NULL REFERENCES users(id),
    content_hash TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    voided_at TEXT
);
CREATE INDEX application_signatures_application ON application_signatures (application_id, voided_at);

CREATE TABLE application_versions (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    version_no INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users(id),
    submitted_at TEXT NOT NULL,
    UNIQUE (application_id, version_no)
);

-- The running number of each association's diarienummer per year.
CREATE TABLE registration_counters (
    association_id INTEGER NOT NULL REFERENCES associations(id),
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (association_id, year)
);

CREATE TABLE completion_requests (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    message TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX completion_requests_application ON completion_requests (application_id);

CREATE TABLE application_attachments (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX application_attachments_application ON application_attachments (application_id);
