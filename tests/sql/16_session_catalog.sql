-- Session settings, prepared statements and the catalog queries applications run every day.
create table things (id int primary key, label text not null, price numeric(6,2), added date);
create index things_label_idx on things (label);
create view cheap_things as select id, label from things where price < 10;
insert into things values (1, 'cup', 4.50, '2024-01-01'), (2, 'pot', 19.00, '2024-01-02');
show timezone;
show datestyle;
show server_encoding;
show client_encoding;
show standard_conforming_strings;
show integer_datetimes;
show search_path;
show transaction isolation level;
set datestyle = 'ISO, DMY';
select '03/04/2024'::date;
reset datestyle;
select '03/04/2024'::date;
set timezone = 'America/New_York';
select timestamptz '2024-07-01 12:00:00+00';
select '2024-01-01 00:00'::timestamptz;
set time zone 'UTC';
select timestamptz '2024-07-01 12:00:00+00';
set application_name = 'difftest';
show application_name;
select current_setting('application_name');
select set_config('application_name', 'other', false);
-- pg_settings.context: PostgreSQL's GucContext names.
select name, context from pg_settings where name in ('port', 'autovacuum', 'statement_timeout', 'server_version', 'search_path', 'max_connections', 'integer_datetimes') order by name;
set search_path = public;
show search_path;
reset search_path;
set statement_timeout = '5s';
show statement_timeout;
reset statement_timeout;
select current_database(), current_user, session_user;
select current_schema(), current_schemas(false);
select has_table_privilege('things', 'select');
select 'things'::regclass, 'things'::regclass::oid > 0;
select pg_typeof('things'::regclass);
select 'int4'::regtype, 'integer'::regtype, 'timestamptz'::regtype::text;
select table_name, table_type from information_schema.tables where table_schema = 'public' order by table_name;
select column_name, data_type, is_nullable, ordinal_position from information_schema.columns where table_name = 'things' order by ordinal_position;
select column_name, numeric_precision, numeric_scale from information_schema.columns where table_name = 'things' and data_type = 'numeric';
select tablename from pg_tables where schemaname = 'public' order by tablename;
select indexname from pg_indexes where tablename = 'things' order by indexname;
select viewname from pg_views where schemaname = 'public';
select relname, relkind from pg_class where relname in ('things', 'things_pkey', 'cheap_things') order by relname;
select attname, format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'things'::regclass and attnum > 0 and not attisdropped order by attnum;
select nspname from pg_namespace where nspname in ('public', 'pg_catalog', 'information_schema') order by nspname;
select typname, oid from pg_type where typname in ('int4', 'text', 'bool', 'numeric', 'jsonb', 'date') order by typname;
select exists (select 1 from pg_tables where tablename = 'things');
select to_regclass('things') is not null, to_regclass('nothing') is null;
select constraint_name, constraint_type from information_schema.table_constraints where table_name = 'things' and constraint_type in ('PRIMARY KEY', 'UNIQUE') order by 1;
prepare get_thing (int) as select label, price from things where id = $1;
execute get_thing(1);
execute get_thing(2);
execute get_thing(3);
execute get_thing; -- error
execute get_thing(1, 2); -- error
prepare get_thing as select 1; -- error
execute get_thing('1');
deallocate get_thing;
deallocate get_thing; -- error
prepare arrays as select $1::int[] || 5, $2::interval * 2, $3::jsonb -> 'a', $4 + 1;
execute arrays('{1,2}', '1 day', '{"a": [1]}', 2.5);
prepare bad_ref as select nothing_here from things; -- error
prepare bad_type (int) as select $1 + 'x'; -- error
prepare two as select 1 as one;
execute two;
prepare add_thing as insert into things values ($1, $2, $3, $4) returning id;
execute add_thing(3, 'pan', 25.5, '2024-02-01');
deallocate all;
select count(*) from things;
select pg_backend_pid() > 0;
select version() like 'PostgreSQL%';
select current_setting('server_version_num')::int >= 150000;
select txid_current() > 0;
discard all;
begin isolation level repeatable read;
select count(*) from things;
commit;
begin read only;
insert into things values (9, 'nope', 1, null); -- error
rollback;
start transaction;
update things set price = price + 1 where id = 1 returning price;
commit;
select price from things where id = 1;
listen some_channel;
notify some_channel, 'hello';
unlisten *;
analyze things;
vacuum things;
lock table things in exclusive mode; -- error
do $$ begin perform 1; end $$;
create function add_one(x int) returns int language sql as $$ select x + 1 $$;
select add_one(41);
create function greet(who text) returns text language plpgsql as $$ begin return 'hi ' || who; end $$;
select greet('bob');
drop function add_one(int);
-- LISTEN/NOTIFY's statements and pg_notify's checks (delivery: tests/tests/notify.rs).
listen some_channel;
unlisten some_channel;
unlisten *;
select pg_notify('some_channel', null);
-- A void result is not NULL.
select pg_sleep(0) is null, pg_notify('some_channel', 'x') is null, setseed(0.5) is null;
select pg_sleep(0)::text = '', length(pg_notify('some_channel', 'y')::text);
select pg_notify('', 'x'); -- error
select pg_notify(null, 'x'); -- error
select pg_notify(repeat('a', 64), 'x'); -- error
select pg_notify('a', repeat('x', 8000)); -- error
notify some_channel, 5; -- error
-- Settings in savepoints: ROLLBACK TO undoes what was set after the savepoint; at COMMIT a
-- setting whose last change was SET LOCAL goes back to the value before its SET LOCALs.
begin;
set datestyle = 'ISO, DMY';
savepoint s1;
set datestyle = 'ISO, YMD';
set local application_name = 'local1';
rollback to s1;
show datestyle;
show application_name;
set application_name = 'kept';
set local application_name = 'local2';
show application_name;
release s1;
commit;
show application_name;
show datestyle;
begin;
set local datestyle = 'ISO, YMD';
set datestyle = 'ISO, MDY';
commit;
show datestyle;
reset datestyle;
reset application_name;
-- Isolation levels: every one is accepted and shown (each runs as SQLite's snapshot
-- transaction, docs/sql-compat.md).
show default_transaction_isolation;
set transaction isolation level serializable;
begin isolation level repeatable read;
show transaction_isolation;
commit;
begin;
set transaction isolation level serializable;
show transaction isolation level;
select 1;
set transaction isolation level read committed; -- error
commit;
show transaction_isolation;
set session characteristics as transaction isolation level serializable;
show default_transaction_isolation;
show transaction_isolation;
begin;
show transaction_isolation;
commit;
set default_transaction_isolation = 'read committed';
set default_transaction_isolation = 'bogus'; -- error
show transaction_isolation;
-- transaction_isolation by name: the open block only.
set transaction_isolation = 'serializable';
show transaction_isolation;
set transaction_isolation = 'bogus'; -- error
begin;
set transaction_isolation = 'repeatable read';
show transaction_isolation;
commit;
show transaction_isolation;
begin;
select 1;
set transaction_isolation = 'serializable'; -- error
rollback;
-- Read-only transactions: default_transaction_read_only covers a statement of its own too;
-- READ WRITE overrides it; transaction_read_only shows and sets the open transaction's.
create table ro_t (a int);
show transaction_read_only;
show default_transaction_read_only;
set default_transaction_read_only = on;
show transaction_read_only;
insert into ro_t values (1); -- error
begin;
show transaction_read_only;
insert into ro_t values (1); -- error
rollback;
begin read write;
insert into ro_t values (2);
commit;
begin;
set transaction read write;
insert into ro_t values (3);
commit;
set default_transaction_read_only = off;
begin read only;
show transaction_read_only;
commit;
begin;
set transaction_read_only = on;
show transaction_read_only;
insert into ro_t values (4); -- error
rollback;
select count(*) from ro_t;
drop table ro_t;
-- Both modes in one SET TRANSACTION (pg_dump's); the session's defaults.
begin;
set transaction isolation level repeatable read, read only;
show transaction_isolation;
show transaction_read_only;
commit;
set session characteristics as transaction read only;
show default_transaction_read_only;
set session characteristics as transaction read write;
show default_transaction_read_only;
show default_transaction_isolation;
reset default_transaction_isolation;
-- The channels the session listens on.
select count(*) from pg_listening_channels();
listen chan_one;
listen chan_one;
select pg_listening_channels();
begin;
unlisten chan_one;
select pg_listening_channels();
commit;
select count(*) from pg_listening_channels();
-- In the order of the LISTENs, each once.
listen zeta_chan;
listen alpha_chan;
listen zeta_chan;
select pg_listening_channels();
unlisten zeta_chan;
listen zeta_chan;
select pg_listening_channels();
unlisten *;
select count(*) from pg_listening_channels();
-- CHECKPOINT: a statement of its own, allowed in any transaction, read-only ones included.
checkpoint;
CHECKPOINT;
checkpoint now; -- error
begin;
checkpoint;
commit;
begin read only;
checkpoint;
commit;
