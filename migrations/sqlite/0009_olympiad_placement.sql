-- Winners' placement into specialised schools (OLY-5). Keep in step with
-- ../postgres/0009_olympiad_placement.sql. Times are epoch milliseconds.
--
-- The operator names the schools of the campaign's registry (directory schools) and their
-- seats; a winner applies in the applications window with up to three schools in order of
-- preference and documents; each school's staff see who applied to them; after the window the
-- operator places winners by rank (olympiad/placement.rs) and each family looks the result up.

CREATE TABLE olympiad_specialised_schools (
    campaign_id  BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    school_id    BIGINT NOT NULL REFERENCES organisations(id),
    seats        BIGINT NOT NULL CHECK (seats BETWEEN 0 AND 10000),
    PRIMARY KEY (campaign_id, school_id)
);

-- One application per participant and campaign; placed_school_id is what the last placement
-- decided (NULL with placed_at set: no seat in any chosen school).
CREATE TABLE olympiad_applications (
    id                INTEGER PRIMARY KEY,
    campaign_id       BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    participant_id    BIGINT NOT NULL REFERENCES olympiad_participants(id),
    submitted_at      BIGINT NOT NULL,
    placed_school_id  BIGINT REFERENCES organisations(id),
    placed_at         BIGINT,
    UNIQUE (participant_id)
);
CREATE INDEX olympiad_applications_campaign ON olympiad_applications(campaign_id);

CREATE TABLE olympiad_application_choices (
    application_id  BIGINT NOT NULL REFERENCES olympiad_applications(id),
    position        BIGINT NOT NULL CHECK (position BETWEEN 1 AND 3),
    school_id       BIGINT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (application_id, position),
    UNIQUE (application_id, school_id)
);

-- Documents attached to an application (checked by content, stored in the media store).
CREATE TABLE olympiad_application_files (
    application_id  BIGINT NOT NULL REFERENCES olympiad_applications(id),
    file_name       TEXT NOT NULL,
    media_key       TEXT NOT NULL,
    bytes           BIGINT NOT NULL,
    uploaded_at     BIGINT NOT NULL,
    PRIMARY KEY (application_id, file_name)
);

-- A specialised school's director and administrator see the winners who applied to it.
INSERT INTO role_permissions (role, permission) VALUES
  ('director', 'olympiad.admit'), ('school_admin', 'olympiad.admit'), ('admin', 'olympiad.admit');

-- A pupil registers themself with their teacher's code (OLY-2): one code per teacher and
-- campaign, made when the teacher's page first shows it (olympiad/join.rs).
ALTER TABLE olympiad_teachers ADD COLUMN join_code TEXT;
CREATE UNIQUE INDEX olympiad_teachers_join_code ON olympiad_teachers(join_code);
