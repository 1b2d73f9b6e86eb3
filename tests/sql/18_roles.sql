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
-- Schema and database privileges, privilege functions for other roles, membership
-- through INHERIT and NOINHERIT roles, transactional role DDL.
CREATE ROLE diff_bob;
CREATE ROLE diff_grp NOINHERIT;
CREATE ROLE diff_top;
GRANT diff_grp TO diff_bob;
GRANT diff_top TO diff_grp;
CREATE SCHEMA priv_s;
CREATE TABLE priv_s.t (a int);
CREATE SEQUENCE priv_s.q;
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'priv_s';
SELECT nspname, nspacl::text FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog') ORDER BY 1;
GRANT USAGE ON SCHEMA priv_s TO diff_bob WITH GRANT OPTION;
GRANT CREATE ON SCHEMA priv_s TO PUBLIC;
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'priv_s';
GRANT SELECT ON SCHEMA priv_s TO diff_bob; -- error
GRANT USAGE ON DATABASE diff_18_roles TO diff_bob; -- error
GRANT USAGE ON SCHEMA priv_nosuch TO diff_bob; -- error
GRANT CONNECT ON DATABASE diff_nosuch TO diff_bob; -- error
GRANT USAGE ON SCHEMA priv_s TO diff_nosuch; -- error
GRANT USAGE ON SCHEMA priv_s TO PUBLIC WITH GRANT OPTION; -- error
GRANT TEMP ON DATABASE diff_18_roles TO diff_bob WITH GRANT OPTION;
GRANT ALL ON DATABASE diff_18_roles TO diff_top;
SELECT datacl::text FROM pg_database WHERE datname = 'diff_18_roles';
SET ROLE diff_bob;
SELECT * FROM priv_s.t; -- error
CREATE TABLE priv_s.mine (a int);
DROP TABLE priv_s.mine;
CREATE TABLE public.mine (a int); -- error
CREATE SCHEMA priv_other; -- error
DROP SCHEMA priv_s; -- error
DROP TABLE priv_s.t; -- error
GRANT USAGE, CREATE ON SCHEMA priv_s TO diff_grp;
GRANT CREATE ON SCHEMA priv_s TO diff_grp;
REVOKE CREATE ON SCHEMA priv_s FROM diff_grp;
REVOKE USAGE ON SCHEMA priv_s FROM diff_grp;
RESET ROLE;
REVOKE USAGE ON SCHEMA priv_s FROM diff_bob;
SET ROLE diff_bob;
SELECT * FROM priv_s.t; -- error
RESET ROLE;
SELECT has_schema_privilege('diff_bob', 'priv_s', 'USAGE'), has_schema_privilege('diff_bob', 'priv_s', 'CREATE');
SELECT has_database_privilege('diff_bob', 'diff_18_roles', 'connect'), has_database_privilege('diff_bob', 'diff_18_roles', 'create');
SELECT has_database_privilege('diff_grp', 'diff_18_roles', 'create'), has_database_privilege('diff_top', 'diff_18_roles', 'create');
SELECT pg_has_role('diff_bob', 'diff_top', 'MEMBER'), pg_has_role('diff_bob', 'diff_top', 'USAGE'), pg_has_role('diff_bob', 'diff_grp', 'USAGE');
SELECT pg_has_role('diff_bob', 'diff_grp', 'member with admin option'), pg_has_role('postgres', 'diff_grp', 'MEMBER WITH GRANT OPTION');
SELECT pg_has_role('diff_grp', 'member');
SELECT pg_has_role('diff_bob', 'diff_grp', 'frob'); -- error
SELECT pg_has_role('diff_nosuch', 'diff_grp', 'member'); -- error
SELECT pg_has_role('diff_bob', 99999::oid, 'member');
SELECT has_table_privilege('diff_bob', 'priv_s.t', 'SELECT'), has_table_privilege('priv_s.t', 'select, rule');
SELECT has_table_privilege('diff_bob', 'priv_nosuch', 'SELECT'); -- error
SELECT has_table_privilege('diff_bob', 99999::oid, 'SELECT');
SELECT has_table_privilege(99999::oid, 'priv_s.t', 'SELECT');
SELECT has_table_privilege('priv_s.t', 'select, frob'); -- error
SELECT has_table_privilege('priv_s.t', ' SELECT  WITH GRANT OPTION '); -- error
SELECT has_table_privilege('priv_s.t', ' SELECT WITH GRANT OPTION ');
SELECT has_sequence_privilege('priv_s.q', 'usage'), has_sequence_privilege('diff_bob', 'priv_s.q', 'select, update');
SELECT has_sequence_privilege('priv_s.t', 'usage'); -- error
SELECT has_sequence_privilege('priv_s.q', 'insert'); -- error
SELECT has_column_privilege('priv_s.t', 'a', 'select'), has_column_privilege('diff_bob', 'priv_s.t', 'a', 'insert');
SELECT has_column_privilege('priv_s.t', 'nosuch', 'select'); -- error
SELECT has_column_privilege('priv_s.t', 99::int2, 'select');
SELECT has_any_column_privilege('diff_bob', 'priv_s.t', 'select');
SELECT has_any_column_privilege('priv_s.t', 'delete'); -- error
SELECT has_database_privilege('diff_nosuch', 'connect'); -- error
SELECT has_database_privilege(99999::oid, 'connect');
SELECT has_schema_privilege('priv_nosuch', 'usage'); -- error
SELECT has_schema_privilege(99999::oid, 'usage');
SELECT has_schema_privilege('priv_s', 'select'); -- error
SET ROLE diff_bob;
SELECT * FROM pg_hba_file_rules; -- error
RESET ROLE;
BEGIN;
CREATE ROLE diff_tx1;
CREATE ROLE diff_tx2 IN ROLE diff_tx1;
SELECT count(*) FROM pg_roles WHERE rolname LIKE 'diff_tx%';
ROLLBACK;
SELECT count(*) FROM pg_roles WHERE rolname LIKE 'diff_tx%';
BEGIN;
CREATE ROLE diff_tx1;
SAVEPOINT a;
CREATE ROLE diff_tx2;
ALTER ROLE diff_tx1 LOGIN;
ROLLBACK TO a;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'diff_tx%';
COMMIT;
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'diff_tx%';
BEGIN;
DROP ROLE diff_tx1;
ROLLBACK;
SELECT count(*) FROM pg_roles WHERE rolname = 'diff_tx1';
DROP ROLE diff_tx1;
REVOKE ALL ON DATABASE diff_18_roles FROM diff_top, diff_bob;
REVOKE CREATE ON SCHEMA priv_s FROM PUBLIC;
DROP SCHEMA priv_s CASCADE;
DROP ROLE diff_bob, diff_grp, diff_top;
-- ALTER … OWNER TO a role one is not a member of (PostgreSQL 15's message).
CREATE ROLE diff_own;
CREATE SCHEMA priv_own;
CREATE TABLE priv_own_t (a int);
ALTER SCHEMA priv_own OWNER TO diff_own;
ALTER TABLE priv_own_t OWNER TO diff_own;
SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'priv_own';
SET ROLE diff_own;
ALTER SCHEMA priv_own OWNER TO postgres; -- error
ALTER TABLE priv_own_t OWNER TO postgres; -- error
RESET ROLE;
ALTER SCHEMA priv_own OWNER TO postgres;
DROP SCHEMA priv_own;
DROP TABLE priv_own_t;
DROP ROLE diff_own;
-- Grants made from a grant option go with it: 2BP01 without CASCADE.
CREATE ROLE diff_ca;
CREATE ROLE diff_cb;
CREATE ROLE diff_cc;
CREATE SCHEMA priv_cs;
GRANT USAGE, CREATE ON SCHEMA priv_cs TO diff_ca WITH GRANT OPTION;
SET ROLE diff_ca;
GRANT USAGE ON SCHEMA priv_cs TO diff_cb WITH GRANT OPTION;
RESET ROLE;
SET ROLE diff_cb;
GRANT USAGE ON SCHEMA priv_cs TO diff_cc;
RESET ROLE;
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'priv_cs';
REVOKE USAGE ON SCHEMA priv_cs FROM diff_ca; -- error
REVOKE GRANT OPTION FOR USAGE ON SCHEMA priv_cs FROM diff_ca; -- error
REVOKE GRANT OPTION FOR USAGE ON SCHEMA priv_cs FROM diff_ca CASCADE;
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'priv_cs';
GRANT USAGE ON SCHEMA priv_cs TO diff_ca WITH GRANT OPTION;
SET ROLE diff_ca;
GRANT USAGE ON SCHEMA priv_cs TO diff_cb;
RESET ROLE;
REVOKE USAGE ON SCHEMA priv_cs FROM diff_ca CASCADE;
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'priv_cs';
DROP SCHEMA priv_cs;
DROP ROLE diff_ca, diff_cb, diff_cc;
-- CREATE SCHEMA … AUTHORIZATION; the superusers' own catalogs in has_table_privilege.
CREATE ROLE diff_sa;
CREATE SCHEMA priv_sx AUTHORIZATION diff_sa;
CREATE SCHEMA AUTHORIZATION diff_sa;
SELECT nspname, nspowner::regrole::text FROM pg_namespace WHERE nspname IN ('priv_sx', 'diff_sa') ORDER BY 1;
CREATE SCHEMA priv_sz AUTHORIZATION diff_nosuch; -- error
SET ROLE diff_sa;
CREATE SCHEMA priv_sy AUTHORIZATION postgres; -- error
SELECT has_table_privilege('pg_authid', 'select'), has_table_privilege('pg_class', 'select'), has_table_privilege('pg_class', 'insert');
RESET ROLE;
DROP SCHEMA priv_sx;
DROP SCHEMA diff_sa;
DROP ROLE diff_sa;
-- SET ROLE is undone by ROLLBACK TO a savepoint made before it, and by a COMMIT that fails.
CREATE ROLE diff_sp;
CREATE TABLE sp_parent (a int PRIMARY KEY);
CREATE TABLE sp_child (a int REFERENCES sp_parent DEFERRABLE INITIALLY DEFERRED);
GRANT ALL ON sp_parent, sp_child TO diff_sp;
BEGIN;
SAVEPOINT s1;
SET ROLE diff_sp;
SELECT current_user;
ROLLBACK TO s1;
SELECT current_user;
SET LOCAL ROLE diff_sp;
SAVEPOINT s2;
RESET ROLE;
ROLLBACK TO s2;
SELECT current_user;
COMMIT;
SELECT current_user;
BEGIN;
SET ROLE diff_sp;
INSERT INTO sp_child VALUES (1);
COMMIT; -- error
SELECT current_user;
DROP TABLE sp_child, sp_parent;
DROP ROLE diff_sp;
-- Sequence privileges: nextval needs USAGE or UPDATE (a serial column's default too, an
-- identity column's not), currval and lastval SELECT or USAGE, setval UPDATE.
CREATE ROLE diff_sq;
CREATE TABLE sq_serial (id serial, v int);
CREATE TABLE sq_ident (id int GENERATED ALWAYS AS IDENTITY, v int);
CREATE SEQUENCE sq_s;
GRANT INSERT, SELECT ON sq_serial, sq_ident TO diff_sq;
SET ROLE diff_sq;
INSERT INTO sq_serial (v) VALUES (1); -- error
INSERT INTO sq_ident (v) VALUES (1);
SELECT nextval('sq_s'); -- error
SELECT setval('sq_s', 5); -- error
SELECT currval('sq_s'); -- error
RESET ROLE;
GRANT USAGE ON SEQUENCE sq_s, sq_serial_id_seq TO diff_sq;
SET ROLE diff_sq;
INSERT INTO sq_serial (v) VALUES (2);
SELECT nextval('sq_s');
SELECT currval('sq_s');
SELECT lastval();
SELECT setval('sq_s', 5); -- error
RESET ROLE;
GRANT UPDATE ON SEQUENCE sq_s TO diff_sq;
SET ROLE diff_sq;
SELECT setval('sq_s', 5);
RESET ROLE;
SELECT id, v FROM sq_serial ORDER BY 1;
DROP TABLE sq_serial, sq_ident;
DROP SEQUENCE sq_s;
DROP ROLE diff_sq;
-- REASSIGN OWNED: relations and schemas of this database pass, with the old owner's ACL
-- entries; DROP ROLE then succeeds.
CREATE ROLE diff_ra;
CREATE ROLE diff_rb;
CREATE ROLE diff_rc;
CREATE TABLE ra_t (a int);
ALTER TABLE ra_t OWNER TO diff_ra;
GRANT SELECT ON ra_t TO diff_rc;
CREATE SCHEMA ra_s AUTHORIZATION diff_ra;
CREATE SEQUENCE ra_s.q;
ALTER SEQUENCE ra_s.q OWNER TO diff_ra;
CREATE TABLE ra_other (a int);
GRANT SELECT ON ra_other TO diff_ra;
DROP ROLE diff_ra; -- error
REASSIGN OWNED BY diff_ra TO diff_rb;
SELECT relname, pg_get_userbyid(relowner), relacl::text FROM pg_class WHERE relname IN ('ra_t', 'q', 'ra_other') ORDER BY 1;
SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'ra_s';
DROP ROLE diff_ra; -- error
REVOKE ALL ON ra_other FROM diff_ra;
DROP ROLE diff_ra;
REASSIGN OWNED BY diff_nobody TO diff_rb; -- error
REASSIGN OWNED BY diff_rb TO diff_nobody; -- error
REASSIGN OWNED BY postgres TO diff_rb; -- error
REASSIGN OWNED BY public TO diff_rb; -- error
SET ROLE diff_rc;
REASSIGN OWNED BY diff_rb TO diff_rc; -- error
RESET ROLE;
REASSIGN OWNED BY diff_rb, diff_rc TO CURRENT_USER;
SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('ra_t', 'q') ORDER BY 1;
DROP TABLE ra_t, ra_other;
DROP SCHEMA ra_s CASCADE;
DROP ROLE diff_rb, diff_rc;
-- DROP OWNED: what the role was granted goes, on relations, schemas and databases, with what
-- it granted onwards; DROP ROLE then succeeds.
CREATE ROLE diff_da;
CREATE ROLE diff_db;
CREATE TABLE da_t (a int);
GRANT SELECT, INSERT ON da_t TO diff_da WITH GRANT OPTION;
GRANT UPDATE ON da_t TO diff_db;
SET ROLE diff_da;
GRANT SELECT ON da_t TO diff_db;
RESET ROLE;
CREATE SCHEMA da_s;
GRANT USAGE ON SCHEMA da_s TO diff_da;
GRANT CONNECT ON DATABASE diff_18_roles TO diff_da, diff_db;
SELECT relacl::text FROM pg_class WHERE relname = 'da_t';
DROP ROLE diff_da; -- error
DROP OWNED BY diff_da;
SELECT relacl::text FROM pg_class WHERE relname = 'da_t';
SELECT nspacl::text FROM pg_namespace WHERE nspname = 'da_s';
SELECT datacl::text FROM pg_database WHERE datname = 'diff_18_roles';
DROP ROLE diff_da;
DROP OWNED BY diff_nobody; -- error
DROP OWNED BY postgres; -- error
DROP OWNED BY public; -- error
SET ROLE diff_db;
DROP OWNED BY postgres; -- error
DROP OWNED BY diff_db RESTRICT;
RESET ROLE;
SELECT relacl::text FROM pg_class WHERE relname = 'da_t';
SELECT datacl::text FROM pg_database WHERE datname = 'diff_18_roles';
DROP TABLE da_t;
DROP SCHEMA da_s;
DROP ROLE diff_db; -- error
DROP OWNED BY diff_db;
DROP ROLE diff_db;
-- Role, privilege and owner statements write: a read-only transaction refuses them (SET ROLE
-- is a setting).
BEGIN READ ONLY;
CREATE ROLE diff_ro; -- error
ROLLBACK;
BEGIN READ ONLY;
GRANT CONNECT ON DATABASE diff_18_roles TO PUBLIC; -- error
ROLLBACK;
BEGIN READ ONLY;
REASSIGN OWNED BY postgres TO postgres; -- error
ROLLBACK;
BEGIN READ ONLY;
DROP OWNED BY diff_nobody; -- error
ROLLBACK;
BEGIN READ ONLY;
ALTER TABLE IF EXISTS diff_nope OWNER TO postgres; -- error
ROLLBACK;
BEGIN READ ONLY;
GRANT diff_nobody TO postgres; -- error
ROLLBACK;
BEGIN READ ONLY;
SET ROLE postgres;
RESET ROLE;
ROLLBACK;
-- CHECKPOINT needs a superuser or pg_checkpoint's privileges.
CREATE ROLE diff_ck;
SET ROLE diff_ck;
CHECKPOINT; -- error
RESET ROLE;
GRANT pg_checkpoint TO diff_ck;
SET ROLE diff_ck;
CHECKPOINT;
RESET ROLE;
DROP ROLE diff_ck;
-- An index keeps its table's owner (ALTER INDEX … OWNER TO warns and does nothing).
CREATE ROLE diff_ix;
CREATE TABLE ix_t (a int PRIMARY KEY, b int);
CREATE INDEX ix_b ON ix_t (b);
ALTER INDEX ix_b OWNER TO diff_ix;
ALTER INDEX ix_t_pkey OWNER TO diff_ix;
SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('ix_b', 'ix_t_pkey') ORDER BY 1;
DROP ROLE diff_ix;
DROP TABLE ix_t;
