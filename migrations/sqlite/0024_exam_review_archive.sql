-- Issue 19: what a candidate may see of a handed-in attempt, and when (Moodle's review
-- options), and archived exams. The same in sqlite/ and postgres/.

-- JSON of exam::review::ReviewOptions: for the score, the candidate's answers, the correct
-- answers, per-answer feedback and general feedback, one of "never", "after_hand_in",
-- "after_close". '{}' reads as the defaults, which keep what exams showed before: the score
-- right after hand-in, nothing else.
ALTER TABLE exams ADD COLUMN review TEXT NOT NULL DEFAULT '{}';

-- When the exam was archived (hidden from the main lists, restorable); NULL: active.
ALTER TABLE exams ADD COLUMN archived_at BIGINT;
