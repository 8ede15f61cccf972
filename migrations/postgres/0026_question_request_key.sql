-- A new question saved from the editor carries the idempotency key its form made (issue 19's
-- follow-up): a save sent again after its answer was lost finds the question the first one
-- wrote instead of writing a second. Keys are the owner's (two teachers' keys never meet);
-- imported questions and later versions have none (NULLs never collide). Same text in
-- ../sqlite and ../postgres.
ALTER TABLE exam_questions ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX exam_questions_request_key ON exam_questions(owner_id, request_key);
