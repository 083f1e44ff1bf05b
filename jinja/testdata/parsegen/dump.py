# Dumps the AST of Jinja2 env.parse in the notation of dumpBody (../../dump_test.go).
import jinja2, sys, json
class Refused(Exception): pass
from jinja2 import nodes as N
BIN={N.Add:'Add',N.Sub:'Sub',N.Mul:'Mul',N.Div:'Div',N.FloorDiv:'FloorDiv',N.Mod:'Mod',N.Pow:'Pow',N.And:'And',N.Or:'Or'}
CMP={'eq':'==','ne':'!=','lt':'<','lteq':'<=','gt':'>','gteq':'>=','in':'in','notin':'not in'}
def e(n):
    if n is None: return '_'
    t=type(n)
    if t is N.Const:
        if type(n.value) is int and abs(n.value) >= 2**63: raise Refused()
        return repr(n.value)
    if t is N.Name: return n.name
    if t is N.NSRef: return 'NS(%s.%s)'%(n.name,n.attr)
    if t in BIN: return '%s(%s, %s)'%(BIN[t],e(n.left),e(n.right))
    if t is N.Concat:
        x=e(n.nodes[0])
        for y in n.nodes[1:]: x='Concat(%s, %s)'%(x,e(y))
        return x
    if t is N.Neg: return 'Neg(%s)'%e(n.node)
    if t is N.Pos: return 'Pos(%s)'%e(n.node)
    if t is N.Not:
        if type(n.node) is N.Test: return call('NotTest', n.node, [e(n.node.node), n.node.name])
        return 'Not(%s)'%e(n.node)
    if t is N.Compare: return 'Compare(%s)'%', '.join([e(n.expr)]+['%s %s'%(CMP[o.op],e(o.expr)) for o in n.ops])
    if t is N.CondExpr: return 'Cond(%s, %s, %s)'%(e(n.test),e(n.expr1),e(n.expr2))
    if t is N.List: return 'List(%s)'%', '.join(e(x) for x in n.items)
    if t is N.Tuple: return 'Tuple(%s)'%', '.join(e(x) for x in n.items)
    if t is N.Dict: return 'Dict(%s)'%', '.join('%s: %s'%(e(p.key),e(p.value)) for p in n.items)
    if t is N.Getattr: return 'Attr(%s, %s)'%(e(n.node),n.attr)
    if t is N.Getitem:
        if type(n.arg) is N.Slice: return 'Slice(%s, %s, %s, %s)'%(e(n.node),e(n.arg.start),e(n.arg.stop),e(n.arg.step))
        return 'Item(%s, %s)'%(e(n.node),e(n.arg))
    if t is N.Call: return call('Call', n, [e(n.node)])
    if t is N.Filter: return call('Filter', n, [e(n.node), n.name])
    if t is N.Test:
        if n.dyn_args or n.dyn_kwargs: raise Refused()
        return call('Test', n, [e(n.node), n.name])
    raise Refused()
def call(name,n,head):
    parts=head+[e(a) for a in n.args]+['%s=%s'%(k.key,e(k.value)) for k in n.kwargs]
    if getattr(n,'dyn_args',None) is not None: parts.append('*'+e(n.dyn_args))
    if getattr(n,'dyn_kwargs',None) is not None: parts.append('**'+e(n.dyn_kwargs))
    return '%s(%s)'%(name,', '.join(parts))
def tgt(n):
    if type(n) is N.Name: return n.name
    if type(n) is N.NSRef: return '%s.%s'%(n.name,n.attr)
    if type(n) is N.Tuple: return '(%s)'%', '.join(tgt(x) for x in n.items)
    raise Exception('tgt')
def params(n):
    out=[]
    d=len(n.args)-len(n.defaults)
    for i,a in enumerate(n.args):
        out.append(a.name if i<d else '%s=%s'%(a.name,e(n.defaults[i-d])))
    return '(%s)'%', '.join(out)
def flt(f):
    fs=[]
    while f is not None:
        fs.append(f); f=f.node
    return ' | '.join(call('F',x,[x.name])[2:-1] for x in reversed(fs))
def body(ns):
    out=[]
    for n in ns: stmt(n,out)
    res=out
    return '[' + '; '.join(('Text(%r)'%s[1]) if s[0]=='T' else s[1] for s in res) + ']'
def stmt(n,out):
    t=type(n)
    if t is N.Output:
        prev=None
        for x in n.nodes:
            if type(x) is N.TemplateData:
                if prev is not None and out and out[-1][0]=='T' and out[-1] is prev:
                    out[-1]=prev=('T',out[-1][1]+x.data)
                else:
                    prev=('T',x.data); out.append(prev)
            else: prev=None; out.append(('S','Out(%s)'%e(x)))
        return
    def S(s): out.append(('S',s))
    if t is N.If:
        def chain(cond,b,elifs,else_):
            if elifs:
                f=elifs[0]
                return 'If(%s, %s, [%s])'%(e(cond),body(b),chain(f.test,f.body,elifs[1:],else_).replace('If(','Elif(',1))
            return 'If(%s, %s, %s)'%(e(cond),body(b),body(else_))
        S(chain(n.test,n.body,n.elif_,n.else_)); return
    if t is N.For: S('For(%s, %s, %s, %s, %s%s)'%(tgt(n.target),e(n.iter),e(n.test),body(n.body),body(n.else_),', recursive' if n.recursive else '')); return
    if t is N.Assign: S('Set(%s, %s)'%(tgt(n.target),e(n.node))); return
    if t is N.AssignBlock: S('SetBlock(%s, %s, %s)'%(tgt(n.target),flt(n.filter),body(n.body))); return
    if t is N.Macro: S('Macro(%s%s, %s)'%(n.name,params(n),body(n.body))); return
    if t is N.CallBlock: S('CallBlock(%s, %s, %s)'%(params(n),e(n.call),body(n.body))); return
    if t is N.FilterBlock: S('FilterBlock(%s, %s)'%(flt(n.filter),body(n.body))); return
    if t is N.Include: S('Include(%s%s%s)'%(e(n.template),', ignore missing' if n.ignore_missing else '', '' if n.with_context else ', without context')); return
    if t is N.Import: S('Import(%s, %s%s)'%(e(n.template),n.target,', with context' if n.with_context else '')); return
    if t is N.FromImport: S('FromImport(%s, %s%s)'%(e(n.template),', '.join(x if isinstance(x,str) else '%s as %s'%x for x in n.names),', with context' if n.with_context else '')); return
    if t is N.Extends: S('Extends(%s)'%e(n.template)); return
    if t is N.Block: S('Block(%s%s%s, %s)'%(n.name,' scoped' if n.scoped else '',' required' if n.required else '',body(n.body))); return
    if t is N.With: S('With(%s, %s)'%(', '.join('%s=%s'%(tgt(a),e(b)) for a,b in zip(n.targets,n.values)),body(n.body))); return
    if t is N.Break: S('Break'); return
    if t is N.Continue: S('Continue'); return
    if t is N.ExprStmt: S('Do(%s)'%e(n.node)); return
    raise Refused()
def run(src, trim=False, lstrip=False, keep=False):
    env=jinja2.Environment(extensions=['jinja2.ext.loopcontrols','jinja2.ext.do'],trim_blocks=trim,lstrip_blocks=lstrip,keep_trailing_newline=keep)
    try:
        return body(env.parse(src).body)
    except Refused:
        return 'REFUSED'
    except jinja2.TemplateSyntaxError as x:
        return 'ERR %d: %s'%(x.lineno, x.message)
if __name__=='__main__':
    cases=json.load(sys.stdin)
    out=[]
    for c in cases:
        out.append(run(c['src'],c.get('trim',False),c.get('lstrip',False),c.get('keep',False)))
    json.dump(out,sys.stdout)
