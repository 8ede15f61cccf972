-- Issue 21: consent to olympiad participation is a purpose of its own (the IIN, name, school
-- and grade a registration keeps, results and certificates), and a consent can be recorded by
-- the school from a signed paper form: recorded_by is the teacher who recorded it (NULL when
-- the person, or their guardian, agreed on the screen themselves).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt (on both backends,
-- one schema); nothing refers to it.
CREATE TABLE personal_data_consents_new (
    id             INTEGER PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('proctoring','olympiad')),
    given_by       TEXT NOT NULL CHECK (given_by IN ('person','guardian')),
    guardian_name  TEXT,
    text_version   BIGINT NOT NULL,
    given_at       BIGINT NOT NULL,
    withdrawn_at   BIGINT,
    recorded_by    BIGINT REFERENCES users(id)
);
INSERT INTO personal_data_consents_new (id, user_id, purpose, given_by, guardian_name, text_version, given_at, withdrawn_at)
    SELECT id, user_id, purpose, given_by, guardian_name, text_version, given_at, withdrawn_at FROM personal_data_consents;
DROP TABLE personal_data_consents;
ALTER TABLE personal_data_consents_new RENAME TO personal_data_consents;
CREATE UNIQUE INDEX personal_data_consents_open ON personal_data_consents(user_id, purpose) WHERE withdrawn_at IS NULL;
CREATE INDEX personal_data_consents_user ON personal_data_consents(user_id, given_at);
