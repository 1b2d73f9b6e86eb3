-- Errors and their SQLSTATEs: arithmetic, bad input, undefined objects, ambiguity, grouping,
-- syntax, constraints, transactions. Only the SQLSTATE is compared, not the message.
create table parent (id int primary key, name text unique, qty int check (qty >= 0), code varchar(3));
create table child (id int primary key, parent_id int not null references parent(id));
insert into parent values (1, 'one', 1, 'a'), (2, 'two', 2, 'b');
insert into child values (10, 1);
select 1 / 0; -- error
select 1 % 0; -- error
select 1.5 / 0; -- error
select 1::float8 / 0; -- error
select 1::float4 / 0::float4; -- error
select mod(5, 0); -- error
select 10 / (select count(*) - count(*) from parent); -- error
select qty / 0 from parent; -- error
select 2147483647 + 1; -- error
select -2147483648 * -1; -- error
select 9223372036854775807 + 1; -- error
select 32767::smallint + 1::smallint; -- error
select 40000::smallint; -- error
select 3000000000::int; -- error
select '99999999999'::int; -- error
select 12345.6::numeric(5,2); -- error
select 1e308::float8 * 10; -- error
select 10::numeric ^ 1000000; -- error
select abs(-2147483648); -- error
select (-2147483648)::int / -1; -- error
select 'abc'::int; -- error
select ''::int; -- error
select '12abc'::bigint; -- error
select '1.5'::int; -- error
select 'x1'::numeric; -- error
select 'maybe'::boolean; -- error
select 'not-a-uuid'::uuid; -- error
select '2024-02-30'::date; -- error
select 'yesterday-ish'::date; -- error
select '2024-01-01 25:61:00'::timestamp; -- error
select '1 parsec'::interval; -- error
select '{"a":'::jsonb; -- error
select '{1,2'::int[]; -- error
select 'tomorrow'::time; -- error
select ln(0); -- error
select ln(-1); -- error
select log(0); -- error
select sqrt(-1); -- error
select power(0, -1); -- error
select substring('abc', 1, -1); -- error
select repeat('x', -1);
select 'abc' ~ '('; -- error
select 'a' like 'a\';
select * from no_such_table; -- error
select * from public.no_such_table; -- error
select * from nosuchschema.t; -- error
insert into no_such_table values (1); -- error
drop table no_such_table; -- error
select nosuchcol from parent; -- error
select parent.nosuchcol from parent; -- error
select p.id from parent; -- error
select nosuchfunc(1); -- error
select length(1, 2, 3); -- error
select 'a' + 1; -- error
select now() + now(); -- error
select true + 1; -- error
select id from parent, child; -- error
select id from parent join child on child.parent_id = parent.id; -- error
select name, count(*) from parent; -- error
select name from parent group by id + 1; -- error
select count(*) from parent order by name; -- error
select name from parent having count(*) > 1; -- error
select from; -- error
selec 1; -- error
select 1 +; -- error
select * from parent where; -- error
select (1; -- error
select 'unterminated; -- error
insert into parent values (1, 'dup', 0, 'c'); -- error
insert into parent values (3, 'one', 0, 'c'); -- error
insert into parent values (3, 'three', -1, 'c'); -- error
insert into parent values (3, null, 1, 'toolong'); -- error
insert into parent (id) values (null); -- error
insert into child values (11, 99); -- error
insert into child values (12, null); -- error
delete from parent where id = 1; -- error
update parent set id = 5 where id = 1; -- error
update parent set qty = qty - 5 where id = 2; -- error
select id from parent order by id;
insert into parent values ('x', 'four', 1, 'd'); -- error
insert into parent values (4, 'four');
insert into parent values (4, 'four', 1, 'd', 'extra'); -- error
insert into parent (id, nosuch) values (4, 1); -- error
select * from parent where 1; -- error
select * from parent where name; -- error
select * from parent limit -1; -- error
select * from parent order by 9; -- error
select (select id from parent); -- error
select 1 in (select 1, 2); -- error
select true::date; -- error
select 1::date; -- error
select '2024-01-01'::date::int; -- error
select array[1, 2]::int; -- error
create table parent (id int); -- error
create table dupcols (a int, a text); -- error
create schema public; -- error
create view pv as select * from parent;
drop table parent; -- error
select nextval('no_such_seq'); -- error
select now() at time zone 'Mars/Olympus'; -- error
set timezone = 'Nowhere/Bogus'; -- error
set no_such_setting = 1; -- error
show no_such_setting; -- error
execute no_such_prepared; -- error
close no_such_cursor; -- error
begin;
select 1 / 0; -- error
select 1; -- error
commit;
select 1;
begin;
create database inside_tx; -- error
rollback;
rollback;
commit;
savepoint sp; -- error
release savepoint nosuch; -- error
select id from parent order by id;
