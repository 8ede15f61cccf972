-- Admission receipts and the inbox's groups (issue 20). Keep in step with
-- ../sqlite/0031_receipts_inbox_kinds.sql.

-- The receipt of an application's documents (TVT-1): receipt_code is the random code of its
-- public check page (/admission/check/{code}), given when the committee first accepts the
-- documents and kept after; accepted_at is when the committee last accepted them.
ALTER TABLE admission_applications ADD COLUMN receipt_code TEXT;
ALTER TABLE admission_applications ADD COLUMN accepted_at BIGINT;
CREATE UNIQUE INDEX admission_applications_receipt ON admission_applications (receipt_code);

-- kind: the kind of event (notify::EventKind's code) a message tells, NULL for messages that
-- tell none (sign-in codes, notes to a person): the inbox groups messages by it.
ALTER TABLE inbox_messages ADD COLUMN kind TEXT;
