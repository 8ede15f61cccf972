-- Student records (issue 20, TVT-9): a group's language of study beside the rest of its
-- profile, the permission to keep records, and each student's movements (enrolled,
-- transferred, academic leave, reinstated, expelled, graduated). Keep in step with
-- ../postgres/0027_student_records.sql.

-- The language a group is taught in (kk, ru, en); '' until someone sets it.
ALTER TABLE study_groups ADD COLUMN study_language TEXT NOT NULL DEFAULT '';

-- Keeping student records (group profiles, the import of students and groups, movements):
-- the college's director and the installation's administrator, over their subtree.
INSERT INTO role_permissions (role, permission) VALUES ('admin', 'records.manage'), ('director', 'records.manage');

-- A student's movements, oldest first. A group is an organisation of kind 'group'; the
-- student's membership is their 'student' grant on it, which a transfer moves and a leave,
-- an expulsion or a graduation ends, in the same transaction as the row here. on_date is the
-- order's date ('YYYY-MM-DD'); recorded_by/recorded_at say who typed it and when.
CREATE TABLE student_movements (
    id           INTEGER PRIMARY KEY,
    student_id   BIGINT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('enrolled', 'transferred', 'academic_leave', 'reinstated', 'expelled', 'graduated')),
    on_date      TEXT NOT NULL,
    from_group   BIGINT REFERENCES organisations(id),
    to_group     BIGINT REFERENCES organisations(id),
    reason       TEXT NOT NULL DEFAULT '',
    recorded_by  BIGINT NOT NULL REFERENCES users(id),
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX student_movements_student ON student_movements(student_id, id);
