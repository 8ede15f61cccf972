-- Keep in step with ../sqlite/0015_proctor_mode.sql.
-- Issue 15: phones. Phone and tablet browsers cannot share their screen, and three quarters of
-- the olympiad's candidates sit on a phone. An exam (and an olympiad stage, whose variants are
-- exams) says which devices it may be sat on; an attempt records what its capture ran with.

-- 'computer': a computer that shares its entire screen (what every exam did until now);
-- 'any_device': a phone or a computer, the camera and the page's events everywhere and the
-- screen wherever the browser can share it.
ALTER TABLE exams ADD COLUMN proctor_mode TEXT NOT NULL DEFAULT 'computer'
    CHECK (proctor_mode IN ('computer', 'any_device'));

-- 'screen': camera and entire screen; 'camera': the camera alone (no screenshots are owed).
-- Fixed when the attempt starts; a reload or a resumed sitting keeps it.
ALTER TABLE exam_attempts ADD COLUMN capture TEXT NOT NULL DEFAULT 'screen'
    CHECK (capture IN ('screen', 'camera'));

-- The mode the stage's variants are prepared with (stages prepared before keep 'computer').
ALTER TABLE olympiad_stages ADD COLUMN proctor_mode TEXT NOT NULL DEFAULT 'computer'
    CHECK (proctor_mode IN ('computer', 'any_device'));
