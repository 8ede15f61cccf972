-- Issue 14, item 8: a paper names its options by opaque ids derived from a per-attempt secret
-- (exam::store::option_ids), never by their index in the bank, from which the key followed.
-- NULL for attempts started before: their stored shuffling seeds serve as the secret.
ALTER TABLE exam_attempts ADD COLUMN paper_key TEXT;

