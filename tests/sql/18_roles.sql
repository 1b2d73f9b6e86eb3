-- Roles and privileges (issue 14): one session switches roles with SET ROLE.
CREATE ROLE diff_alice;
CREATE TABLE priv_t (a int);
INSERT INTO priv_t VALUES (1);
SET ROLE diff_alice;
SELECT current_user, session_user;
SELECT * FROM priv_t; -- error
INSERT INTO priv_t VALUES (2); -- error
UPDATE priv_t SET a = 2; -- error
DELETE FROM priv_t; -- error
DROP TABLE priv_t; -- error
ALTER TABLE priv_t ADD COLUMN b int; -- error
CREATE ROLE diff_eve; -- error
SELECT rolname FROM pg_authid; -- error
DROP DATABASE postgres; -- error
RESET ROLE;
GRANT SELECT ON priv_t TO diff_alice;
SET ROLE diff_alice;
SELECT * FROM priv_t;
SELECT has_table_privilege('priv_t', 'SELECT'), has_table_privilege('priv_t', 'INSERT');
INSERT INTO priv_t VALUES (3); -- error
RESET ROLE;
SELECT current_user;
SELECT rolname, rolsuper, rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = 'diff_alice';
CREATE ROLE diff_alice; -- error
CREATE ROLE pg_diff; -- error
ALTER ROLE diff_alice LOGIN CONNECTION LIMIT 3;
SELECT rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = 'diff_alice';
SELECT usename, usesuper FROM pg_user WHERE usename = 'diff_alice';
SET ROLE diff_ghost; -- error
DROP TABLE priv_t;
DROP ROLE diff_alice;
DROP ROLE IF EXISTS diff_alice;
DROP ROLE diff_ghost; -- error
