-- NULL semantics: comparisons, three-valued logic, aggregates, ordering, functions, NOT NULL.
create table n (id int primary key, a int, b text, c boolean);
insert into n values (1, 1, 'x', true), (2, null, 'y', false), (3, 3, null, null), (4, null, null, true);
select id from n where a = null;
select id from n where a is null order by id;
select id from n where a is not null order by id;
select id from n where a <> 1 order by id;
select id from n where not (a = 1) order by id;
select id from n where a is distinct from 1 order by id;
select id from n where b is not distinct from null order by id;
select id from n where c order by id;
select id from n where not c order by id;
select id from n where c is not true order by id;
select id from n where c is unknown order by id;
select id, a + 1, b || '!', a * null from n order by id;
select id, coalesce(a, -1), coalesce(b, 'none'), nullif(a, 1) from n order by id;
select a from n order by a;
select a from n order by a desc;
select a from n order by a nulls first;
select a from n order by a desc nulls last;
select b from n order by b nulls first, id;
select count(*), count(a), count(b), count(c), sum(a), avg(a), max(b) from n;
select count(distinct a) from n;
select a, count(*) from n group by a order by a nulls first;
select distinct b from n order by b;
select id from n where a in (1, null) order by id;
select id from n where a not in (1, null);
select id from n where a not in (1) order by id;
select null::int + 1, null::text || 'a', concat(null, 'a'), length(null);
select null = 1, null <> 1, null > 1, null and false, null or true;
select case when null then 'yes' else 'no' end;
select case null when null then 'match' else 'no match' end;
select greatest(null, null), least(null::int, 1);
select array[null, 1], array_length(array[null]::int[], 1);
select sum(x), max(x), bool_and(x > 0) from (values (null::int)) t(x);
select string_agg(b, ',' order by id) from n;
select row(null, 1) is null, row(null, null) is null, row(1, 1) is not null;
select id from n where (a, b) is null order by id;
select num_nulls(1, null, null), num_nonnulls(1, null, 'x');
insert into n values (5, null, null, null) returning *;
update n set a = 0 where a is null returning id, a;
create table strict_t (id int, v text not null);
insert into strict_t values (1, null); -- error
insert into strict_t (id) values (2); -- error
update n set id = null where id = 1; -- error
select 1 / null::int, null::int / 0;
select (1, null) < (1, 3), (1, null) < (2, 3), (2, null) <= (1, 3), (1, 2, 3) >= (1, 2, 3), (1, 2) <> (1, 3), (null, 1) is not null;
select id from n where (a, b) is not null order by id;
select id from n where (a, b) not in (select 1, 'x') order by id;
select id from n where (id, a) in ((2, 1), (3, 1)) order by id;
select row_to_json(n) from n order by id;
select row(1, 'a,b', '', 'q"x', '(p)', 2.5, true, array[1, 2], null);
select to_json(row(1, 'a b', null)), row_to_json(row(1, 2));
select (1, 2) = (1, 2, 3); -- error
