# Random templates (fragments of tokens) with their Jinja2 AST dump: rand.py SEED N > cases.json
import random, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dump, jinja2
random.seed(int(sys.argv[1]))
frags = ["{{","}}","{%","%}","{#","#}","-","+"," ","\n","  ","\t","x","y.z","if","endif","for","in","endfor","else","elif","set","=","1","2.5","'s'",'"t"',"|","f","(",")","[","]","{","}",",",":","is","not","and","or","~","*","**","/","//","%","<","==","raw","endraw","macro","endmacro","call","endcall","block","endblock","with","endwith","\r\n","a","b","0x1","1_0","\\","'\\n'","true","none","ns.a","do","break","recursive","filter","endfilter","include","import","from","as","ignore","missing","context","without"," \xa0","é"]
cases=[]
for i in range(int(sys.argv[2])):
    n=random.randint(1,25)
    src="".join(random.choice(frags) for _ in range(n))
    t=random.random()<0.5; l=random.random()<0.5
    d=dump.run(src,t,l,False)
    env=jinja2.Environment(trim_blocks=t,lstrip_blocks=l)
    try:
        data="".join(v for _,ty,v in env.lex(src) if ty=='data'); ok=True
    except Exception:
        data="";ok=False
    cases.append(dict(src=src,trim=t,lstrip=l,want=d,data=data,ok=ok))
json.dump(cases, sys.stdout)
