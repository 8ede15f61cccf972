-- Issue 19: several attempts per candidate, graded by a method of the exam's (Moodle's quiz:
-- highest, average, first, last). Keep in step with ../sqlite/0022_exam_attempts_several.sql.

-- How many attempts a candidate may make (1..10; "unlimited" is not offered) and which of
-- their handed-in, not annulled attempts make the mark in the journal.
ALTER TABLE exams ADD COLUMN attempts_allowed BIGINT NOT NULL DEFAULT 1
    CHECK (attempts_allowed BETWEEN 1 AND 10);
ALTER TABLE exams ADD COLUMN grading_method TEXT NOT NULL DEFAULT 'highest'
    CHECK (grading_method IN ('highest','average','first','last'));

-- dialect: begin
-- An attempt is numbered within its candidate's attempts at the exam: UNIQUE (exam_id,
-- student_id, attempt_no) replaces UNIQUE (exam_id, student_id), which 0005 left unnamed
-- (PostgreSQL's default name). SQLite rebuilds the table instead.
ALTER TABLE exam_attempts ADD COLUMN attempt_no BIGINT NOT NULL DEFAULT 1;
ALTER TABLE exam_attempts DROP CONSTRAINT exam_attempts_exam_id_student_id_key;
ALTER TABLE exam_attempts ADD CONSTRAINT exam_attempts_exam_id_student_id_attempt_no_key UNIQUE (exam_id, student_id, attempt_no);
-- dialect: end
