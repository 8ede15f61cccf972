-- A regrade (issue 19) is a reason of its own in a journal cell's history: the mark changed
-- because the teacher corrected a question's key and the exam was scored again, not because the
-- candidate handed in. SQLite cannot change a column's CHECK, so the column is made anew with the
-- wider list and the old one (with the old CHECK) dropped; it stays the table's last column, as
-- 0020 added it, so a backup's column list is unchanged.
-- dialect: begin
ALTER TABLE mark_history RENAME COLUMN reason_kind TO reason_kind_0020;
ALTER TABLE mark_history ADD COLUMN reason_kind TEXT NOT NULL DEFAULT 'teacher'
    CHECK (reason_kind IN ('teacher', 'exam', 'assignment', 'verdict', 'regrade'));
UPDATE mark_history SET reason_kind = reason_kind_0020;
ALTER TABLE mark_history DROP COLUMN reason_kind_0020;
-- dialect: end
