-- UNION / INTERSECT / EXCEPT with ALL, ordering and limits, type resolution across branches.
create table a (x int, s text);
create table b (x int, s text);
insert into a values (1, 'one'), (2, 'two'), (2, 'two'), (3, 'three'), (null, 'null');
insert into b values (2, 'two'), (3, 'drei'), (4, 'four'), (null, 'null');
select x from a union select x from b order by x;
select x from a union all select x from b order by x nulls first;
select x from a intersect select x from b order by x;
select x from a intersect all select x from b order by x;
select x from a except select x from b order by x;
select x from a except all select x from b order by x;
select x, s from a union select x, s from b order by x, s;
select x, s from a intersect select x, s from b order by 1;
select x, s from a except select x, s from b order by 1, 2;
select 1 union select 2 union select 1 order by 1;
select 1 as n union all select 2 order by n desc;
select 1 union all select 2.5;
select 1 union select 2::bigint;
select 'a' union select 'b' order by 1;
select null union select 1;
select 1, 'x' union all select 2, null order by 1;
select x from a union select x from b order by x limit 2;
select x from a union select x from b order by x desc limit 2 offset 1;
(select x from a order by x limit 1) union all (select x from b order by x desc limit 1);
select count(*) from (select x from a union select x from b) u;
select x from a where x > 1 union select x + 10 from b where x < 4 order by 1;
select s from a union select s from b except select 'null' order by 1;
select 1 intersect select 1 union select 2 order by 1;
select x from a union select s from b; -- error
select x, s from a union select x from b; -- error
select x from a union select x from b order by s; -- error
select 1 union select 'a'; -- error
