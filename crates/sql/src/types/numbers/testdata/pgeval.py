"""Evaluates SQL expressions on the PostgreSQL 15 server (psql on /tmp/pg15:5499), for the
scripts that regenerate the unit tests' expected values (gen_to_char.py here,
src/func/testdata/gen_extra.py).

Each expression's value comes back as text (NULL as <NULL>, an error as
"ERROR <sqlstate>: <message>"); `lit` quotes a string as an SQL literal.
"""
import subprocess
PSQL = ["/usr/lib/postgresql/15/bin/psql", "-h", "/tmp/pg15", "-p", "5499", "-U", "postgres", "-X", "-At", "-q"]
FN = r"""CREATE FUNCTION pg_temp.t(q text) RETURNS text AS $f$ DECLARE r text; BEGIN EXECUTE q INTO r; RETURN coalesce(r, '<NULL>'); EXCEPTION WHEN OTHERS THEN RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM; END $f$ LANGUAGE plpgsql;"""
def lit(s):
    return "'" + s.replace("'", "''") + "'"
def evaluate(exprs):
    sql = [FN]
    for e in exprs:
        sql.append("select replace(replace(pg_temp.t(" + lit("select case when v is null then null else format('%s', v) end from (select (" + e + ") as v) s") + "), E'\\n', '\\n'), E'\\t', '\\t') || '|END';")
    out = subprocess.run(PSQL, input="\n".join(sql), capture_output=True, text=True).stdout
    res = [l[:-4] for l in out.split("\n") if l.endswith("|END")]
    assert len(res) == len(exprs), (len(res), len(exprs), out[:2000])
    return res

