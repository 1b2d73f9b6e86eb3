#!/usr/bin/env python3
"""Regenerates testdata/extra.tsv: evaluates every case on a PostgreSQL 15 server (psql on /tmp/pg15:5499).

Usage: python3 gen_extra.py testdata/extra.tsv
"""
import sys
from pathlib import Path

# The shared evaluator lives with the number types' generators.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "types" / "numbers" / "testdata"))
import pgeval  # noqa: E402

lit = pgeval.lit
cases = []   # (kind, call, types, rows, ret, frame)  kind: agg|ord|win
def agg(name, types, rows, ret, ordered=False):
    cases.append(('agg', name, types, rows, ret, ordered))
def win(name, types, rows, ret, k):
    cases.append(('win', name, types, rows, ret, k))

N = None
ints = [[5], [-3], [N], [12], [0x7f], [-1]]
for t in ['int2', 'int4', 'int8']:
    for f in ['bit_and', 'bit_or', 'bit_xor']:
        agg(f, [t], ints, t)
        agg(f, [t], [[6], [3]], t)
        agg(f, [t], [], t)
        agg(f, [t], [[N]], t)
        win(f, [t], ints + [[7], [8], [-8], [N], [3]], t, 2)
agg('bit_and', ['int8'], [['-9223372036854775808'], ['-1']], 'int8')
agg('bit_or', ['int8'], [['-9223372036854775808'], ['1']], 'int8')
agg('bit_xor', ['int2'], [['-32768'], ['32767']], 'int2')

D = {
 'line': [[2, 1], [4, 2], [5, 3], [4, 4], [5, 5]],
 'nulls': [[2, 1], [N, 2], [5, N], [4, 4], [N, N], [7.5, 0.25]],
 'one': [[3, 4]],
 'constx': [[1, 2], [3, 2], [5, 2]],
 'consty': [[2, 1], [2, 3], [2, 5]],
 'nan': [[1, 2], ['NaN', 3], [4, 5]],
 'inf': [[1, 2], ['Infinity', 3], [4, 5]],
 'firstinf': [['Infinity', 1], [2, 3]],
 'firstnanx': [[1, 'NaN'], [2, 3]],
 'overflow': [[1e308, 1e308], [-1e308, -1e308], [1e308, 1e308]],
 'empty': [],
 'dec': [[0.1, 0.7], [0.2, 0.3], [0.3, 0.11], [1.7, 2.9], [-3.3, 4.25], [2.2, -1.5]],
 'big': [[1e150, 1e150], [2e150, 3e150]],
}
regr = ['corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy', 'regr_count', 'regr_intercept', 'regr_r2', 'regr_slope', 'regr_sxx', 'regr_sxy', 'regr_syy']
for f in regr:
    ret = 'int8' if f == 'regr_count' else 'float8'
    for d, rows in D.items():
        agg(f, ['float8', 'float8'], rows, ret)
    win(f, ['float8', 'float8'], D['dec'] + D['line'] + [[N, 1], [1, 'NaN'], [2, 2], [3, 3], [4, 4.5]], ret, 2)
    win(f, ['float8', 'float8'], D['dec'] + D['line'], ret, 0)

IVS = [['1 day'], ['3 days 02:00:00'], ['1 mon'], [N], ['-2 hours'], ['1 year 2 mons -3 days 04:05:06.789']]
for f in ['sum', 'avg']:
    agg(f, ['interval'], IVS, 'interval')
    agg(f, ['interval'], [['1 mon'], ['0']], 'interval')
    agg(f, ['interval'], [['1 mon'], ['1 day'], ['1 hour']], 'interval')
    agg(f, ['interval'], [['1 day'], ['1 second'], ['0.5 microseconds']], 'interval')
    agg(f, ['interval'], [], 'interval')
    agg(f, ['interval'], [['178000000 years'], ['178000000 years']], 'interval')
    agg(f, ['interval'], [['2147483647 days'], ['1 day']], 'interval')
    agg(f, ['interval'], [['-2147483648 mons'], ['-2147483648 mons'], ['1 mon'], ['1 mon']], 'interval')
    win(f, ['interval'], IVS + [['5 mins'], ['1 mon 1 day'], ['-1 year']], 'interval', 2)

FRAC = {}
def frac_rows(p, vals):
    rows = [[p, v] for v in vals]
    FRAC[id(rows)] = p
    return rows
F8VALS = {
 'small': [3, 1, 2, N, 5, 4],
 'dups': [1, 1, 2, 2, 2, 10],
 'nan': [1, 'NaN', 3, '-Infinity'],
 'infs': ['Infinity', '-Infinity'],
 'pinf': [1, 'Infinity'],
 'one': [7.5],
 'nulls': [N, N],
 'none': [],
 'dec': [0.1, 0.2, 0.3, 1e-300, -0.0, 0.0, 5e300, -5e300],
}
for p in ['0', '0.25', '0.5', '0.9', '1', '0.333', 'NaN', '1.5', '-0.5', N, '1e-7', '-1e20']:
    for name, vals in F8VALS.items():
        for f in ['percentile_cont', 'percentile_disc']:
            agg(f, ['float8', 'float8'], frac_rows(p, vals), 'float8', True)
IV2 = ['1 day', '3 days 02:00:00', '1 mon', N, '-2 hours', '1 year 2 mons -3 days 04:05:06.789', '1 mon 15 days']
for p in ['0', '0.25', '0.5', '0.7', '1', '0.1']:
    agg('percentile_cont', ['float8', 'interval'], frac_rows(p, IV2), 'interval', True)
    agg('percentile_disc', ['float8', 'interval'], frac_rows(p, IV2), 'interval', True)
agg('percentile_cont', ['float8', 'interval'], frac_rows('0.5', ['178000000 years', '-178000000 years']), 'interval', True)
agg('percentile_cont', ['float8', 'interval'], frac_rows('0.5', ['1 mon', '2 mons']), 'interval', True)
agg('percentile_cont', ['float8', 'interval'], frac_rows('0.3', ['1 mon', '2 mons 3 days']), 'interval', True)
for arr in ['{0,0.25,0.5,0.75,1}', '{{0.1,0.5},{NULL,1}}', '{}', '{0.5,2}', '{NULL}', '{0.5,NaN}', N]:
    agg('percentile_cont', ['float8[]', 'float8'], frac_rows(arr, [1, 2, 4, 8, N, 'NaN']), 'float8[]', True)
    agg('percentile_cont', ['float8[]', 'float8'], frac_rows(arr, []), 'float8[]', True)
    agg('percentile_cont', ['float8[]', 'interval'], frac_rows(arr, IV2), 'interval[]', True)
    agg('percentile_disc', ['float8[]', 'text'], frac_rows(arr, ['b', 'a', 'c', N, 'B', 'ä']), 'text[]', True)
    agg('percentile_disc', ['float8[]', 'float8'], frac_rows(arr, [1, 2, 'NaN', N, '-Infinity']), 'float8[]', True)
DISC = {
 'int4': [5, 3, N, 9, 1, -7],
 'int8': ['9223372036854775807', '-9223372036854775808', '0'],
 'text': ['b', 'a', 'c', N, 'B', 'ä', 'ab'],
 'numeric': ['1.50', '1.5', '-2', 'NaN', '10', '0.001'],
 'date': ['2024-01-31', '1999-12-31', 'infinity', '-infinity'],
 'timestamptz': ['2024-01-31 12:00+00', '1999-12-31 23:59:59+05'],
 'bool': ['t', 'f', 't'],
 'bpchar': ['b  ', 'a', 'a '],
 'uuid': ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000001'],
 'bytea': ['\\x0102', '\\x01', '\\xff'],
 'jsonb': ['{"a":1}', '[1,2]', '"x"', '5', 'null', 'true'],
 'int4[]': ['{1,2}', '{1}', '{0,5,6}', '{1,2,3}'],
 'float8': ['-0', '0', 'NaN', '1', '-Infinity'],
 'float4': ['1.5', 'NaN', '-1'],
}
for t, vals in DISC.items():
    for p in ['0', '0.4', '0.5', '1']:
        agg('percentile_disc', ['float8', t], frac_rows(p, vals), t, True)
MODE = {
 'int4': [3, 1, 1, 3, N, 2],
 'text': ['b', 'a', 'b', 'a', 'c', N],
 'numeric': ['1.0', '1.00', '2', '2', '1'],
 'float8': ['0', '-0', 'NaN', 'NaN', '1'],
 'bool': ['t', 'f', 'f', 't', 't'],
 'interval': ['1 day', '24 hours', '1 mon', '30 days', '30 days'],
 'bpchar': ['a', 'a  ', 'b'],
 'int4[]': ['{1,2}', '{1,2}', '{0}'],
}
for t, vals in MODE.items():
    agg('mode', [t], [[v] for v in vals], t, True)
    agg('mode', [t], [], t, True)

def sqlval(v, t):
    return 'NULL::' + t if v is None else lit(str(v)) + '::' + t

exprs = []
for kind, name, types, rows, ret, x in cases:
    cols = ', '.join(f'c{i}' for i in range(len(types)))
    if kind == 'agg':
        if rows:
            vals = ', '.join('(' + ', '.join(sqlval(v, t) for v, t in zip(r, types)) + ')' for r in rows)
            src = f"(values {vals}) v({cols})"
        else:
            src = f"(values ({', '.join(sqlval(None, t) for t in types)})) v({cols}) where false"
        if x:  # ordered-set
            if len(types) == 2:
                frac = rows[0][0] if rows else FRAC[id(rows)]
                call = f"{name}({sqlval(frac, types[0])}) within group (order by c1)"
            else:
                call = f"{name}() within group (order by c0)"
        else:
            call = f"{name}({cols})"
        exprs.append(f"select {call} from {src}")
    else:
        vals = ', '.join('(' + str(i) + ', ' + ', '.join(sqlval(v, t) for v, t in zip(r, types)) + ')' for i, r in enumerate(rows))
        call = f"{name}({cols}) over (order by o rows between {x} preceding and current row)"
        exprs.append(f"select string_agg(coalesce(r::text, '<NULL>'), ';' order by o) from (select o, {call} r from (values {vals}) v(o, {cols})) s")
res = pgeval.evaluate(exprs)
# Without rows the aggregate never sees its fraction (PostgreSQL still checks it): not testable.
keep = [not (c[0] == 'agg' and c[5] and not c[3] and r.startswith('ERROR')) for c, r in zip(cases, res)]
cases = [c for c, k in zip(cases, keep) if k]
res = [r for r, k in zip(res, keep) if k]
def enc(v):
    return '\\N' if v is None else str(v)
with open(sys.argv[1], 'w') as out:
    out.write("# kind\tname\targument types\trows (';' between rows, '|' between columns, \\N = NULL)\tresult type\tordered / frame rows before\tPostgreSQL 15's result\n")
    for (kind, name, types, rows, ret, x), r in zip(cases, res):
        rowtext = ';'.join('|'.join(enc(v) for v in row) for row in rows)
        for s in [rowtext, r]:
            assert '\t' not in s and '\n' not in s
        out.write(f"{kind}\t{name}\t{','.join(types)}\t{rowtext}\t{ret}\t{x}\t{r}\n")
print(len(cases))
