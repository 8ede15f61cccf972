-- The national olympiad "Мың бала" (OLY-1, OLY-2, OLY-8): the school directory's olympiad
-- facts, campaigns with their stages and eligibility, registered teachers and participants.
-- Regions, districts and schools are organisations (kinds region/district/school), so the
-- role grants of teachers and pupils on their school scope everything as elsewhere.
-- Keep in step with ../postgres/0006_olympiad.sql.

-- One account per person: the IIN is unique across all users (NULL for accounts without one).
ALTER TABLE users ADD COLUMN iin TEXT;
CREATE UNIQUE INDEX users_iin ON users(iin);

-- What the olympiad needs to know of a school: its code in the directory (how a re-import
-- finds it again), whether it is rural (eligibility), and its languages of instruction.
CREATE TABLE school_profiles (
    org_id      BIGINT PRIMARY KEY REFERENCES organisations(id),
    code        TEXT NOT NULL UNIQUE,
    rural       BIGINT NOT NULL DEFAULT 0 CHECK (rural IN (0, 1)),
    languages   TEXT NOT NULL CHECK (languages IN ('kk', 'ru', 'kk,ru')),
    -- Name and code lower-cased by the application: SQLite's LOWER() knows only ASCII, so
    -- searching Cyrillic names case-insensitively needs the key computed once, in Rust.
    search_key  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE olympiad_campaigns (
    id                     INTEGER PRIMARY KEY,
    title                  TEXT NOT NULL UNIQUE,
    teacher_reg_opens      BIGINT NOT NULL,
    teacher_reg_closes     BIGINT NOT NULL,
    participant_reg_opens  BIGINT NOT NULL,
    participant_reg_closes BIGINT NOT NULL,
    results_at             BIGINT NOT NULL,
    applications_opens     BIGINT NOT NULL,
    applications_closes    BIGINT NOT NULL,
    grade_min              BIGINT NOT NULL CHECK (grade_min BETWEEN 1 AND 11),
    grade_max              BIGINT NOT NULL CHECK (grade_max BETWEEN grade_min AND 11),
    rural_only             BIGINT NOT NULL DEFAULT 0 CHECK (rural_only IN (0, 1)),
    created_by             BIGINT NOT NULL REFERENCES users(id),
    created_at             BIGINT NOT NULL
);

CREATE TABLE olympiad_subjects (
    campaign_id  BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    position     BIGINT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (campaign_id, name)
);

-- Stage 1 sits in each region's own window (regions test on different days).
CREATE TABLE olympiad_stage_windows (
    campaign_id  BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    region_id    BIGINT NOT NULL REFERENCES organisations(id),
    opens_at     BIGINT NOT NULL,
    closes_at    BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, region_id)
);

-- A teacher's registration for a campaign. The account stays inactive until the emailed code
-- is confirmed (confirmed_at); only then is the olympiad_teacher role granted on the school.
CREATE TABLE olympiad_teachers (
    id            INTEGER PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    user_id       BIGINT NOT NULL REFERENCES users(id),
    school_id     BIGINT NOT NULL REFERENCES organisations(id),
    created_at    BIGINT NOT NULL,
    confirmed_at  BIGINT,
    UNIQUE (campaign_id, user_id)
);
CREATE INDEX olympiad_teachers_school ON olympiad_teachers(school_id);

-- A pupil registered for a campaign by a teacher of their school (OLY-2). One account per
-- IIN (users.iin), so one registration per IIN and campaign. A participant sits all the
-- campaign's subjects in the variant for their grade and language.
CREATE TABLE olympiad_participants (
    id             INTEGER PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    user_id        BIGINT NOT NULL REFERENCES users(id),
    school_id      BIGINT NOT NULL REFERENCES organisations(id),
    registered_by  BIGINT NOT NULL REFERENCES users(id),
    grade          BIGINT NOT NULL CHECK (grade BETWEEN 1 AND 11),
    language       TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    created_at     BIGINT NOT NULL,
    UNIQUE (campaign_id, user_id)
);
CREATE INDEX olympiad_participants_school ON olympiad_participants(campaign_id, school_id);

INSERT INTO roles (code, sort_order) VALUES ('olympiad_operator', 115);
INSERT INTO role_permissions (role, permission) VALUES
  ('olympiad_operator', 'olympiad.operate'), ('admin', 'olympiad.operate'),
  ('olympiad_teacher', 'olympiad.register');
