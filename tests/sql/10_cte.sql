-- Common table expressions: plain, chained, recursive (series, trees, graphs), in DML.
create table org (id int primary key, name text, boss_id int);
insert into org values (1, 'CEO', null), (2, 'CTO', 1), (3, 'CFO', 1), (4, 'Dev lead', 2), (5, 'Dev', 4), (6, 'Dev 2', 4), (7, 'Accountant', 3);
create table edges (src text, dst text);
insert into edges values ('a', 'b'), ('b', 'c'), ('c', 'd'), ('a', 'e'), ('e', 'd'), ('d', 'a');
with t as (select 1 as x) select x from t;
with t(a, b) as (values (1, 2), (3, 4)) select a + b from t order by 1;
with big as (select id, name from org where id > 3), bigger as (select * from big where id > 5) select * from bigger order by id;
with counts as (select boss_id, count(*) as n from org where boss_id is not null group by boss_id) select o.name, c.n from counts c join org o on o.id = c.boss_id order by c.n desc, o.name;
with recursive nums(n) as (select 1 union all select n + 1 from nums where n < 10) select n from nums;
with recursive nums(n) as (select 1 union all select n + 1 from nums where n < 10) select sum(n) from nums;
with recursive fib(a, b) as (select 0, 1 union all select b, a + b from fib where b < 100) select a from fib;
with recursive fact(n, f) as (select 1, 1::bigint union all select n + 1, f * (n + 1) from fact where n < 15) select n, f from fact where n in (5, 10, 15) order by n;
with recursive chain as (select id, name, boss_id, 0 as depth from org where boss_id is null union all select o.id, o.name, o.boss_id, c.depth + 1 from org o join chain c on o.boss_id = c.id) select name, depth from chain order by depth, name;
with recursive chain as (select id, name::text as path from org where boss_id is null union all select o.id, c.path || ' > ' || o.name from org o join chain c on o.boss_id = c.id) select path from chain order by path;
with recursive up as (select id, name, boss_id from org where name = 'Dev' union all select o.id, o.name, o.boss_id from org o join up on up.boss_id = o.id) select name from up;
with recursive subs as (select id from org where id = 2 union all select o.id from org o join subs s on o.boss_id = s.id) select count(*) from subs;
with recursive reach(node) as (select 'a'::text union select dst from edges join reach on edges.src = reach.node) select node from reach order by node;
with recursive paths(node, path, cycle) as (select 'a'::text, array['a'], false union all select e.dst, p.path || e.dst, e.dst = any(p.path) from edges e join paths p on e.src = p.node where not p.cycle) select array_to_string(path, '') from paths where not cycle order by 1;
with recursive t(n) as (select 1 union all select n * 2 from t where n < 1000) select max(n), count(*) from t;
with recursive dates(d) as (select date '2024-01-30' union all select d + 1 from dates where d < '2024-02-02') select d from dates;
with recursive s(n) as (values (1) union all select n + 1 from s where n < 3) select * from s;
with x as materialized (select 42 as v) select v from x;
with x as not materialized (select 42 as v) select v + 1 from x;
with deleted as (delete from edges where src = 'd' returning *) select count(*) from deleted;
with ins as (insert into org values (8, 'Intern', 5) returning id, name) select * from ins;
with upd as (update org set name = upper(name) where boss_id = 4 returning id, name) select * from upd order by id;
with moved as (delete from edges where dst = 'e' returning src, dst) insert into edges select dst, src from moved returning *;
select * from edges order by src, dst;
with a as (select 1 as v), b as (select v + 1 as v from a), c as (select v * 10 as v from b) select * from a, b, c;
with t as (select id from org) select count(*) from t where id > (select avg(id) from t);
select * from (with inner_cte as (select 5 as five) select five * 2 as ten from inner_cte) s;
with recursive r(n) as (select 1 union all select n + 1 from r) select n from r limit 5;
with t as (select 1) select * from t, t; -- error
with recursive r(n) as (select 1 union all select 'x' from r where n < 3) select * from r; -- error
with recursive r(n) as (select n from r) select * from r; -- error
with recursive r(n) as (select 1 union all select '5' from r where n < 0) select * from r;
with recursive r(n) as (select 1 union all select null from r where n < 3) select count(*) from r;
with recursive r(n) as (select 'a' union all select 'b' from r where n = 'a') select * from r;
with recursive r(n) as (select 1 union all select 2.5 from r where n < 0) select * from r; -- error
