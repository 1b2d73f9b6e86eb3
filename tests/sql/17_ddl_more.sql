-- Sequences, serial and identity columns, the ALTER TABLE forms pg_dump and pgbench send,
-- DROP with dependent objects, COMMENT ON.

-- CREATE SEQUENCE and its options.
create sequence s_plain;
select * from s_plain;
select nextval('s_plain'), nextval('s_plain'), currval('s_plain');
select * from s_plain;
select lastval();
create sequence s_opts as integer increment by 5 minvalue 10 maxvalue 40 start with 15 cache 1 no cycle;
select nextval('s_opts'), nextval('s_opts'), nextval('s_opts'), nextval('s_opts'), nextval('s_opts');
select nextval('s_opts');
select nextval('s_opts'); -- error
select * from s_opts;
create sequence s_cycle increment 2 minvalue 1 maxvalue 5 cycle;
select nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle');
create sequence s_down increment -3;
select nextval('s_down'), nextval('s_down'), nextval('s_down');
create sequence s_down_min increment -1 minvalue -2 maxvalue 0 start 0;
select nextval('s_down_min'), nextval('s_down_min'), nextval('s_down_min');
select nextval('s_down_min'); -- error
create sequence s_small as smallint start 32766;
select nextval('s_small'), nextval('s_small');
select nextval('s_small'); -- error
create sequence s_big as bigint maxvalue 9223372036854775807 start 9223372036854775806;
select nextval('s_big'), nextval('s_big');
create sequence s_cache cache 10;
select nextval('s_cache'), nextval('s_cache');
select * from s_cache;
create sequence s_no no minvalue no maxvalue;
select nextval('s_no');
create sequence if not exists s_plain;
create sequence if not exists s_plain increment 0;
create sequence s_plain; -- error
create sequence s_bad_inc increment 0; -- error
create sequence s_bad_cache cache 0; -- error
create sequence s_bad_range minvalue 10 maxvalue 5; -- error
create sequence s_bad_start start 0; -- error
create sequence s_bad_start2 maxvalue 10 start 11; -- error
create sequence s_bad_type as text; -- error
create sequence s_bad_type2 as numeric; -- error
create sequence s_bad_max as smallint maxvalue 100000; -- error
create sequence s_bad_min as integer minvalue -3000000000; -- error
create sequence s_dup increment 1 increment 2; -- error
create sequence s_dup2 cycle no cycle; -- error
create sequence s_huge maxvalue 99999999999999999999; -- error
create sequence s_frac increment 2.5; -- error
create sequence nosuchschema.s; -- error

-- nextval, currval, setval, lastval and their errors.
create sequence s_fn;
select currval('s_fn'); -- error
select setval('s_fn', 10);
select currval('s_fn'), nextval('s_fn');
select setval('s_fn', 50, false);
select currval('s_fn');
select nextval('s_fn'), currval('s_fn');
select setval('s_fn', 60, true), nextval('s_fn');
select * from s_fn;
select setval('s_fn', 0); -- error
select setval('s_fn', 9223372036854775807);
select nextval('s_fn'); -- error
select nextval('no_such_sequence'); -- error
select currval('no_such_sequence'); -- error
select setval('no_such_sequence', 1); -- error
create table not_a_seq (a int);
select nextval('not_a_seq'); -- error
select nextval('public.s_plain');
select nextval('"s_plain"');
select nextval(null::text);
select setval('s_plain', null);
select nextval('s_plain') from generate_series(1, 3) order by 1;
select lastval();
create schema seqs;
create sequence seqs.inner_seq start 100;
select nextval('seqs.inner_seq');
select nextval('inner_seq'); -- error
set search_path = seqs, public;
select nextval('inner_seq');
reset search_path;

-- ALTER SEQUENCE.
create sequence s_alt;
select nextval('s_alt'), nextval('s_alt');
alter sequence s_alt restart;
select * from s_alt;
select nextval('s_alt');
alter sequence s_alt restart with 100;
select nextval('s_alt');
alter sequence s_alt increment by 10;
select nextval('s_alt'), nextval('s_alt');
alter sequence s_alt maxvalue 125;
select nextval('s_alt'); -- error
alter sequence s_alt cycle;
select nextval('s_alt');
alter sequence s_alt no cycle no maxvalue minvalue 5 start 5 restart with 7 increment 1;
select nextval('s_alt');
alter sequence s_alt as smallint;
alter sequence s_alt restart with 0; -- error
alter sequence s_alt increment 0; -- error
alter sequence s_alt minvalue 100; -- error
alter sequence s_alt start 1; -- error
alter sequence s_alt rename to s_alt2;
select nextval('s_alt2');
select nextval('s_alt'); -- error
alter sequence s_alt2 owner to postgres;
alter sequence if exists s_missing restart;
alter sequence s_missing restart; -- error
alter sequence not_a_seq restart; -- error
alter table s_alt2 rename to s_alt3;
select nextval('s_alt3');

-- OWNED BY, and what dropping takes with it.
create table own_t (id int, note text);
create sequence own_s owned by own_t.id;
select nextval('own_s');
create sequence own_bad owned by own_t; -- error
create sequence own_bad2 owned by own_t.nosuch; -- error
create sequence own_bad3 owned by nosuch.id; -- error
create sequence own_bad4 owned by seqs.x.y; -- error
create sequence own_none owned by none;
alter sequence own_none owned by own_t.note;
alter sequence own_none owned by none;
drop table own_t;
select nextval('own_s'); -- error
select nextval('own_none');

-- DROP SEQUENCE.
create sequence drop_me;
drop sequence drop_me;
drop sequence drop_me; -- error
drop sequence if exists drop_me;
drop sequence if exists drop_me, s_plain;
drop table s_fn; -- error
drop sequence not_a_seq; -- error
create sequence used_seq;
create table uses_seq (id int default nextval('used_seq'), v text);
insert into uses_seq (v) values ('a') returning id;
drop sequence used_seq; -- error
drop sequence used_seq cascade;
insert into uses_seq (v) values ('b');
select * from uses_seq order by v;

-- serial, bigserial and smallserial on any column.
create table ser (a int, id serial, big bigserial, small smallserial, note text);
insert into ser (a, note) values (1, 'one'), (2, 'two') returning *;
insert into ser (a, id, note) values (3, 100, 'explicit') returning id, big, small;
insert into ser (a, note) values (4, 'four') returning id, big, small;
insert into ser (id, note) values (null, 'null id'); -- error
select * from ser order by a;
select pg_get_serial_sequence('ser', 'id'), pg_get_serial_sequence('ser', 'big'), pg_get_serial_sequence('ser', 'a');
select pg_get_serial_sequence('public.ser', 'small');
select pg_get_serial_sequence('ser', 'nosuch'); -- error
select pg_get_serial_sequence('nosuch', 'id'); -- error
select * from ser_id_seq;
select nextval('ser_small_seq');
update ser set id = default where a = 1 returning id;
create table ser2 (ser_id_seq int, id serial);
select pg_get_serial_sequence('ser2', 'id');
drop sequence ser_id_seq; -- error
alter table ser drop column id;
select nextval('ser_id_seq'); -- error
drop table ser;
select nextval('ser_big_seq'); -- error

-- Identity columns.
create table ida (id int generated always as identity, v text);
insert into ida (v) values ('a') returning id;
insert into ida (id, v) values (5, 'b'); -- error
insert into ida (id, v) values (default, 'c') returning id;
insert into ida (id, v) values (default, 'd'), (default, 'e') returning id;
insert into ida (id, v) values (default, 'f'), (9, 'g'); -- error
insert into ida overriding system value values (10, 'h') returning id;
insert into ida overriding user value values (20, 'i') returning id;
insert into ida (id, v) select 30, 'j'; -- error
insert into ida overriding user value select 30, 'k' returning id;
insert into ida (v) values ('l') returning id;
update ida set id = 100 where v = 'a'; -- error
update ida set id = default where v = 'a' returning id;
update ida set v = 'aa' where v = 'a' returning id, v;
select * from ida order by v;
create table idb (id bigint generated by default as identity (start with 100 increment by 10), v text);
insert into idb (v) values ('a'), ('b') returning id;
insert into idb (id, v) values (5, 'c') returning id;
insert into idb overriding user value values (7, 'd') returning id;
update idb set id = 1 where v = 'a' returning id;
select * from idb order by v;
select pg_get_serial_sequence('idb', 'id');
select * from idb_id_seq;
create table idc (id smallint generated always as identity (minvalue 5 maxvalue 6 cycle) primary key, v text);
insert into idc (v) values ('a'), ('b') returning id;
create table id_bad (id text generated always as identity); -- error
create table id_bad2 (id int generated always as identity default 5); -- error
create table id_bad3 (id serial generated always as identity); -- error
create table id_bad4 (id int generated always as identity generated by default as identity); -- error
create table id_bad5 (id int generated always as identity null); -- error
create table dmp (id int not null, v text);
alter table dmp alter column id add generated always as identity (sequence name dmp_custom_seq start with 10 increment by 1 no minvalue no maxvalue cache 1);
insert into dmp (v) values ('a') returning id;
select nextval('dmp_custom_seq');
select pg_catalog.setval('dmp_custom_seq', 50, true);
insert into dmp (v) values ('b') returning id;
create table dmp2 (id int generated by default as identity (sequence name dmp_custom_seq), v text); -- error
drop sequence ida_id_seq; -- error
insert into ida (id) values (1); -- error

-- Sequence values are not rolled back.
create table nr (id serial primary key, k text unique);
insert into nr (k) values ('a') returning id;
insert into nr (k) values ('a'); -- error
insert into nr (k) values ('b') returning id;
begin;
insert into nr (k) values ('c') returning id;
rollback;
insert into nr (k) values ('d') returning id;
begin;
insert into nr (k) values ('e') returning id;
savepoint sp;
insert into nr (k) values ('f') returning id;
rollback to savepoint sp;
insert into nr (k) values ('g') returning id;
commit;
begin;
select setval('nr_id_seq', 50);
select 1 / 0; -- error
rollback;
insert into nr (k) values ('h') returning id;
insert into nr (k) values ('i'), ('i'); -- error
insert into nr (k) values ('j') returning id;
select * from nr order by id;
begin read only;
select nextval('nr_id_seq'); -- error
rollback;
select currval('nr_id_seq');

-- CREATE TABLE … WITH (storage parameters).
create table ff (a int) with (fillfactor = 70);
create table ff2 (a int) with (fillfactor = 100, autovacuum_enabled = false);
create table ff_bad (a int) with (fillfactor = 5); -- error
create table ff_bad2 (a int) with (no_such_parameter = 1); -- error

-- ALTER TABLE: constraints added to tables with rows, checked against them.
create table alt (a int, b text, c int);
insert into alt values (1, 'x', 1), (1, null, 2), (null, 'y', 3);
alter table alt add primary key (a); -- error
alter table alt alter column a set not null; -- error
alter table alt add unique (a); -- error
alter table alt add constraint alt_c_check check (c > 1); -- error
alter table alt add check (c > 1); -- error
create table alt_parent (a int primary key);
alter table alt add foreign key (c) references alt_parent; -- error
alter table alt add constraint alt_fk2 foreign key (c) references alt_parent (a); -- error
insert into alt_parent values (1), (2), (3);
alter table alt add foreign key (c) references alt_parent;
insert into alt values (5, 'z', 4); -- error
alter table alt add check (c > 0);
insert into alt values (5, 'z', 0); -- error
alter table alt add unique (b);
insert into alt values (6, 'x', 1); -- error
alter table alt alter column b set not null; -- error
update alt set b = 'w' where b is null;
alter table alt alter column b set not null;
insert into alt (a, c) values (7, 1); -- error
alter table alt alter column b drop not null;
insert into alt (a, b, c) values (7, null, 1);
delete from alt where a is null or a = 7;
update alt set a = 2 where c = 2;
alter table alt add primary key (a);
insert into alt values (1, 'q', 1); -- error
insert into alt values (null, 'q', 1); -- error
alter table alt add primary key (c); -- error
alter table alt alter column a drop not null; -- error
alter table alt drop constraint nosuch; -- error
alter table alt drop constraint if exists nosuch;
alter table alt drop constraint alt_pkey;
insert into alt values (1, 'p', 1);
insert into alt values (null, 'p2', 1); -- error
select * from alt order by a nulls first, b;
alter table alt drop constraint alt_b_key;
alter table alt drop constraint alt_c_check;
insert into alt values (9, 'x', 3);
alter table alt rename constraint alt_c_fkey to alt_c_references;
alter table alt rename constraint nosuch to other; -- error
alter table alt drop constraint alt_c_references;
insert into alt values (10, 'none', 99);
select count(*) from alt;

-- ALTER TABLE: defaults, types, new columns.
create table dt (a int, b text);
insert into dt values (1, '10'), (2, '20');
alter table dt alter column a set default 42;
insert into dt (b) values ('30');
alter table dt alter column a drop default;
insert into dt (b) values ('40');
select * from dt order by b;
alter table dt alter column b type int; -- error
alter table dt alter column b type int using b::int;
select b + 1 from dt order by b;
alter table dt alter column a type bigint;
alter table dt alter column a set data type text;
select a from dt order by b;
alter table dt alter column a type int using a::int;
alter table dt alter column b type numeric(10, 2);
select * from dt order by b;
alter table dt alter column nosuch type int; -- error
alter table dt alter column b type int using 'x'; -- error
alter table dt add column c int not null; -- error
alter table dt add column c int not null default 7;
alter table dt add column d text default 'dflt' check (d <> '');
alter table dt add column if not exists d text;
alter table dt add column d text; -- error
alter table dt add column e serial;
alter table dt add column f int unique;
select * from dt order by e;
insert into dt (a, b, d) values (5, 5, ''); -- error
insert into dt (a, b, f) values (5, 5, null), (6, 6, null);
insert into dt (a, b, f) values (7, 7, 1), (8, 8, 1); -- error
alter table dt drop column d;
alter table dt drop column if exists d;
alter table dt drop column d; -- error
select * from dt order by e;
alter table dt alter column a add generated always as identity; -- error
alter table dt alter column c add generated by default as identity; -- error
alter table dt alter column c drop default;
alter table dt alter column c add generated by default as identity (start with 1000);
insert into dt (a, b) values (9, 9) returning c;
alter table dt alter column c set default 1; -- error
alter table dt set (fillfactor = 80);
alter table dt owner to postgres;
alter table dt owner to no_such_role; -- error
alter table only dt add constraint dt_b_check check (b > 0);
alter table if exists no_such_table add check (a > 0);
alter table no_such_table add check (a > 0); -- error

-- The schema pgbench -i --foreign-keys builds.
create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
create table pgbench_tellers (tid int not null, bid int, tbalance int, filler char(84)) with (fillfactor = 100);
create table pgbench_accounts (aid int not null, bid int, abalance int, filler char(84)) with (fillfactor = 100);
create table pgbench_branches (bid int not null, bbalance int, filler char(88)) with (fillfactor = 100);
insert into pgbench_branches (bid, bbalance) select b, 0 from generate_series(1, 2) b;
insert into pgbench_tellers (tid, bid, tbalance) select t, (t - 1) / 10 + 1, 0 from generate_series(1, 20) t;
insert into pgbench_accounts (aid, bid, abalance) select a, (a - 1) / 1000 + 1, 0 from generate_series(1, 2000) a;
alter table pgbench_branches add primary key (bid);
alter table pgbench_tellers add primary key (tid);
alter table pgbench_accounts add primary key (aid);
alter table pgbench_tellers add constraint pgbench_tellers_bid_fkey foreign key (bid) references pgbench_branches;
alter table pgbench_accounts add constraint pgbench_accounts_bid_fkey foreign key (bid) references pgbench_branches;
alter table pgbench_history add constraint pgbench_history_bid_fkey foreign key (bid) references pgbench_branches;
alter table pgbench_history add constraint pgbench_history_tid_fkey foreign key (tid) references pgbench_tellers;
alter table pgbench_history add constraint pgbench_history_aid_fkey foreign key (aid) references pgbench_accounts;
insert into pgbench_accounts (aid, bid, abalance) values (1, 1, 0); -- error
insert into pgbench_accounts (aid, bid, abalance) values (null, 1, 0); -- error
insert into pgbench_accounts (aid, bid, abalance) values (5000, 3, 0); -- error
insert into pgbench_history (tid, bid, aid, delta) values (1, 1, 1, 5);
insert into pgbench_history (tid, bid, aid, delta) values (1, 1, 99999, 5); -- error
update pgbench_accounts set abalance = abalance + 5 where aid = 7;
select abalance from pgbench_accounts where aid = 7;
delete from pgbench_branches where bid = 2; -- error
select count(*), sum(abalance) from pgbench_accounts;

-- DROP of what other objects depend on.
create table parent (a int primary key, b int unique);
create table child (x int references parent, y int references parent (b));
create table child2 (x int, foreign key (x) references parent);
create view parent_v as select * from parent;
create view parent_v2 as select a from parent_v;
insert into parent values (1, 10);
insert into child values (1, 10);
drop table parent; -- error
drop view parent_v; -- error
drop view parent_v cascade;
select * from parent_v2; -- error
drop table parent; -- error
drop table parent cascade;
insert into child values (99, 99);
select * from child order by x;
create table p2 (a int primary key);
create table c2 (a int references p2 on delete cascade);
insert into p2 values (1);
insert into c2 values (1);
drop table p2 cascade;
select * from c2;
create table p3 (a int primary key);
create table c3 (a int references p3);
drop table c3, p3;
create table p4 (a int primary key, b int);
create table c4 (a int references p4);
alter table p4 drop constraint p4_pkey; -- error
alter table p4 drop constraint p4_pkey cascade;
insert into c4 values (42);
insert into p4 values (1, 42);
alter table p4 add unique (b);
alter table c4 add foreign key (a) references p4 (b);
alter table p4 drop column b; -- error
alter table p4 drop column b cascade;
insert into c4 values (43);
select count(*) from c4;

-- TRUNCATE of referenced tables, RESTART IDENTITY; DROP SCHEMA with outside dependents;
-- a sequence is not a table.
create table tp (a int primary key);
create table tc (a int references tp);
insert into tp values (1);
insert into tc values (1);
truncate tp; -- error
truncate tp, tc;
insert into tp values (1);
insert into tc values (1);
truncate tp cascade;
select count(*) from tc;
create table ts (id serial, v int);
insert into ts (v) values (1), (2);
truncate ts restart identity;
insert into ts (v) values (3) returning id;
truncate ts continue identity;
insert into ts (v) values (4) returning id;
create sequence tsq;
insert into tsq values (1, 0, false); -- error
update tsq set last_value = 5; -- error
delete from tsq; -- error
create schema sx;
create table sx.p (a int primary key);
create table pub_c (a int references sx.p);
create view pub_v as select * from sx.p;
insert into sx.p values (1);
insert into pub_c values (1);
drop schema sx; -- error
drop schema sx cascade;
select * from pub_c;
select * from pub_v; -- error

-- COMMENT ON.
create table cmt (a int constraint cmt_a_check check (a > 0), b int);
create view cmt_v as select a from cmt;
create index cmt_i on cmt (b);
create sequence cmt_s;
create schema cmt_sch;
comment on table cmt is 'a table';
comment on column cmt.a is 'a column';
comment on column public.cmt.b is 'another column';
comment on view cmt_v is 'a view';
comment on column cmt_v.a is 'a view column';
comment on index cmt_i is 'an index';
comment on sequence cmt_s is 'a sequence';
comment on schema cmt_sch is 'a schema';
comment on constraint cmt_a_check on cmt is 'a constraint';
comment on table cmt is null;
comment on table cmt is '';
comment on table cmt_v is 'x'; -- error
comment on view cmt is 'x'; -- error
comment on index cmt is 'x'; -- error
comment on sequence cmt is 'x'; -- error
comment on table no_such_table is 'x'; -- error
comment on column cmt.nosuch is 'x'; -- error
comment on column cmt is 'x'; -- error
comment on schema no_such_schema is 'x'; -- error
comment on constraint nosuch on cmt is 'x'; -- error
comment on constraint cmt_a_check on no_such_table is 'x'; -- error
select obj_description(2200, 'pg_namespace');
comment on schema public is 'the public schema';
select obj_description(2200, 'pg_namespace'), obj_description(2200);
comment on schema public is 'standard public schema';
select obj_description(0, 'pg_class'), obj_description(0), col_description(0, 1), obj_description(2200, 'pg_nosuch');
drop table cmt cascade;
drop schema cmt_sch;

-- A table's sequence used by another table's default; a renamed serial sequence.
create table shared_t (id serial, v int);
create table shared_t2 (x int default nextval('shared_t_id_seq'));
drop table shared_t; -- error
drop table shared_t cascade;
insert into shared_t2 default values;
select * from shared_t2;
create table ren (id serial, v int);
alter sequence ren_id_seq rename to ren_seq2;
insert into ren (v) values (1) returning id;
update ren set id = default returning id;

-- A column a view reads keeps its type.
create table vt (a int, b int);
create view vtv as select a from vt;
alter table vt alter column a type bigint; -- error
alter table vt alter column b type bigint;
