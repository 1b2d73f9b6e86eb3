#!/usr/bin/env python3
"""Regenerates testdata/to_char.tsv: evaluates every case on a PostgreSQL 15 server (psql on /tmp/pg15:5499).

Usage: python3 gen_to_char.py testdata/to_char.tsv
"""
import sys
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

class pgeval:
    lit = staticmethod(lit)
    evaluate = staticmethod(evaluate)

formats = ['9999', '9999.99', '0000.00', 'FM9999.99', 'FM0000.00', '9,999.99', '9G999D99', 'FM9G999D99',
  'S9999.99', '9999.99S', 'FMS9999.99', 'FM9999.99S', 'MI9999.99', '9999.99MI', 'FM9999.99MI', 'PL9999.99', '9999.99PL',
  'FMPL9999', 'SG9999.99', '9999.99SG', 'FMSG9999', '9999.99PR', 'FM9999.99PR', 'L9999.99', 'FML9999', '9999th', '9999TH',
  'FM9999th', 'FM9999TH', '99V99', '9V999', 'FM99V9', '9.99EEEE', '9.999999EEEE', '9EEEE', '99.9EEEE', 'RN', 'FMRN', 'rn', 'FMrn',
  'B9999', '9999.99C', '"abc"9999', 'FM990.00', 'FM9999.0099', '099.99', '9990.999', '0.9', '.99', '9.', 'FM9.', 'S0000',
  '999', '9', 'FM9.99S', 'FMMI999', '0999', 'FM0999', '9,9,9', '99999999999999999999.99', 'FM09999999999999999999.9999999999',
  '$9999.99', '9 9 9 9', 'FM9 9 9 9', '00,000.00', 'SG0000', 'FM.999', '9999.99999999', 'FM999990.99999999', '0.0000EEEE',
  'S9.99EEEE', '9999PR', 'FM9999PR', 'FMRNSG', 'SGRN', '"x\\"y"9', '\\"9', '9 "th" 9', 'G999', 'FMG999', 'D99', '999D', 'x', '',
  'FMS0000', 'S0000.00', '0000S', 'PL0000', 'MI0000', '00MI00', '99S99', '9S.99', '9.9S9', 'FMSG0.0', 'FM9.9PR', 'V999',
]
errfmts = ['99.99.99', 'S9S', '9PR9', '0PR0', 'EEEE9', '9.9EEEEEEEE', '9V9.9', '9.9V9', 'S99MI', 'PR99S', 'S99PL', 'SG99S', 'MI99S',
  'FM9.9EEEE', 'S9.9EEEE', '9.9EEEEPR', 'RN9.9EEEE', '9V9EEEE', 'B9.9EEEE', 'PL9EEEE']
vals = {
 'numeric': ['0', '1', '-1', '0.5', '-0.5', '12.345', '-12.345', '1234.5678', '-1234.5678', '0.001', '-0.001', '99.995', '9999.995',
   '123456789.987', '1e20', '-1e20', 'NaN', 'Infinity', '-Infinity', '11', '12', '13', '111', '3999', '4000', '0.0001234', '-0.0001234', '9.999', '100', '2.5', '-2.5', '0.05'],
 'int4': ['0', '1', '-1', '5', '11', '12', '13', '21', '22', '23', '101', '111', '1234', '-1234', '12345', '2147483647', '-2147483648', '3999', '4000', '-5', '125'],
 'int8': ['0', '1', '-1', '12', '-12', '1234', '-1234', '12345', '9223372036854775807', '-9223372036854775808', '3999', '4000', '5000000000', '125', '-125'],
 'float4': ['0', '1', '-1', '0.5', '-0.5', '12.345', '-12.345', '1234.5678', '0.001', '-0.001', '99.995', '1e20', '-1e20', 'NaN', 'Infinity', '-Infinity', '12', '3999', '0.1', '2.5', '1e-10', '3.5'],
 'float8': ['0', '1', '-1', '0.5', '-0.5', '12.345', '-12.345', '1234.5678', '-1234.5678', '0.001', '-0.001', '99.995', '9999.995', '1e20', '-1e20', 'NaN', 'Infinity', '-Infinity', '12', '3999', '4000', '0.1', '2.5', '-2.5', '123456789012345.678', '1e-10', '1e300', '-0', '0.125', '3.5', '1e15'],
}
cases = []
for ty, vs in vals.items():
    for v in vs:
        for f in formats:
            cases.append(('to_char', ty, v, f))
    for f in errfmts:
        cases.append(('to_char', ty, vs[1], f))
extra = [
 ('numeric', '5', 'TH'), ('int4', '5', 'TH'), ('float8', '5', 'th'), ('numeric', '1e-20', '9.99EEEE'), ('numeric', '-1.5e-20', '9.99EEEE'),
 ('numeric', '3999999999', 'RN'), ('numeric', 'NaN', 'RN'), ('numeric', 'Infinity', 'RN'), ('numeric', '-Infinity', 'RN'), ('numeric', '3.5', 'RN'), ('numeric', '-3.5', 'RN'),
 ('int4', '5', '9V9999999999'), ('int4', '300000000', '9V99'), ('int8', '5', '9V9999999999999999999'), ('int8', '50000000000', '9V99999999999'),
 ('float8', '1e14', '999999999999999.99'), ('float8', '1e14', '999999999999999'), ('float8', '1.5e15', '9999999999999999.99'),
 ('float4', '123456.7', '999999.99'), ('float4', '1.5', '9V99'), ('float8', '1.5', '9V99'), ('float8', '2.5', '9'), ('float8', '3.5', '9'),
 ('numeric', '12.5', '9 9 9'), ('numeric', '1', 'FM9.99 "kg"'), ('numeric', '0', 'FM9.99'), ('numeric', '0', 'FM0.99'), ('numeric', '0', '9.99'), ('numeric', '0', 'FM9'),
 ('numeric', '0.1', 'FM9.9'), ('numeric', '0.1', '9.9'), ('numeric', '0.1', 'FM0.9'), ('numeric', '1.1', 'FM9.9PR'), ('numeric', '-1.1', 'FM9.9PR'),
 ('numeric', '-0.1', 'FM9.9PR'), ('numeric', '-0.1', '9.9PR'), ('numeric', '-0.1', 'S9.9'), ('numeric', '-0.1', '9.9S'), ('numeric', '-0.1', 'FMS9.9'),
 ('numeric', '-0.1', 'MI9.9'), ('numeric', '-12', 'S99'), ('numeric', '-12', '99S'), ('numeric', '12', '99S'), ('numeric', '-12', 'S099'),
 ('numeric', '1234567.891', '9G999G999D999L'), ('numeric', '-1234567.891', 'L9G999G999D999'),
 ('numeric', '1.5', 'FM9.900'), ('numeric', '1.5', 'FM0.009'), ('numeric', '100', 'FM999.990'), ('numeric', '100', 'FM000.000'), ('numeric', '1.05', 'FM9.90'),
 ('numeric', '12345678901234567890.123456789', '99999999999999999999.999999999'), ('numeric', '0.00000000000000000001', '0.99999999999999999999999'),
 ('int4', '12', '"Ü" 99 Ä'), ('numeric', '12', 'Ü99'), ('numeric', '12', '9"\\'), ('numeric', '12', '9"ab'),
 ('int8', '123', '9.9EEEE'), ('int8', '-9223372036854775808', '9.99999EEEE'), ('int4', '-125', '9.9EEEE'), ('int4', '0', '9.9EEEE'),
 ('float8', '-125', '9.9EEEE'), ('float8', '1e-300', '9.99EEEE'), ('float8', '1.25', '9.9EEEE'), ('float4', '1.25', '9.9EEEE'),
 ('numeric', '1.25', '9.9EEEE'), ('numeric', '0', '9.9EEEE'), ('numeric', '-0.000123', '9.9EEEE'), ('numeric', '12', '9.99EEEE "x"'),
 ('numeric', '12', 'FMSG99'), ('numeric', '-12', 'FMSG99'), ('numeric', '12', 'SG99SG'), ('numeric', '-12', 'PL99MI'), ('numeric', '12', 'PL99MI'),
 ('numeric', '12', 'rnth'), ('numeric', '12', 'RN RN'), ('numeric', '12', 'FMRN RN'), ('numeric', '12', 'RN9999'), ('numeric', '12', '9999RN'),
 ('numeric', '12', 'sg99'), ('numeric', '12', 'pl99'), ('numeric', '12', 'mi99'), ('numeric', '-12', 'mi99'), ('numeric', '12', 'fm99d99'), ('numeric', '-12.3', 's99d99'),
 ('numeric', '12', 'l99'), ('numeric', '12', 'b99'), ('numeric', '-12', '99pr'), ('numeric', '12', 'v99'), ('numeric', '12', '9v99'), ('numeric', '12.34', '9.99eeee'),
 ('numeric', '12', 'C99'), ('numeric', '12', 'SP99'), ('numeric', '12', 'sp99'), ('numeric', '12', 'EEE99'), ('numeric', '12', 'FM99 sg'),
]
for ty, v, f in extra:
    cases.append(('to_char', ty, v, f))
numfmts = [('12,454.8-', '99G999D9S'), ('-34,338.92', '99G999D99'), ('<564646.654564>', '999999.999999PR'), ('0.00001-', '9.999999S'),
 ('5.01-', 'FM9.999999S'), ('5.01-', 'FM9.999999MI'), ('5 4 4 4 4 8 . 7 8', '9 9 9 9 9 9 . 9 9'), ('.01', 'FM9.99'), ('.0', '99999999.99999999'),
 ('0', '99.99'), ('.-01', 'S99.99'), ('.01-', '99.99S'), (' . 0 1-', ' 9 9 . 9 9 S'), ('34,50', '999,99'), ('123,000', '999G'),
 ('123456', '999G999'), ('$1234.56', 'L9,999.99'), ('$1234.56', 'L99,999.99'), ('$1,234.56', 'L99,999.99'), ('1234.56', 'L99,999.99'),
 ('1,234.56', 'L99,999.99'), ('42nd', '99th'), ('123456', '99999V99'), ('12345', '999V99'), ('1234', '9V9'), ('', '9'), ('-', '9'), ('12', ''),
 ('12', 'RN'), ('XIV', 'RN'), ('12', '9.9EEEE'), ('1e5', '9.9EEEE'), ('12345', '99'), ('12345', '99999'), ('12.345', '99.9'), ('12.345', '99.999999'),
 ('-12', '99'), ('+12', '99'), ('12-', '99MI'), ('12+', '99PL'), ('-12', 'SG99'), ('+12', 'SG99'), ('<12>', '99PR'), ('<12', '99PR'), ('12', 'FM99'),
 ('  12', '9999'), ('1 2', '9 9'), ('1x2', '9x9'), ('abc', '999'), ('12abc', '99'), ('1,2', '9,9'), ('1,2', 'FM9,9'), ('12.5', 'FM99.9'),
 ('-12.5', 'S99.9'), ('12.5-', '99.9S'), ('12.5+', '99.9S'), ('+12.5', 'S99.9'), ('12', 'S99'), ('0012', '0000'), ('12', '0000'),
 ('1 234', '9G999'), ('1.234', '9D999'), ('1234', '9,999'), ('1,234', '9,999'), ('12', '99D'), ('12.', '99D'), ('.5', 'D9'), ('12', 'L99'),
 ('€12', 'L99'), ('12', '"ab"99'), ('ab12', '"ab"99'), ('1a2', '9"a"9'), ('Ü12', 'L99'), ('12th', '99th'), ('1st', '9TH'), ('12', '99th'),
 ('12.3', '99.9th'), ('NaN', '999'), ('1e3', '9999'), ('   ', '999'), ('- 12', 'S99'), ('12 -', '99S'), ('12-', '99S'), ('12', 'V99'),
 ('1234567890123456789012345678901234567890', '9999999999999999999999999999999999999999'), ('0.000001', '9.999999'), ('1.23456789', '9.99'),
 ('9', '9B'), ('1234', 'FM9G999'), ('-0', '9'), ('-0.0', '9.9'), ('12.34', '99.99.99'),
]
for i, f in numfmts:
    cases.append(('to_number', 'text', i, f))
exprs = []
for fn, ty, v, f in cases:
    if fn == 'to_char':
        exprs.append(f"to_char({pgeval.lit(v)}::{ty}, {pgeval.lit(f)})")
    else:
        exprs.append(f"to_number({pgeval.lit(v)}, {pgeval.lit(f)})")
res = pgeval.evaluate(exprs)
with open(sys.argv[1], 'w') as out:
    out.write("# function\ttype\tvalue\tformat\tPostgreSQL 15's result (generated by the server; see formatting.rs tests)\n")
    for (fn, ty, v, f), r in zip(cases, res):
        for x in (v, f, r):
            assert '\t' not in x and '\n' not in x
        out.write(f"{fn}\t{ty}\t{v}\t{f}\t{r}\n")
print(len(cases))
