-- Issue 14, item 4: a registration and a new email or phone are confirmed by a code sent to
-- that contact, so the forms answer alike whether or not an address is already taken, and a
-- contact joins an account only when its owner has shown they receive what is sent there.

-- A self-registered account waits, inactive, from this instant until its code comes back. One
-- whose code has expired gives its login back to the next registration; a pending account never
-- holds an email against a registration (it has not shown the address is its own).
ALTER TABLE users ADD COLUMN pending_since BIGINT;

-- A new email or phone waits here until the code sent to it comes back; until then the account
-- keeps (and resets passwords through) the contact it had.
ALTER TABLE users ADD COLUMN new_email TEXT;
ALTER TABLE users ADD COLUMN new_phone TEXT;
