-- The electronic journal (JRN-1..11). Keep in step with ../postgres/0004_journal.sql.

-- A study group's profile: the specialty it is trained in (reports group by it), its course
-- (year of study) and form of study. Groups themselves are organisations of kind 'group';
-- their students are users holding the 'student' role on that organisation.
CREATE TABLE study_groups (
    group_id        BIGINT PRIMARY KEY REFERENCES organisations(id),
    specialty_code  TEXT NOT NULL DEFAULT '',
    specialty_name  TEXT NOT NULL DEFAULT '',
    course          BIGINT NOT NULL DEFAULT 1,
    study_form      TEXT NOT NULL DEFAULT 'full_time'
);

-- One journal: a group x subject x teacher x semester (JRN-1). Dates are 'YYYY-MM-DD' text,
-- which sorts and compares correctly on both backends.
CREATE TABLE journals (
    id              INTEGER PRIMARY KEY,
    group_id        BIGINT NOT NULL REFERENCES organisations(id),
    subject         TEXT NOT NULL,
    teacher_id      BIGINT NOT NULL REFERENCES users(id),
    semester_start  TEXT NOT NULL,
    semester_end    TEXT NOT NULL,
    scale           TEXT NOT NULL CHECK (scale IN ('five','hundred')),
    title           TEXT NOT NULL,
    planned_half_hours BIGINT NOT NULL DEFAULT 0,
    syllabus        TEXT NOT NULL DEFAULT '',
    created_by      BIGINT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    UNIQUE (group_id, subject, teacher_id, semester_start)
);
CREATE INDEX journals_teacher ON journals(teacher_id);

-- The calendar-thematic plan (KTP): topics in teaching order with planned hours.
CREATE TABLE ktp_topics (
    id              INTEGER PRIMARY KEY,
    journal_id      BIGINT NOT NULL REFERENCES journals(id),
    position        BIGINT NOT NULL,
    title           TEXT NOT NULL,
    half_hours      BIGINT NOT NULL,
    lesson_type     TEXT NOT NULL,
    homework        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ktp_topics_journal ON ktp_topics(journal_id, position);

-- A lesson: one pair on one day. Hours are kept as half-hours (JRN-2: 0.5 or 1..6).
CREATE TABLE lessons (
    id              INTEGER PRIMARY KEY,
    journal_id      BIGINT NOT NULL REFERENCES journals(id),
    lesson_date     TEXT NOT NULL,
    pair            BIGINT NOT NULL,
    half_hours      BIGINT NOT NULL CHECK (half_hours = 1 OR (half_hours BETWEEN 2 AND 12 AND half_hours % 2 = 0)),
    lesson_type     TEXT NOT NULL,
    topic           TEXT NOT NULL DEFAULT '',
    plan            TEXT NOT NULL DEFAULT '',
    homework        TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    UNIQUE (journal_id, lesson_date, pair)
);

-- What a student got on a lesson: a mark or an attendance code, never both. A row exists only
-- for a non-empty cell. `excuse_media` is the key of the uploaded note for an excused absence.
CREATE TABLE journal_cells (
    lesson_id       BIGINT NOT NULL REFERENCES lessons(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    mark            BIGINT,
    attendance      TEXT,
    excuse_media    TEXT,
    updated_by      BIGINT NOT NULL REFERENCES users(id),
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, student_id),
    CHECK ((mark IS NULL) <> (attendance IS NULL))
);
CREATE INDEX journal_cells_student ON journal_cells(student_id);

-- Every change of a cell (JRN-10): old and new value as stored codes ('' = empty, '5', 'n').
CREATE TABLE mark_history (
    id              INTEGER PRIMARY KEY,
    journal_id      BIGINT NOT NULL REFERENCES journals(id),
    lesson_id       BIGINT NOT NULL REFERENCES lessons(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    old_value       TEXT NOT NULL,
    new_value       TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    actor_id        BIGINT NOT NULL REFERENCES users(id),
    at              BIGINT NOT NULL
);
CREATE INDEX mark_history_journal ON mark_history(journal_id, at);

-- Individual assignments (JRN-5) and each student's submission.
CREATE TABLE assignments (
    id              INTEGER PRIMARY KEY,
    journal_id      BIGINT NOT NULL REFERENCES journals(id),
    lesson_id       BIGINT NOT NULL REFERENCES lessons(id),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    due_date        TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE TABLE submissions (
    assignment_id   BIGINT NOT NULL REFERENCES assignments(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL CHECK (status IN ('assigned','submitted','rework','marked')),
    answer          TEXT NOT NULL DEFAULT '',
    file_name       TEXT,
    file_media      TEXT,
    comment         TEXT NOT NULL DEFAULT '',
    mark            BIGINT,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (assignment_id, student_id)
);
CREATE INDEX submissions_student ON submissions(student_id);

-- Certificates (JRN-11): a student's request and, once issued, its number and the secret in
-- the QR code that opens the public check page.
CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY,
    student_id      BIGINT NOT NULL REFERENCES users(id),
    group_id        BIGINT NOT NULL REFERENCES organisations(id),
    purpose         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('requested','issued','rejected')),
    number          TEXT UNIQUE,
    verify_code     TEXT UNIQUE,
    requested_at    BIGINT NOT NULL,
    issued_at       BIGINT,
    issued_by       BIGINT REFERENCES users(id)
);
CREATE INDEX certificates_student ON certificates(student_id);

-- Teachers keep journals; heads of studies, methodists and directors read every journal in
-- their scope and its reports; the office (clerk) issues certificates. Directors and school
-- administrators also hold journal.keep: they appoint teachers, and a grant may not carry a
-- permission its granter lacks (many of them teach, too).
INSERT INTO role_permissions (role, permission) VALUES
  ('teacher', 'journal.keep'), ('director', 'journal.keep'), ('school_admin', 'journal.keep'), ('admin', 'journal.keep'),
  ('admin', 'journal.read'), ('edu_department', 'journal.read'), ('director', 'journal.read'),
  ('head_of_department', 'journal.read'), ('methodist', 'journal.read'),
  ('clerk', 'certificate.issue'), ('director', 'certificate.issue'), ('admin', 'certificate.issue'),
  ('head_of_department', 'certificate.issue');
