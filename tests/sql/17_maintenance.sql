-- VACUUM and ANALYZE in all their forms (minipg maps them onto SQLite maintenance).
create table vt(a int, b int);
vacuum analyze vt;
vacuum vt;
analyze vt;
analyze vt (a, b);
vacuum (analyze false) vt;
vacuum full vt;
vacuum freeze vt;
vacuum (bogus) vt; -- error
vacuum nosuch; -- error
vacuum vt nope; -- error
vacuum (full) public.vt;
vacuum full freeze verbose analyze vt, vt;
vacuum (verbose, analyze) vt;
analyze verbose vt;
begin;
vacuum vt; -- error
rollback;
begin;
analyze vt;
commit;
-- EXPLAIN: the options PostgreSQL checks (the plans themselves are SQLite's, see docs).
explain (bogus) select 1; -- error
explain (timing) select 1; -- error
explain (wal) select 1; -- error
explain (analyze 'maybe') select 1; -- error
explain (format yamlish) select 1; -- error
explain select * from nosuch; -- error
