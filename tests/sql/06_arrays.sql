-- Arrays: literals, constructors, subscripts and slices, operators, functions, unnest, errors.
create table posts (id int primary key, title text, tags text[], scores int[]);
insert into posts values (1, 'intro', '{sql,postgres}', '{5,3,4}'), (2, 'arrays', array['sql', 'arrays'], array[1, 2]), (3, 'empty', '{}', '{}'), (4, 'nulls', null, '{1,NULL,3}');
select * from posts order by id;
select array[1, 2, 3];
select array['a', 'b'], array[1.5, 2];
select '{1,2,3}'::int[], '{a,"b c",NULL}'::text[];
select array[[1, 2], [3, 4]];
select '{}'::int[], array[]::text[];
select array[1, 2, 3] || 4, 0 || array[1, 2], array[1, 2] || array[3, 4];
select (array[10, 20, 30])[2], (array[10, 20, 30])[5], (array[10, 20, 30])[0];
select (array[10, 20, 30, 40])[2:3], (array[10, 20, 30, 40])[:2], (array[10, 20, 30, 40])[3:];
select (array[[1, 2], [3, 4]])[2][1];
select array_length(array[1, 2, 3], 1), array_length('{}'::int[], 1), cardinality(array[[1, 2], [3, 4]]);
select array_lower(array[1, 2], 1), array_upper(array[1, 2], 1), array_ndims(array[[1], [2]]), array_dims(array[[1, 2], [3, 4]]);
select array_append(array[1, 2], 3), array_prepend(0, array[1, 2]), array_cat(array[1], array[2, 3]);
select array_remove(array[1, 2, 1, 3], 1), array_replace(array[1, 2, 1], 1, 9);
select array_position(array['a', 'b', 'c'], 'b'), array_positions(array[1, 2, 1], 1);
select 2 = any(array[1, 2, 3]), 5 = any(array[1, 2, 3]), 5 > all(array[1, 2, 3]);
select 'sql' = any(tags) as has_sql from posts order by id;
select id from posts where 'sql' = any(tags) order by id;
select id from posts where tags @> array['postgres'];
select id from posts where tags && array['arrays', 'nothing'];
select array[1, 2] <@ array[1, 2, 3], array[1, 2] = array[1, 2], array[1, 2] < array[1, 3];
select array[1, null] = array[1, null];
select unnest(array[3, 1, 2]);
select unnest(array['x', 'y']) as letter, unnest(array[1, 2]) as n;
select t.tag from posts, unnest(posts.tags) as t(tag) where posts.id = 1 order by t.tag;
select tag, count(*) from posts, unnest(tags) as tag group by tag order by tag;
select * from unnest(array[1, 2], array['a', 'b']) as u(n, s);
select u.x, u.ord from unnest(array['a', 'b', 'c']) with ordinality as u(x, ord) order by u.ord;
select array_agg(id order by id) from posts;
select array_agg(title order by title desc) from posts;
select array_agg(distinct t order by t) from posts, unnest(tags) t;
select id, array_length(scores, 1), scores[1] from posts order by id;
select id, (select sum(s) from unnest(scores) s) as total from posts order by id;
select array(select id from posts where id > 1 order by id);
select array_to_string(tags, ', ') from posts order by id;
select string_to_array('1,2,3', ',')::int[];
select pg_typeof(array[1, 2]), pg_typeof(array['a']), pg_typeof(array[1.5]), pg_typeof('{1}'::bigint[]);
select array_fill(0, array[3]), array_fill('x'::text, array[2, 2]);
select trim_array(array[1, 2, 3, 4], 2);
update posts set tags = array_append(tags, 'new') where id = 2 returning id, tags;
update posts set scores[2] = 99 where id = 1 returning scores;
select tags[1], tags[2], tags[3] from posts where id = 2;
select '{1,2'::int[]; -- error
select '{a,b}'::int[]; -- error
select array[1, 'x']; -- error
select array[[1, 2], [3]]; -- error
