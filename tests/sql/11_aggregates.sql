-- Aggregates, GROUP BY, HAVING, DISTINCT, FILTER, ordered-set aggregates, grouping sets.
create table sales (id int primary key, region text, rep text, product text, amount numeric(10,2), units int, closed boolean, day date);
insert into sales values (1, 'north', 'ann', 'widget', 100.00, 10, true, '2024-01-05'), (2, 'north', 'ann', 'gadget', 250.50, 2, true, '2024-01-09'), (3, 'north', 'bob', 'widget', 75.25, 7, false, '2024-02-01'), (4, 'south', 'cat', 'widget', 300.00, 30, true, '2024-02-11'), (5, 'south', 'cat', 'gizmo', 20.00, 1, false, '2024-02-15'), (6, 'south', 'dan', 'gadget', 125.00, 1, true, '2024-03-01'), (7, 'west', 'eve', 'gizmo', null, 4, null, '2024-03-03'), (8, 'west', 'eve', 'widget', 60.00, 6, true, null);
select count(*), count(amount), count(distinct region), count(closed) from sales;
select sum(amount), avg(amount), min(amount), max(amount) from sales;
select sum(units), avg(units), min(units), max(units) from sales;
select region, count(*), sum(amount) from sales group by region order by region;
select region, rep, sum(units) from sales group by region, rep order by region, rep;
select region, sum(amount) as total from sales group by region having sum(amount) > 200 order by total desc;
select region, count(*) from sales group by region having count(*) > 2 order by region;
select rep from sales group by rep having bool_and(closed) order by rep;
select region, max(amount) - min(amount) as spread from sales group by 1 order by 1;
select product, round(avg(amount), 2) as avg_amount from sales group by product order by avg_amount desc nulls last;
select count(*) from sales where region = 'nowhere';
select sum(amount), max(day), avg(units) from sales where false;
select region, count(*) from sales where false group by region;
select count(distinct product), count(distinct rep) from sales;
select sum(distinct units) from sales;
select region, string_agg(rep, ',' order by rep) from sales group by region order by region;
select region, string_agg(distinct rep, ',') from sales group by region order by region;
select region, array_agg(units order by units desc) from sales group by region order by region;
select bool_and(closed), bool_or(closed), every(units > 0) from sales;
select count(*) filter (where closed), sum(amount) filter (where region = 'north') from sales;
select region, count(*) filter (where units > 5) as big from sales group by region order by region;
select extract(month from day) as m, sum(amount) from sales where day is not null group by m order by m;
select date_trunc('month', day)::date as month, count(*) from sales group by 1 order by 1 nulls last;
select closed, count(*) from sales group by closed order by closed nulls first;
select region, avg(units)::numeric(10,2) from sales group by region order by region;
select stddev(units)::numeric(10,4), variance(units)::numeric(10,4), stddev_pop(units)::numeric(10,4), var_samp(units)::numeric(10,4) from sales;
select corr(units, amount)::numeric(10,6), covar_pop(units, amount)::numeric(12,4), regr_slope(amount, units)::numeric(12,4) from sales;
select percentile_cont(0.5) within group (order by units), percentile_disc(0.5) within group (order by units) from sales;
select mode() within group (order by product) from sales;
select region, percentile_cont(0.5) within group (order by amount) from sales group by region order by region;
select bit_and(units), bit_or(units) from sales;
select max(rep), min(product), max(closed::int) from sales;
select max(day), min(day) from sales;
select count(*) as n from sales group by region order by n desc, min(region);
select region, rep, sum(amount) from sales group by rollup (region, rep) order by region nulls last, rep nulls last;
select region, product, count(*) from sales group by cube (region, product) order by region nulls last, product nulls last;
select region, product, sum(units) from sales group by grouping sets ((region), (product), ()) order by region nulls last, product nulls last;
select region, grouping(region), count(*) from sales group by rollup (region) order by region nulls last;
select distinct region from sales order by region;
select distinct region, closed from sales order by region, closed;
select distinct on (region) region, rep, amount from sales order by region, amount desc nulls last;
select count(*) from (select distinct rep from sales) r;
select region, sum(units) * 100 / (select sum(units) from sales) as pct from sales group by region order by region;
select rep, sum(amount) from sales group by rep having sum(amount) is null;
select sum(units) as s from sales having sum(units) > 10;
select 1 as x from sales having count(*) > 100;
select region as r, count(*) from sales group by r order by r;
select upper(region), count(*) from sales group by upper(region) order by 1;
select count(units + 0), sum(units * 2), avg(units::float8) from sales;
select json_object_agg(rep, units order by id) from sales where region = 'north';
select avg(x), sum(x) from (values (1), (2), (4)) t(x);
select sum(x) from (values (2147483647), (1)) t(x);
select sum(x) from (values (9223372036854775807), (1)) t(x);
select avg(x) from (values (1.0::float8), (2.0::float8)) t(x);
select region, rep from sales group by region; -- error
select region, sum(amount) from sales; -- error
select count(*) from sales where sum(amount) > 10; -- error
select sum(region) from sales; -- error
select avg(closed) from sales; -- error
select sum(count(*)) from sales; -- error
select percentile_cont(0.25) within group (order by x), mode() within group (order by x), percentile_disc(array[0.1,0.5]) within group (order by x) from generate_series(1,10) x;
select percentile_cont(0.5, 1); -- error
select percentile_cont(array[0.5, 0.9]) within group (order by x::float8) from generate_series(1,10) x;
select percentile_cont(0.5) within group (order by x * interval '1 day') from generate_series(1,4) x;
select g, mode() within group (order by x % 3) from generate_series(1,10) x, (values (1),(2)) v(g) group by g order by g;
select region, rep, grouping(region, rep), grouping(rep, region), sum(units) from sales group by cube(region, rep) having sum(units) > 5 order by 3, 1, 2;
select coalesce(region, 'ALL') as r, count(*) from sales group by rollup(region) order by grouping(region), r;
select region, product, count(*) from sales group by region, rollup(product) order by 1, 2 nulls first;
select region, count(*) from sales group by grouping sets ((region), (region)) order by 1;
select upper(region), count(*) from sales group by rollup(upper(region)) order by 1;
select 1 from sales where grouping(region) = 0; -- error
select region, rep from sales group by rollup(region) order by 1; -- error
select count(*) from sales group by ();
select region, sum(units), rank() over (order by sum(units) desc) from sales group by rollup(region) order by 1;
select string_agg(distinct rep, ',' order by rep) from sales;
select array_agg(distinct units order by units) from sales;
select array_agg(distinct closed) from sales;
select count(distinct amount::numeric(10,3)), count(distinct amount) from sales;
select array_agg(distinct x) from (values (1.5::numeric), (1.50), (2)) v(x);
select jsonb_agg(distinct region order by region) from sales;
select string_agg(distinct rep, ',' order by region) from sales; -- error
select count(distinct (region, rep)) from sales;
select sum(distinct units), avg(distinct units) from sales;
