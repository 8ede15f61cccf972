-- College state e-services (issue 20, TVT-3): applications with their documents, the status
-- path a clerk moves them along, and the result document with its public check code. The
-- history of an application is its audit rows (entity 'service_application'). Keep in step
-- with ../postgres/0028_eservices.sql.

-- Handling applications (the clerk's queue): the college's office, its director and the
-- installation's administrator, over their subtree.
INSERT INTO role_permissions (role, permission) VALUES ('admin', 'services.manage'), ('director', 'services.manage'), ('clerk', 'services.manage');

-- One application for one service to one college. fields is the form as JSON (an object of
-- strings); result_lang the language of the result document ('kk' or 'ru'). status is one of
-- the path's (see services::model::Status); comment the clerk's last word to the applicant (the
-- correction asked for, the reason of a refusal or withdrawal). due_on ('YYYY-MM-DD') is the
-- statutory deadline, counted again from a resubmission. request_key is the form's idempotency
-- key (a retried submit finds the first application); last_key the key of the applicant's last
-- resubmission. result_number/result_code/result_at are set once, when the result (or the
-- motivated refusal) is issued; result_code is what the document's QR code carries.
CREATE TABLE service_applications (
    id            INTEGER PRIMARY KEY,
    service       TEXT NOT NULL,
    applicant_id  BIGINT NOT NULL REFERENCES users(id),
    college_id    BIGINT NOT NULL REFERENCES organisations(id),
    request_key   TEXT NOT NULL,
    last_key      TEXT NOT NULL DEFAULT '',
    fields        TEXT NOT NULL,
    result_lang   TEXT NOT NULL CHECK (result_lang IN ('kk', 'ru')),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'returned', 'resubmitted', 'approved', 'refused', 'issued', 'withdrawn')),
    comment       TEXT NOT NULL DEFAULT '',
    submitted_at  BIGINT NOT NULL,
    due_on        TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    result_number TEXT,
    result_code   TEXT UNIQUE,
    result_at     BIGINT
);
CREATE UNIQUE INDEX service_applications_request_key ON service_applications(applicant_id, request_key);
CREATE INDEX service_applications_queue ON service_applications(college_id, status);

-- The documents of an application, one per kind (a correction replaces it). Bytes live in the
-- media store under media_key; content_type is what the content was found to be.
CREATE TABLE service_application_files (
    id             INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES service_applications(id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    media_key      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    bytes          BIGINT NOT NULL,
    uploaded_at    BIGINT NOT NULL,
    UNIQUE (application_id, kind)
);

-- An application's history is read from the audit log by entity.
CREATE INDEX audit_log_entity_lookup ON audit_log(entity, entity_id);
