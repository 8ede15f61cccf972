-- Online exams (EXM-1..5) and Proctoring 2.0 (PRC-1..3). Keep in step with ../postgres/0005_exams.sql.
-- Times are epoch milliseconds (BIGINT), as everywhere else.

-- A teacher's question bank, per subject. `body` is the question as JSON (exam::model::Question:
-- kind, text, options, key, points); the key never leaves the server.
CREATE TABLE exam_questions (
    id              INTEGER PRIMARY KEY,
    owner_id        BIGINT NOT NULL REFERENCES users(id),
    subject         TEXT NOT NULL,
    topic           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    archived        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL
);
CREATE INDEX exam_questions_owner ON exam_questions(owner_id, subject, topic);

-- An exam of one journal (its group sits it, its teacher owns it, the mark lands on its lesson).
-- form: 'test' (drawn questions, scored automatically), 'ticket' (a random ticket, written answers
-- graded by the teacher), 'offline' (sat in a room; the teacher enters the marks).
CREATE TABLE exams (
    id                  INTEGER PRIMARY KEY,
    journal_id          BIGINT NOT NULL REFERENCES journals(id),
    lesson_id           BIGINT REFERENCES lessons(id),
    title               TEXT NOT NULL,
    form                TEXT NOT NULL CHECK (form IN ('test','ticket','offline')),
    opens_at            BIGINT NOT NULL,
    closes_at           BIGINT NOT NULL,
    duration_min        BIGINT NOT NULL,
    -- [["topic", n], ...]: how many questions each candidate draws from each topic of the bank.
    draw                TEXT NOT NULL DEFAULT '[]',
    proctored           BIGINT NOT NULL DEFAULT 1,
    allow_unproctored   BIGINT NOT NULL DEFAULT 0,
    snapshot_interval_s BIGINT NOT NULL DEFAULT 30,
    screen_interval_s   BIGINT NOT NULL DEFAULT 60,
    -- A violation needs this many consecutive snapshots without a face / with several faces.
    no_face_frames      BIGINT NOT NULL DEFAULT 2,
    many_faces_frames   BIGINT NOT NULL DEFAULT 2,
    -- Share (percent) of unflagged snapshots the server re-checks with its own detector.
    recheck_percent     BIGINT NOT NULL DEFAULT 20,
    retention_days      BIGINT NOT NULL DEFAULT 90,
    created_by          BIGINT NOT NULL REFERENCES users(id),
    created_at          BIGINT NOT NULL
);
CREATE INDEX exams_journal ON exams(journal_id);

-- Tickets of a ticket-form exam: a candidate gets one at random.
CREATE TABLE exam_tickets (
    id              INTEGER PRIMARY KEY,
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    number          BIGINT NOT NULL,
    body            TEXT NOT NULL,
    UNIQUE (exam_id, number)
);

-- The schedule (EXM-1): sittings of an exam in a room with a seat count, and who sits where.
CREATE TABLE exam_sittings (
    id              INTEGER PRIMARY KEY,
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    room            TEXT NOT NULL,
    seats           BIGINT NOT NULL CHECK (seats > 0),
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL
);
CREATE INDEX exam_sittings_room ON exam_sittings(room, starts_at);
CREATE TABLE exam_seats (
    sitting_id      BIGINT NOT NULL REFERENCES exam_sittings(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (sitting_id, student_id)
);

-- One candidate's attempt; at most one per exam. `questions` is [[question id, seed], ...]:
-- what was drawn and the seed that shuffles its options, so a reload shows the same paper.
-- The deadline is the server's: min(started + duration, closes).
CREATE TABLE exam_attempts (
    id              INTEGER PRIMARY KEY,
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    started_at      BIGINT NOT NULL,
    deadline_at     BIGINT NOT NULL,
    submitted_at    BIGINT,
    questions       TEXT NOT NULL DEFAULT '[]',
    ticket_id       BIGINT REFERENCES exam_tickets(id),
    proctored       BIGINT NOT NULL DEFAULT 1,
    -- Scores in thousandths of a point (exact sums on both backends).
    score_milli     BIGINT,
    max_points      BIGINT,
    needs_grading   BIGINT NOT NULL DEFAULT 0,
    mark            TEXT,
    grader_comment  TEXT NOT NULL DEFAULT '',
    -- Proctoring: summary risk (0..100), the verdict and who gave it.
    risk            BIGINT NOT NULL DEFAULT 0,
    verdict         TEXT NOT NULL DEFAULT 'pending' CHECK (verdict IN ('pending','valid','annulled')),
    verdict_by      BIGINT REFERENCES users(id),
    verdict_comment TEXT NOT NULL DEFAULT '',
    verdict_at      BIGINT,
    last_seen_at    BIGINT NOT NULL,
    UNIQUE (exam_id, student_id)
);
CREATE INDEX exam_attempts_open ON exam_attempts(submitted_at, deadline_at);

-- The latest answer to each question (autosave overwrites; the same answer twice changes nothing).
CREATE TABLE exam_answers (
    attempt_id      BIGINT NOT NULL REFERENCES exam_attempts(id),
    question_id     BIGINT NOT NULL,
    answer          TEXT NOT NULL,
    points_milli    BIGINT,
    saved_at        BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
);

-- Files attached to a ticket-form answer.
CREATE TABLE exam_files (
    attempt_id      BIGINT NOT NULL REFERENCES exam_attempts(id),
    file_name       TEXT NOT NULL,
    media_key       TEXT NOT NULL,
    bytes           BIGINT NOT NULL,
    uploaded_at     BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, file_name)
);

-- Proctoring evidence: one row per stored image. The idempotency key comes from the browser,
-- so a retried upload stores once. faces_client is what the browser counted; faces_server what
-- the server's own detector counted when it re-checked the image (NULL: not re-checked).
CREATE TABLE proctor_evidence (
    id              INTEGER PRIMARY KEY,
    attempt_id      BIGINT NOT NULL REFERENCES exam_attempts(id),
    kind            TEXT NOT NULL CHECK (kind IN ('webcam','screen')),
    idem_key        TEXT NOT NULL,
    media_key       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    bytes           BIGINT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    faces_client    BIGINT,
    faces_server    BIGINT,
    captured_at     BIGINT NOT NULL,
    received_at     BIGINT NOT NULL,
    purged_at       BIGINT,
    UNIQUE (attempt_id, idem_key)
);
CREATE INDEX proctor_evidence_attempt ON proctor_evidence(attempt_id, kind, captured_at);
CREATE INDEX proctor_evidence_received ON proctor_evidence(received_at);

-- Browser events (tab hidden, fullscreen exit, paste, stream ended...), idempotent the same way.
CREATE TABLE proctor_events (
    id              INTEGER PRIMARY KEY,
    attempt_id      BIGINT NOT NULL REFERENCES exam_attempts(id),
    idem_key        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    at              BIGINT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    received_at     BIGINT NOT NULL,
    UNIQUE (attempt_id, idem_key)
);
CREATE INDEX proctor_events_attempt ON proctor_events(attempt_id, at);

-- Violations derived from events and face counts; a reviewer confirms or dismisses each.
CREATE TABLE proctor_violations (
    id              INTEGER PRIMARY KEY,
    attempt_id      BIGINT NOT NULL REFERENCES exam_attempts(id),
    kind            TEXT NOT NULL,
    at              BIGINT NOT NULL,
    evidence_id     BIGINT REFERENCES proctor_evidence(id),
    event_id        BIGINT REFERENCES proctor_events(id),
    confidence      BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','confirmed','dismissed')),
    reviewed_by     BIGINT REFERENCES users(id),
    review_comment  TEXT NOT NULL DEFAULT '',
    reviewed_at     BIGINT,
    UNIQUE (attempt_id, kind, at)
);
CREATE INDEX proctor_violations_attempt ON proctor_violations(attempt_id, at);

-- A candidate's one appeal against a verdict; decided by a reviewer other than the one who gave it.
CREATE TABLE proctor_appeals (
    attempt_id      BIGINT PRIMARY KEY REFERENCES exam_attempts(id),
    text            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','upheld','rejected')),
    reviewer_id     BIGINT REFERENCES users(id),
    comment         TEXT NOT NULL DEFAULT '',
    decided_at      BIGINT
);

-- What the retention job removed, for the operator (the audit log gets a summary line too).
CREATE TABLE proctor_purges (
    id              INTEGER PRIMARY KEY,
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    images          BIGINT NOT NULL,
    bytes           BIGINT NOT NULL,
    purged_at       BIGINT NOT NULL
);

INSERT INTO role_permissions (role, permission) VALUES
  ('proctor', 'proctor.review'), ('admin', 'proctor.review'), ('director', 'proctor.review'),
  ('head_of_department', 'proctor.review');
