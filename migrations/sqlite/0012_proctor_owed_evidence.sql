-- The evidence a proctored attempt owes the server (issue 14, item 7): proctoring is no longer
-- enforced by the browser alone.
--
-- A gap in an attempt's webcam snapshots (or screenshots) longer than this many of the exam's
-- intervals is a violation, like no_face_frames for faceless snapshots.
ALTER TABLE exams ADD COLUMN missing_frames BIGINT NOT NULL DEFAULT 3;

-- Device checks the server received: a test snapshot that reached it and decoded. An attempt
-- whose candidate sent none shortly before or during it gets a violation. Nothing else of the
-- check is kept (the image is not stored).
CREATE TABLE proctor_device_checks (
    id              INTEGER PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id),
    checked_at      BIGINT NOT NULL,
    faces           BIGINT NOT NULL
);
CREATE INDEX proctor_device_checks_user ON proctor_device_checks(user_id, checked_at);
