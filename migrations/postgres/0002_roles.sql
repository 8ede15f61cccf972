-- Roles of PLT-1 as data, with the permissions each grants, and the root of the organisation
-- tree (the installation itself). Role grants are scoped: a permission held through a grant
-- on organisation X applies to X and everything below it. Same text as SQLite but for the sequence line.

INSERT INTO organisations (id, parent_id, kind, name, created_at) VALUES (1, NULL, 'root', 'Talap', 0);
-- PostgreSQL only: an explicit id does not move the identity sequence.
SELECT setval(pg_get_serial_sequence('organisations', 'id'), 1);

INSERT INTO roles (code, sort_order) VALUES
  ('admin', 10), ('edu_department', 20), ('director', 30), ('head_of_department', 40),
  ('methodist', 50), ('clerk', 60), ('hr', 70), ('accountant', 80), ('school_admin', 90),
  ('teacher', 100), ('proctor', 110), ('olympiad_teacher', 120), ('student', 130),
  ('olympiad_participant', 140), ('applicant', 150);

INSERT INTO role_permissions (role, permission) VALUES
  ('admin', 'org.manage'), ('admin', 'user.manage'), ('admin', 'audit.read'),
  ('edu_department', 'org.manage'), ('edu_department', 'audit.read'),
  ('director', 'user.manage'), ('director', 'audit.read'),
  ('school_admin', 'user.manage'), ('school_admin', 'audit.read'),
  ('hr', 'user.manage');
