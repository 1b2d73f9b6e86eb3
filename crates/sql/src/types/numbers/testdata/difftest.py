#!/usr/bin/env python3
# Differential cases for the number types: generates random inputs, has a PostgreSQL 15 server
# evaluate them, and prints one case per line for the `differential` unit test
# (`name \t types \t args(U+001F-separated) \t result`; errors as ERROR:sqlstate:message).
#
#   psql -d DB -c "create function try_eval(expr text) returns text language plpgsql as \$\$
#     declare r text; begin execute 'select (' || expr || ')::text' into r;
#     return coalesce(r, '<NULL>'); exception when others then
#     return 'ERROR:' || sqlstate || ':' || sqlerrm; end \$\$"
#   PSQL_ARGS="-h /tmp/pg15 -p 5499 -U postgres -d numbers_scratch" \
#     python3 difftest.py MODE SEED COUNT > cases.tsv
#   DIFF_FILE=cases.tsv cargo test -p sql differential -- --ignored --nocapture
#
# MODE: numeric, trans, trans2, float, int, cast, misc, agg.
import os, random, shlex, subprocess, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
PSQL=["psql","-X","-At"]+shlex.split(os.environ.get("PSQL_ARGS",""))

def rnum(kind=None):
    k = kind or random.choice(['small','int','frac','big','tiny','near1','scaled','zero','neg'])
    if k=='small': return str(random.randint(-1000,1000)) + ('.' + str(random.randint(0,999)) if random.random()<0.5 else '')
    if k=='int': return str(random.randint(-10**random.randint(1,30), 10**random.randint(1,30)))
    if k=='frac':
        s=''.join(random.choice('0123456789') for _ in range(random.randint(1,25)))
        return random.choice(['','-'])+'0.'+s
    if k=='big':
        return random.choice(['','-'])+str(random.randint(1,9))+''.join(random.choice('0123456789') for _ in range(random.randint(20,80)))+'.'+str(random.randint(0,99))
    if k=='tiny':
        return random.choice(['','-'])+'0.'+'0'*random.randint(5,60)+str(random.randint(1,999999))
    if k=='near1':
        return random.choice(['1','0.9','1.0','0.99'])+'0'*random.randint(0,20)+str(random.randint(1,99))
    if k=='scaled': return '%d.%s' % (random.randint(0,99), '0'*random.randint(0,30))
    if k=='zero': return random.choice(['0','0.0','0.000'])
    if k=='neg': return '-'+str(random.randint(1,99999))+'.'+str(random.randint(0,9999))
def pos(kind=None):
    s=rnum(kind).lstrip('-')
    return s
def rfloat():
    k=random.random()
    if k<0.3: return repr(random.uniform(-1000,1000))
    if k<0.5: return repr(random.uniform(-1,1)*10**random.randint(-300,300))
    if k<0.6: return str(random.randint(-100,100))
    if k<0.7: return random.choice(['0','-0','1','-1','0.5','2','10','Infinity','-Infinity','NaN','1e308','1e-308','5e-324'])
    return repr(random.uniform(-10,10))
def rint(bits):
    return str(random.randint(-2**(bits-1), 2**(bits-1)-1) if random.random()<0.3 else random.randint(-1000,1000))

cases=[]
def add(name, types, args):
    cases.append((name, types, args))

mode=sys.argv[1]
N=int(sys.argv[3]) if len(sys.argv)>3 else 300
for _ in range(N):
    if mode=='numeric':
        a,b=rnum(),rnum()
        for op in ['+','-','*','/','%']: add(op,['numeric','numeric'],[a,b])
        add('div',['numeric','numeric'],[a,b]); add('mod',['numeric','numeric'],[a,b])
        add('round',['numeric','int4'],[a,str(random.randint(-5,25))])
        add('trunc',['numeric','int4'],[a,str(random.randint(-5,25))])
        add('gcd',['numeric','numeric'],[a,b]); add('lcm',['numeric','numeric'],[rnum('small'),rnum('small')])
    elif mode=='trans':
        a=pos(); 
        add('sqrt',['numeric'],[a]); add('ln',['numeric'],[a]); add('log',['numeric'],[a]); add('log10',['numeric'],[a])
        e=random.choice([rnum('small'), str(random.uniform(-300,300))[:12], rnum('frac'), rnum('neg')])
        add('exp',['numeric'],[e])
        add('log',['numeric','numeric'],[pos(), pos()])
        add('^',['numeric','numeric'],[pos(random.choice(['small','frac','near1','scaled','int'])), random.choice([str(random.randint(-30,30)), rnum('small')[:8], rnum('frac')[:10], str(random.uniform(-50,50))[:10]])])
        add('^',['numeric','numeric'],[rnum('neg'), str(random.randint(-12,12))])
    elif mode=='trans2':
        big='1'+'0'*random.randint(100,2000)
        add('ln',['numeric'],[random.choice([big, '0.'+'0'*random.randint(50,900)+'7', rnum('big'), rnum('tiny')]).lstrip('-')])
        add('exp',['numeric'],[str(round(random.uniform(-5999,5999),random.randint(0,30)))])
        add('exp',['numeric'],['0.'+'0'*random.randint(0,40)+str(random.randint(1,10**6))])
        add('sqrt',['numeric'],[random.choice([big, rnum('big'), rnum('tiny'), '2.'+'0'*random.randint(0,900)+'1']).lstrip('-')])
        add('^',['numeric','numeric'],[pos(), str(random.randint(-3000,3000))])
        add('^',['numeric','numeric'],[pos('small'), rnum('small')])
        add('^',['numeric','numeric'],['1.'+'0'*random.randint(0,20)+str(random.randint(1,999)), str(random.randint(1,10**9))])
        add('log',['numeric','numeric'],[random.choice(['1.0000001','0.5',big,'2','10.5']), random.choice([big,'3','0.001',rnum('tiny').lstrip('-')])])
        add('/',['numeric','numeric'],[rnum('big'), rnum('tiny')])
        add('/',['numeric','numeric'],[rnum('tiny'), rnum('big')])
    elif mode=='cast':
        types=['int2','int4','int8','float4','float8','numeric']
        for a in types:
            for b in types:
                if a==b: continue
                if a.startswith('int'): v=rint({'int2':16,'int4':32,'int8':64}[a])
                elif a.startswith('float'): v=rfloat() if random.random()<0.7 else str(random.uniform(-40000,40000))
                else: v=rnum() if random.random()<0.7 else str(round(random.uniform(-3e9,3e9), random.randint(0,4)))
                add('::',[a,b],[v])
        add('::',['numeric','numeric'],[rnum()])
    elif mode=='misc':
        a=rnum()
        for f in ['abs','sign','ceil','floor','round','trunc','trim_scale','min_scale','scale','-','@']:
            add(f,['numeric'],[a])
        add('width_bucket',['numeric','numeric','numeric','int4'],[rnum('small'),rnum('small'),rnum('small'),str(random.randint(1,20))])
        add('width_bucket',['float8','float8','float8','int4'],[rfloat(),rfloat(),rfloat(),str(random.randint(1,20))])
        junk=random.choice(['1e','e5','1.2.3','--1','+-1',' 1 2','1e+','1e-5x','NaNa','infinity ','  -Inf','.e1','1.e1','0x1','1_000',"1'",'١','1e2147483647','1e-2147483647','9'*50+'e-40','0.'+'0'*20000+'1'])
        add('abs',['numeric'],[junk])
        add('abs',['float8'],[junk]); add('abs',['int4'],[junk]); add('abs',['float4'],[junk]); add('abs',['int8'],[junk])
        add('factorial',['int8'],[str(random.randint(-2,400))])
        add('gcd',['int4','int4'],[rint(32),rint(32)])
    elif mode=='agg':
        for t in ['int2','int4','int8','numeric','float4','float8']:
            k=random.randint(1,8)
            if t.startswith('int'): vals=[rint({'int2':16,'int4':32,'int8':64}[t]) if random.random()<0.3 else str(random.randint(-100,100)) for _ in range(k)]
            elif t=='numeric': vals=[rnum(random.choice(['small','frac','scaled','neg','int'])) for _ in range(k)]
            else: vals=[rfloat() if random.random()<0.5 else str(round(random.uniform(-100,100),random.randint(0,3))) for _ in range(k)]
            for f in ['sum','avg','variance','var_pop','stddev','stddev_pop']:
                add('agg:'+f,[t],vals)
    elif mode=='float':
        a,b=rfloat(),rfloat()
        for op in ['+','-','*','/']: add(op,['float8','float8'],[a,b])
        add('^',['float8','float8'],[a,b])
        for f in ['sqrt','cbrt','exp','ln','log','round','trunc','ceil','floor','sign','abs','sin','cos','tan','cot','asin','acos','atan','sinh','cosh','tanh','asinh','acosh','atanh','sind','cosd','tand','cotd','asind','acosd','atand','degrees','radians']:
            add(f,['float8'],[a])
        add('atan2',['float8','float8'],[a,b]); add('atan2d',['float8','float8'],[a,b])
        for op in ['+','-','*','/']: add(op,['float4','float4'],[a,b])
        add('abs',['float4'],[a])
    elif mode=='int':
        for t,bits in [('int2',16),('int4',32),('int8',64)]:
            for t2,bits2 in [('int2',16),('int4',32),('int8',64)]:
                a,b=rint(bits),rint(bits2)
                for op in ['+','-','*','/']: add(op,[t,t2],[a,b])
            a,b=rint(bits),rint(bits)
            for op in ['%','&','|','#']: add(op,[t,t],[a,b])
            add('<<',[t,'int4'],[a,str(random.randint(-70,70))]); add('>>',[t,'int4'],[a,str(random.randint(-70,70))])
            add('~',[t],[a]); add('-',[t],[a]); add('@',[t],[a]); add('abs',[t],[a])
        add('gcd',['int4','int4'],[rint(32),rint(32)]); add('lcm',['int4','int4'],[rint(16),rint(16)])
        add('gcd',['int8','int8'],[rint(64),rint(64)]); add('lcm',['int8','int8'],[rint(32),rint(32)])

def expr(name, types, args):
    if name.startswith('agg:'):
        arr="array[%s]::%s[]" % (','.join("'%s'" % a for a in args), types[0])
        return "(select %s(x) from unnest(%s) x)" % (name[4:], arr)
    if name=='::':
        return "'%s'::%s::%s" % (args[0].replace("'","''"), types[0], types[1])
    lits=["'%s'::%s" % (a.replace("'","''"), t) for a,t in zip(args,types)]
    if name[0].isalpha():
        return "%s(%s)" % (name, ', '.join(lits))
    if len(lits)==1: return "%s (%s)" % (name, lits[0])
    return "(%s) %s (%s)" % (lits[0], name, lits[1])

exprs=[expr(*c) for c in cases]
sql="select try_eval(e) from unnest(%s) e" % ("array[" + ",".join("'%s'" % e.replace("'","''") for e in exprs) + "]::text[]")
out=subprocess.run(PSQL,input=sql+";\n",capture_output=True,text=True)
if out.returncode!=0: print(out.stderr); sys.exit(1)
res=out.stdout.split('\n')
for c,r in zip(cases,res):
    print('\t'.join([c[0], ','.join(c[1]), '\x1f'.join(c[2]), r]))
