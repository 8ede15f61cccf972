-- Issue 14, item 8: a paper names its options by opaque ids derived from a per-attempt secret
-- (exam::store::option_ids), never by their index in the bank, from which the key followed.
-- NULL for attempts started before: their stored shuffling seeds serve as the secret.
ALTER TABLE exam_attempts ADD COLUMN paper_key TEXT;

-- Issue 14, item 9: a decided appeal is final unless a reviewer above both who decided reopens
-- it. The appeal keeps the verdict it was made against and who gave it, since upholding an
-- appeal overwrites both on the attempt. Appeals made before: taken from the attempt where it
-- still holds them (not upheld); an upheld one was against an annulment, its author unknown.
ALTER TABLE proctor_appeals ADD COLUMN verdict TEXT;
ALTER TABLE proctor_appeals ADD COLUMN verdict_by BIGINT REFERENCES users(id);
UPDATE proctor_appeals SET
    verdict = (SELECT a.verdict FROM exam_attempts a WHERE a.id = proctor_appeals.attempt_id),
    verdict_by = (SELECT a.verdict_by FROM exam_attempts a WHERE a.id = proctor_appeals.attempt_id)
WHERE status <> 'upheld';
UPDATE proctor_appeals SET verdict = 'annulled' WHERE status = 'upheld';
