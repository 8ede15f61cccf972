-- Issue 21: consent to the processing of personal data (Kazakhstan's law 94-V, articles 7-8),
-- one row each time a person (or, for a minor, their parent or legal guardian) agrees to one
-- purpose, closed by withdrawn_at when it is withdrawn. A purpose has at most one open row per
-- person, so giving consent twice (a double click, a retry) records it once. text_version is
-- the version of the text that was shown, so what exactly was agreed to can be told later.
CREATE TABLE personal_data_consents (
    id             INTEGER PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('proctoring')),
    given_by       TEXT NOT NULL CHECK (given_by IN ('person','guardian')),
    guardian_name  TEXT,
    text_version   BIGINT NOT NULL,
    given_at       BIGINT NOT NULL,
    withdrawn_at   BIGINT
);
CREATE UNIQUE INDEX personal_data_consents_open ON personal_data_consents(user_id, purpose) WHERE withdrawn_at IS NULL;
CREATE INDEX personal_data_consents_user ON personal_data_consents(user_id, given_at);
