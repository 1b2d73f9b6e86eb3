#!/usr/bin/env python3
"""Driver round trips: runs a fixed list of statements with parameters through pg8000 and
psycopg2 against one server and prints every result as typed Python values, one line per
driver and statement:

    <driver>|<statement number>|cols=[...] rows=[...] rowcount=N
    <driver>|<statement number>|ERROR <SQLSTATE>

Each value prints as `<python type>:<repr>`, so `int:42` and `str:'42'` differ. tests/tests/
drivers.rs runs this against PostgreSQL 15 and against minipg and compares the lines.

Usage: roundtrip.py --host HOST_OR_SOCKET_DIR --port PORT --user USER --db DB [--driver NAME]
Exit status: 0 when every driver module imports (whatever the server answered), 3 when a
driver module is missing (the first line then says which), 2 on bad arguments.
"""

import argparse
import datetime
import decimal
import json
import sys

UTC = datetime.timezone.utc

# (SQL with %s placeholders, parameters). `{t}` is a table of the driver's own, so that the
# drivers do not see each other's rows.
STATEMENTS = [
    ("select 1 as one, 'a' as letter, true as yes, null as nothing", ()),
    ("select %s::int as i, %s::bigint as b, %s::smallint as s", (42, 2**40, 7)),
    ("select %s + 1 as next", (41,)),
    ("select 7 / 2 as q, 7.0 / 2 as nq, 2 ^ 10 as p", ()),
    ("select %s::numeric * 2 as doubled", (decimal.Decimal("1.25"),)),
    ("select 1.50::numeric(10,2) as n, 0.1::float8 as f8, 1.5::float4 as f4, 'NaN'::float8 as nan", ()),
    ("select %s::float8 / 4 as quarter", (1.0,)),
    ("select sum(x) as s, avg(x) as a, count(*) as c from (values (1), (2), (4)) t(x)", ()),
    ("select '2024-03-15'::date as d, %s::date as p", (datetime.date(2024, 1, 2),)),
    ("select '2024-03-15 10:20:30+02'::timestamptz as tz, %s::timestamptz as p",
     (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),)),
    ("select '2024-03-15 10:20:30.5'::timestamp as ts, %s::timestamp as p",
     (datetime.datetime(2024, 1, 2, 3, 4, 5),)),
    ("select '10:20:30'::time as t, '1 day 2 hours'::interval as i", ()),
    ("select date '2024-03-15' + 1 as tomorrow, timestamp '2024-03-15 10:00' + interval '90 minutes' as later", ()),
    ("select '{\"b\": null, \"a\": [1, 2]}'::jsonb as jb, '{\"x\": 1}'::json as j", ()),
    ("select %s::jsonb -> 'k' as k", (json.dumps({"k": [1, "two", None]}),)),
    ("select jsonb_build_object('n', 1, 's', 'x') as o", ()),
    ("select array[1, 2, 3] as ints, array['a', null] as texts, '{}'::int[] as empty", ()),
    ("select array[1.5, 2]::numeric[] as nums, array[true, false] as bools", ()),
    ("select %s::int[] as arr", ([1, 2, 3],)),
    ("select null::int as i, null::text as t, null::date as d, null::jsonb as j, null::int[] as a", ()),
    ("select %s::int is null as isnull", (None,)),
    ("select %s::text as t, length(%s::text) as n", ("O'Reilly ✓", "O'Reilly ✓")),
    ("select ''::text as empty, null::text as nothing", ()),
    ("select %s::bool as b, not %s::bool as nb", (True, False)),
    ("select 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u", ()),
    ("select 'abc'::bytea as b", ()),
    ("drop table if exists {t}", ()),
    ("create table {t} (id serial primary key, b boolean, i int, n numeric(10,2), f float8, "
     "d date, ts timestamptz, j jsonb, a int[], t text)", ()),
    ("insert into {t} (b, i, n, f, d, ts, j, t) values (%s, %s, %s, %s, %s, %s, %s, %s) returning id",
     (True, 7, decimal.Decimal("12.34"), 2.5, datetime.date(2024, 2, 29),
      datetime.datetime(2024, 2, 29, 12, 0, tzinfo=UTC), json.dumps({"k": "v"}), "first")),
    ("insert into {t} (b, i, n, f, d, ts, j, a, t) values (false, -1, 0.5, -0.25, '2023-12-31', "
     "'2023-12-31 23:59:59+00', '[1, 2]', '{4,5}', 'second') returning id, n, a", ()),
    ("insert into {t} (b, i, n, f, d, ts, j, a, t) values (null, null, null, null, null, null, null, null, null) returning *", ()),
    ("select * from {t} order by id", ()),
    ("select id, t from {t} where t = %s", ("first",)),
    ("select id from {t} where i > %s order by id", (0,)),
    ("update {t} set n = n + %s where id = %s returning n", (decimal.Decimal("1.01"), 1)),
    ("update {t} set t = upper(t) where t is not null", ()),
    ("select count(*) as c, sum(i) as s, avg(n) as a, max(d) as m from {t}", ()),
    ("delete from {t} where id = %s returning id", (3,)),
    ("select t, j ->> 'k' as k from {t} order by id", ()),
    ("select 1 / 0", ()),
    ("select %s::int", ("abc",)),
    ("select * from no_such_table", ()),
    ("insert into {t} (id) values (1)", ()),
    ("select 'still working' as s", ()),
]


def show(v):
    if isinstance(v, memoryview):
        v = bytes(v)
    return f"{type(v).__name__}:{v!r}"


def sqlstate(e):
    code = getattr(e, "pgcode", None)
    if code:
        return code
    if e.args and isinstance(e.args[0], dict):
        return e.args[0].get("C", type(e).__name__)
    return type(e).__name__


def connect(driver, a):
    if driver == "psycopg2":
        import psycopg2

        c = psycopg2.connect(host=a.host, port=a.port, user=a.user, dbname=a.db, connect_timeout=10)
        c.autocommit = True
        return c
    import pg8000.dbapi

    if a.host.startswith("/"):
        c = pg8000.dbapi.connect(user=a.user, database=a.db, unix_sock=f"{a.host}/.s.PGSQL.{a.port}", timeout=30)
    else:
        c = pg8000.dbapi.connect(user=a.user, database=a.db, host=a.host, port=a.port, timeout=30)
    c.autocommit = True
    return c


def run(driver, a):
    conn = None
    table = f"rt_{driver}"
    for n, (sql, params) in enumerate(STATEMENTS, 1):
        sql = sql.replace("{t}", table)
        if conn is None:
            try:
                conn = connect(driver, a)
            except Exception as e:  # noqa: BLE001 - any failure is a result to print
                print(f"{driver}|{n}|NO CONNECTION {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True)
                continue
        try:
            cur = conn.cursor()
            cur.execute(sql, params) if params else cur.execute(sql)
            if cur.description:
                cols = [d[0] for d in cur.description]
                rows = [[show(v) for v in row] for row in cur.fetchall()]
                out = f"cols={cols} rows={rows} rowcount={cur.rowcount}"
            else:
                out = f"rowcount={cur.rowcount}"
            cur.close()
        except Exception as e:  # noqa: BLE001 - any failure is a result to print
            out = f"ERROR {sqlstate(e)}"
            # A broken connection is made again for the next statement.
            try:
                c = conn.cursor()
                c.execute("select 1")
                c.fetchall()
                c.close()
            except Exception:  # noqa: BLE001
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass
                conn = None
        print(f"{driver}|{n}|{out}", flush=True)
    if conn is not None:
        conn.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--driver", choices=["pg8000", "psycopg2", "all"], default="all")
    a = p.parse_args()
    drivers = ["pg8000", "psycopg2"] if a.driver == "all" else [a.driver]
    for d in drivers:
        try:
            __import__("pg8000.dbapi" if d == "pg8000" else d)
        except ImportError as e:
            print(f"MISSING {d}: {e}", flush=True)
            sys.exit(3)
    for d in drivers:
        run(d, a)


if __name__ == "__main__":
    main()
