-- Window functions: ranking, offsets, running totals, frames, named windows, errors.
create table scores (id int primary key, player text, team text, points int, played date);
insert into scores values (1, 'ann', 'red', 30, '2024-01-01'), (2, 'bob', 'red', 25, '2024-01-01'), (3, 'cat', 'blue', 30, '2024-01-01'), (4, 'ann', 'red', 12, '2024-01-02'), (5, 'dan', 'blue', 40, '2024-01-02'), (6, 'bob', 'red', 25, '2024-01-03'), (7, 'cat', 'blue', 18, '2024-01-03'), (8, 'eve', 'green', null, '2024-01-03');
select id, row_number() over (order by id) from scores order by id;
select player, points, rank() over (order by points desc nulls last) from scores order by points desc nulls last, id;
select player, points, dense_rank() over (order by points desc nulls last) from scores order by points desc nulls last, id;
select player, points, row_number() over (partition by team order by points desc, id) as rn from scores order by team, rn;
select team, player, points, rank() over (partition by team order by points desc) from scores where points is not null order by team, points desc, id;
select id, points, sum(points) over (order by id) as running from scores order by id;
select id, team, points, sum(points) over (partition by team order by id) as running from scores order by team, id;
select id, points, sum(points) over () as total, points * 100 / sum(points) over () as pct from scores where points is not null order by id;
select id, points, avg(points) over (order by id rows between 1 preceding and 1 following) from scores where points is not null order by id;
select id, points, sum(points) over (order by id rows between unbounded preceding and current row) from scores order by id;
select id, points, sum(points) over (order by id rows between current row and unbounded following) from scores order by id;
select id, points, count(*) over (order by points range between 5 preceding and 5 following) from scores where points is not null order by id;
select id, points, lag(points) over (order by id), lead(points) over (order by id) from scores order by id;
select id, points, lag(points, 2, 0) over (order by id), lead(points, 1, -1) over (order by id) from scores order by id;
select id, first_value(player) over (partition by team order by points desc nulls last, id), last_value(player) over (partition by team order by id rows between unbounded preceding and unbounded following) from scores order by id;
select id, nth_value(points, 2) over (order by id rows between unbounded preceding and unbounded following) from scores order by id;
select id, ntile(3) over (order by id) from scores order by id;
select id, points, percent_rank() over (order by points), cume_dist() over (order by points) from scores where points is not null order by points, id;
select player, sum(points), rank() over (order by sum(points) desc nulls last) from scores group by player order by 3, 1;
select team, sum(points) as pts, sum(sum(points)) over () as all_pts from scores group by team order by team;
select * from (select id, player, row_number() over (partition by player order by played desc, id) as rn from scores) t where rn = 1 order by player;
select id, count(*) over w, max(points) over w from scores window w as (partition by team) order by id;
select id, sum(points) over w from scores window w as (order by id rows 2 preceding) order by id;
select played, points, sum(points) over (partition by played) from scores order by played, id;
select id, points - lag(points) over (partition by player order by played) as delta from scores order by id;
select id, row_number() over (), id from scores where id <= 2 order by id;
select id, max(points) over (order by id groups between 1 preceding and current row) from scores order by id;
select id, sum(points) over (order by played range between interval '1 day' preceding and current row) from scores order by id;
select id, array_agg(id) over (order by id rows between 1 preceding and 1 following) from scores order by id;
select distinct team, count(*) over (partition by team) from scores order by team;
select id, row_number() over (order by points desc nulls first, id) from scores order by id;
select id, sum(points) filter (where team = 'red') over (order by id) from scores order by id;
select id, rank() over (order by played) from scores order by id;
select team, player, points from (select team, player, points, max(points) over (partition by team) as m from scores) s where points = m order by team, player;
select id from scores where row_number() over (order by id) = 1; -- error
select id, rank() over (order by id) from scores group by player; -- error
select id, lag(points, -1) over (order by id) from scores order by id;
select id, ntile(0) over (order by id) from scores; -- error
select id, sum(points) over w from scores; -- error
select id, nth_value(points, 0) over (order by id) from scores; -- error
-- frame offsets: ROWS takes a bigint (1.5 rounds), RANGE is measured in the ORDER BY key's type
select x, sum(x) over (order by x rows between 1.5 preceding and current row) from (values (1), (2), (3), (4)) v(x) order by x;
select x, sum(x) over (order by x rows between '1' preceding and current row) from (values (1), (2), (3)) v(x) order by x;
select x, sum(x) over (order by x::float8 range between 1 preceding and current row) s1, sum(x) over (order by x range between '1' preceding and current row) s2, sum(x) over (order by x::int8 range between 1::int2 preceding and 1 following) s3 from (values (1), (2), (3), (5)) v(x) order by x;
select x, sum(x) over (order by x::float4 range between 0.5 preceding and current row), sum(x) over (order by x / 2.0::float8 range between 0.75 preceding and 0.25 following) from (values (1), (2), (3)) v(x) order by x;
select sum(x) over (range between 1 preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (order by x, -x range between 1 preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (order by x::text range between 1 preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (order by x range between 1.5 preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (order by x range between -1 preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (groups between 1 preceding and current row) from (values (1), (2)) v(x); -- error
select x, sum(x) over (order by x groups between 1 preceding and current row) from (values (1), (1), (2), (3)) v(x) order by x;
select x, sum(x) over (order by x desc range between 1 preceding and current row) from (values (1), (2), (3)) v(x) order by x;
select sum(x) over (order by x range between null preceding and current row) from (values (1), (2)) v(x); -- error
select sum(x) over (order by x rows between current row and null following) from (values (1), (2)) v(x); -- error
