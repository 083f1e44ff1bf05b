# Random templates (expression grammar) with their Jinja2 AST dump: rand3.py SEED N > cases.json
import random, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dump, jinja2
random.seed(int(sys.argv[1]))
def ex(d=0):
    r=random.random()
    if d>3 or r<0.3:
        return random.choice(["x","y","1","2.5","'s'","none","true","1e3","0x10","a.b","a.0","f()","[]","()","{}"])
    r=random.random()
    if r<0.35:
        return ex(d+1)+random.choice([" + "," - "," * "," / "," // "," % "," ** "," ~ "," and "," or "," == "," < "," in "," not in "," >= ","|"]) + ex(d+1) if random.random()<0.8 else ex(d+1)+"|"+random.choice(["f","g(1)","h(k=2)","upper"])
    if r<0.45: return random.choice(["-","not ","+"])+ex(d+1)
    if r<0.55: return "("+ex(d+1)+")"
    if r<0.62: return "["+", ".join(ex(d+1) for _ in range(random.randint(0,3)))+"]"
    if r<0.67: return "("+", ".join(ex(d+1) for _ in range(random.randint(0,3)))+",)"
    if r<0.72: return "{"+", ".join(ex(d+1)+": "+ex(d+1) for _ in range(random.randint(0,2)))+"}"
    if r<0.80: return ex(d+1)+" if "+ex(d+1)+(" else "+ex(d+1) if random.random()<0.6 else "")
    if r<0.87: return ex(d+1)+" is "+random.choice(["","not "])+random.choice(["defined","divisibleby 3","sameas none","eq(1)","t x"])
    if r<0.93: return ex(d+1)+"["+random.choice([ex(d+1), ex(d+1)+":", ":"+ex(d+1), "::2", ex(d+1)+":"+ex(d+1)+":"+ex(d+1)])+"]"
    return random.choice(["f","a.m","x"])+"("+", ".join(random.choice([ex(d+1), "k="+ex(d+1)]) for _ in range(random.randint(0,3)))+")"
def stmt(d=0):
    r=random.random()
    ws=lambda: random.choice(["","\n","  ","\n  ","x\n"," y "])
    o=lambda: "{%"+random.choice(["","-","+"])+" "
    c=lambda: " "+random.choice(["","-","+"])+"%}"
    def body(): return "".join(stmt(d+1) for _ in range(random.randint(0,2))) if d<3 else ws()
    if r<0.3: return ws()+"{{"+random.choice(["","-"])+" "+ex()+" "+random.choice(["","-"])+"}}"+ws()
    if r<0.45: return o()+"if "+ex()+c()+body()+(o()+"elif "+ex()+c()+body() if random.random()<0.3 else "")+(o()+"else"+c()+body() if random.random()<0.4 else "")+o()+"endif"+c()+ws()
    if r<0.6: return o()+"for "+random.choice(["x","k, v","(a, b)"])+" in "+ex()+random.choice([""," if "+ex()," recursive"])+c()+body()+o()+"endfor"+c()+ws()
    if r<0.7: return o()+"set "+random.choice(["x","a, b","ns.x"])+" = "+ex()+c()+ws()
    if r<0.75: return o()+"set x"+random.choice(["","|upper","|f(1)|g"])+c()+body()+o()+"endset"+c()
    if r<0.8: return o()+"macro m("+random.choice(["","a","a, b=1","a=x|f"])+")"+c()+body()+o()+"endmacro"+c()
    if r<0.85: return "{# "+random.choice(["c","-"])+" "+random.choice(["","-","+"])+"#}"+ws()
    if r<0.9: return o()+"raw"+c()+ws()+"{{ x }}"+ws()+o()+"endraw"+c()+ws()
    return ws()
cases=[]
for i in range(int(sys.argv[2])):
    src="".join(stmt() for _ in range(random.randint(1,4)))
    t=random.random()<0.5; l=random.random()<0.5
    d=dump.run(src,t,l,False)
    env=jinja2.Environment(trim_blocks=t,lstrip_blocks=l)
    try:
        data="".join(v for _,ty,v in env.lex(src) if ty=='data'); ok=True
    except Exception:
        data="";ok=False
    cases.append(dict(src=src,trim=t,lstrip=l,want=d,data=data,ok=ok))
json.dump(cases, sys.stdout)

