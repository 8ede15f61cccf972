-- Why a journal cell changed, as a kind the reader's language renders (issue 18): a teacher's
-- own words ('teacher', kept as typed), or the exam, assignment or proctoring verdict that set
-- the mark, with its title in `reason`. Until now the app wrote those three as a Kazakh
-- sentence that Russian and English readers could not read; they become kinds here.
ALTER TABLE mark_history ADD COLUMN reason_kind TEXT NOT NULL DEFAULT 'teacher'
    CHECK (reason_kind IN ('teacher', 'exam', 'assignment', 'verdict'));
UPDATE mark_history SET reason_kind = 'exam', reason = SUBSTR(reason, 10) WHERE reason LIKE 'Емтихан: %';
UPDATE mark_history SET reason_kind = 'assignment', reason = SUBSTR(reason, 11) WHERE reason LIKE 'Тапсырма: %';
UPDATE mark_history SET reason_kind = 'verdict', reason = SUBSTR(reason, 17) WHERE reason LIKE 'Бақылау шешімі: %';
