-- Dates, times, timestamps with and without time zone, intervals (TimeZone UTC, DateStyle ISO, MDY).
create table events (id int primary key, name text, day date, starts timestamp, at timestamptz, took interval);
insert into events values (1, 'launch', '2024-01-15', '2024-01-15 09:30:00', '2024-01-15 09:30:00+00', '1 hour 30 minutes'), (2, 'review', '2024-02-29', '2024-02-29 14:00:00', '2024-02-29 14:00:00+02', '45 minutes'), (3, 'retro', '2023-12-31', '2023-12-31 23:59:59.5', '2023-12-31 23:59:59.5-05', '2 days'), (4, 'party', null, null, null, null);
select * from events order by id;
select name, day from events order by day, id;
select name from events where day > '2024-01-01' order by day;
select name from events where at >= '2024-02-01 00:00:00+00' order by id;
select date '2024-03-15';
select '2024-03-15'::date, '2024-03-15 10:20:30'::timestamp, '2024-03-15 10:20:30+02'::timestamptz;
select '2024-03-15 10:20:30.123456'::timestamp, '2024-03-15 10:20:30.5'::timestamptz;
select '10:20:30'::time, '10:20'::time, '23:59:59.999'::time;
select '1 day'::interval, '2 hours 30 minutes'::interval, '1 year 2 months'::interval, '-1 day'::interval;
select '90 minutes'::interval, '36 hours'::interval, '1.5 days'::interval;
select interval '1 day' * 3, interval '1 hour' / 2;
select '2024-01-31'::date + 1, '2024-01-01'::date - 1;
select '2024-03-01'::date - '2024-02-01'::date;
select '2024-01-31'::date + interval '1 month';
select '2024-01-15 10:00'::timestamp + interval '90 minutes';
select '2024-01-15 10:00'::timestamp - '2024-01-14 08:30'::timestamp;
select '2024-01-15 10:00+00'::timestamptz - interval '1 day';
select '2024-01-15'::date + '10:30'::time;
select timestamp '2024-01-15 10:00' - interval '1 year';
select age('2024-03-15'::date, '2000-01-01'::date);
select age(timestamp '2024-01-01', timestamp '2023-06-15 12:00');
select extract(year from date '2024-03-15'), extract(month from date '2024-03-15'), extract(day from date '2024-03-15');
select extract(dow from date '2024-03-15'), extract(doy from date '2024-03-15'), extract(week from date '2024-03-15'), extract(quarter from date '2024-03-15');
select extract(epoch from timestamptz '2024-01-01 00:00:00+00');
select extract(hour from timestamp '2024-01-01 13:45:10'), extract(minute from time '13:45:10'), extract(second from time '13:45:10.5');
select extract(epoch from interval '1 day 2 hours');
select date_part('year', timestamp '2024-05-01 00:00'), date_part('isodow', date '2024-03-17');
select date_trunc('month', timestamp '2024-03-15 10:20:30'), date_trunc('hour', timestamp '2024-03-15 10:20:30');
select date_trunc('year', date '2024-03-15');
select date_trunc('week', timestamptz '2024-03-15 10:20:30+00');
select date_trunc('day', interval '2 days 5 hours');
select to_char(timestamp '2024-03-05 14:07:09', 'YYYY-MM-DD HH24:MI:SS');
select to_char(date '2024-03-05', 'DD Mon YYYY'), to_char(date '2024-03-05', 'Day, Month DD');
select to_char(timestamp '2024-03-05 14:07:09', 'HH12:MI AM'), to_char(date '2024-03-05', 'YYYY"Q"Q');
select to_date('05 Mar 2024', 'DD Mon YYYY'), to_timestamp('2024-03-05 14:07', 'YYYY-MM-DD HH24:MI');
select to_timestamp(1700000000);
select make_date(2024, 2, 29), make_time(12, 30, 15.5), make_timestamp(2024, 1, 2, 3, 4, 5);
select make_interval(days => 10), make_interval(hours => 36);
select justify_hours(interval '36 hours'), justify_days(interval '45 days'), justify_interval(interval '1 month -1 hour');
select now() is not null, current_date is not null, current_timestamp is not null, localtimestamp is not null;
select now() = current_timestamp, now() - now();
select pg_typeof(now()), pg_typeof(current_date), pg_typeof(current_time), pg_typeof(localtimestamp);
select date '2024-02-28' + 1, date '2023-02-28' + 1;
select (date '2024-12-31' - date '2024-01-01') + 1 as days_in_year;
select timestamptz '2024-06-01 12:00:00+02' at time zone 'UTC';
select timestamp '2024-06-01 12:00:00' at time zone 'UTC';
select timestamptz '2024-06-01 12:00:00+00' at time zone 'America/New_York';
select timezone('Asia/Tokyo', timestamptz '2024-06-01 12:00:00+00');
select '2024-06-01 12:00:00 Europe/Paris'::timestamptz;
select timestamp '2024-01-15 10:00' < timestamp '2024-01-15 10:00:01';
select date '2024-01-15' = timestamp '2024-01-15 00:00';
select date '2024-01-15' < timestamptz '2024-01-15 00:00:01+00';
select interval '1 day' = interval '24 hours', interval '1 month' = interval '30 days';
select interval '1 hour' > interval '59 minutes';
select 'epoch'::timestamptz, 'infinity'::timestamp, '-infinity'::date;
select 'today'::date = current_date, 'tomorrow'::date - 'yesterday'::date;
select '2024-01-15T10:20:30Z'::timestamptz;
select '1/2/2024'::date;
select 'Jan 5, 2024'::date;
select '20240105'::date;
select name, starts::date, at::time from events where id < 4 order by id;
select name, to_char(at, 'YYYY-MM-DD HH24:MI:SSOF') from events where at is not null order by at;
select name, took, took * 2 from events order by id;
select sum(took), avg(took), max(took), min(starts) from events;
select extract(year from day) as y, count(*) from events where day is not null group by 1 order by 1;
select date_trunc('month', starts) as m, count(*) from events where starts is not null group by m order by m;
select name from events where starts between '2024-01-01' and '2024-02-01' order by id;
select name, day + 7 as next_week from events where day is not null order by id;
select max(day) - min(day) from events;
select name from events where extract(month from day) = 2;
select generate_series(date '2024-01-01', date '2024-01-05', interval '1 day');
select d::date from generate_series(timestamp '2024-01-29', timestamp '2024-02-02', '1 day') as g(d) order by d;
select isfinite(date '2024-01-01'), isfinite('infinity'::timestamp);
select (date '2024-03-01', date '2024-03-31') overlaps (date '2024-03-15', date '2024-04-15');
select time '10:00' + interval '3 hours', time '10:00' - time '08:30';
select timestamptz '2024-03-10 12:00+00' + interval '1 day';
select '2024-02-30'::date; -- error
select '2024-13-01'::date; -- error
select '25:00'::time; -- error
select 'not a date'::timestamp; -- error
select '1 fortnight'::interval; -- error
select date '2024-01-01' + time '25:00'; -- error
select make_interval(1, days => 2), make_interval(), make_interval(1, 2), make_interval(secs => 1.5);
select make_interval(dayz => 2); -- error
select make_interval(days => 2, days => 3); -- error
select make_interval(1, 2, 3, 4, 5, 6, 7, 8); -- error
select lower(x => 'A'); -- error
-- OVERLAPS: either order, NULL ends, touching and one-instant periods, intervals, time wrap
select (date '2024-03-31', date '2024-03-01') overlaps (date '2024-04-15', date '2024-03-15');
select (date '2024-03-01', date '2024-03-15') overlaps (date '2024-03-15', date '2024-03-31');
select (date '2024-03-01', date '2024-03-01') overlaps (date '2024-03-01', date '2024-03-31');
select (date '2024-03-05', date '2024-03-05') overlaps (date '2024-03-01', date '2024-03-31');
select (date '2024-03-01', null::date) overlaps (date '2024-03-15', date '2024-03-31');
select (date '2024-03-15', null::date) overlaps (date '2024-03-01', date '2024-03-31');
select (date '2024-03-15', null::date) overlaps (date '2024-03-01', date '2024-03-10');
select (null::date, date '2024-03-15') overlaps (date '2024-03-01', null::date);
select (null::date, null::date) overlaps (date '2024-03-01', date '2024-03-31');
select (date '2024-03-01', null) overlaps (date '2024-03-15', date '2024-03-31'), (null, date '2024-03-01') overlaps (date '2024-02-15', null);
select (date '2024-03-01', null::date) overlaps (date '2024-03-01', date '2024-03-31');
select (timestamp '2024-03-01 10:00', interval '2 hours') overlaps (timestamp '2024-03-01 11:59', interval '1 minute');
select (timestamp '2024-03-01 10:00', timestamp '2024-03-01 12:00') overlaps (timestamp '2024-03-01 12:00', interval '1 hour');
select (timestamp '2024-03-01 10:00', interval '-3 hours') overlaps (timestamp '2024-03-01 08:00', timestamp '2024-03-01 08:30');
select (timestamptz '2024-03-01 10:00+00', interval '1 day') overlaps (timestamptz '2024-03-02 09:00+00', interval '1 hour');
select (timestamptz '2024-03-01 10:00+00', timestamptz '2024-03-01 11:00+00') overlaps (timestamptz '2024-03-01 10:30+00', null::interval);
select (time '09:00', time '10:00') overlaps (time '09:30', time '11:00'), (time '23:00', interval '2 hours') overlaps (time '00:30', time '00:40');
select row(date '2001-01-01', date '2001-02-01') overlaps row(date '2001-01-15', date '2001-01-16');
select (timestamp 'infinity', timestamp '2024-01-01') overlaps (timestamp '-infinity', timestamp '2000-01-01');
select (1, 2, 3) overlaps (1, 2); -- error
select (date '2024-03-01', date '2024-03-02') overlaps (date '2024-03-01'); -- error
select (1, 2) overlaps (3, 4); -- error
select ('2024-03-01', '2024-03-02') overlaps ('2024-03-01', '2024-03-02'); -- error
