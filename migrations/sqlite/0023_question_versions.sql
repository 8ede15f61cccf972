-- Question versions (issue 19): editing a bank question never changes its row. The edit is a new
-- row of the same family (family_id: the first version's id) with the next version number, and
-- the old row is archived in the same transaction, so an attempt that drew the old id keeps
-- exactly the text and key it drew. The bank shows the rows not archived: the latest versions.
-- Same text in ../sqlite and ../postgres.
ALTER TABLE exam_questions ADD COLUMN family_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE exam_questions ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE exam_questions SET family_id = id;
-- A new first version is written with family 0 and given its own id at once (same transaction);
-- two edits of one version racing each other cannot both make the next version.
CREATE UNIQUE INDEX exam_questions_family ON exam_questions(family_id, version) WHERE family_id <> 0;
