-- Issue 16: the server's re-check of webcam snapshots (decode and face count) leaves the
-- upload's request path. An upload is stored after a structural check of the image; the frames
-- chosen for a re-check (every one the browser flagged, a share of the rest) wait here for a
-- background worker on any node, flagged ones first, within a CPU budget.
--
-- recheck: 'none'   not chosen (a sample left out, a screenshot, or stored before this queue);
--          'due'    waiting for a worker;
--          'done'   re-checked (faces_server holds the server's count);
--          'failed' the full decode failed although the structure looked right;
--          'missed' the budget did not reach it in time: shown as "not re-checked".
ALTER TABLE proctor_evidence ADD COLUMN recheck TEXT NOT NULL DEFAULT 'none'
    CHECK (recheck IN ('none', 'due', 'done', 'failed', 'missed'));
-- 0 for a frame the browser flagged (not exactly one face, or no count), 1 for a sample.
ALTER TABLE proctor_evidence ADD COLUMN recheck_rank BIGINT NOT NULL DEFAULT 1;
-- Epoch ms until which one worker holds the frame (a node that dies lets it go when it passes).
ALTER TABLE proctor_evidence ADD COLUMN recheck_lease BIGINT;
UPDATE proctor_evidence SET recheck = 'done' WHERE faces_server IS NOT NULL;
CREATE INDEX proctor_evidence_recheck_due ON proctor_evidence(recheck_rank, id) WHERE recheck = 'due';
