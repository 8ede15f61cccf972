-- Issue 14, items 1 and 6.
--
-- A registration card's first sign-in code may only be minted for an account that the pupil's
-- registration itself created (and that nobody has signed into yet): registering someone must
-- never hand a credential over an account that existed before. The registration remembers
-- whether it created the account.
ALTER TABLE olympiad_participants ADD COLUMN created_account BIGINT NOT NULL DEFAULT 0;
-- Registrations made before this column: the registration created the account when the
-- account was made in the same instant (one transaction wrote both with the same clock) and
-- has never had a password. Anything else (an account linked by IIN or login) gets no code.
UPDATE olympiad_participants SET created_account = 1
 WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = olympiad_participants.user_id
                 AND u.password_hash = '!' AND u.created_at = olympiad_participants.created_at);

-- Codes now have a purpose each (password_reset, first_sign_in, contact_confirm); before, all
-- were 'password_reset', so the reset form took a card's code. Unused codes printed on cards
-- (they live at least 7 days; reset codes 15 minutes, invitations 24 hours) become first
-- sign-in codes where the account qualifies for one, and are withdrawn elsewhere: a card
-- printed for an account its registration did not create must not keep working. Teachers
-- still confirming a registration keep their code under its new purpose.
UPDATE verification_codes SET purpose = 'first_sign_in'
 WHERE purpose = 'password_reset' AND used_at IS NULL AND expires_at - created_at > 86400000
   AND user_id IN (SELECT u.id FROM users u JOIN olympiad_participants op ON op.user_id = u.id
                    WHERE u.password_hash = '!' AND op.created_account = 1);
DELETE FROM verification_codes
 WHERE purpose = 'password_reset' AND used_at IS NULL AND expires_at - created_at > 86400000;
UPDATE verification_codes SET purpose = 'contact_confirm'
 WHERE purpose = 'password_reset' AND used_at IS NULL
   AND user_id IN (SELECT t.user_id FROM olympiad_teachers t JOIN users u ON u.id = t.user_id
                    WHERE t.confirmed_at IS NULL AND u.active = 0);

-- Messages carrying a one-time code: their text stays only until it is sent (the worker needs
-- it), then it is blanked, so the outbox never keeps a usable code after delivery.
ALTER TABLE outbox ADD COLUMN secret BIGINT NOT NULL DEFAULT 0;
