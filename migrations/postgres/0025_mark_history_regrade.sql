-- A regrade (issue 19) is a reason of its own in a journal cell's history: the mark changed
-- because the teacher corrected a question's key and the exam was scored again, not because the
-- candidate handed in. The CHECK that 0020 added (named by PostgreSQL after the column) takes
-- the new kind.
-- dialect: begin
ALTER TABLE mark_history DROP CONSTRAINT mark_history_reason_kind_check;
ALTER TABLE mark_history ADD CONSTRAINT mark_history_reason_kind_check
    CHECK (reason_kind IN ('teacher', 'exam', 'assignment', 'verdict', 'regrade'));
-- dialect: end
