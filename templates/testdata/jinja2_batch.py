#!/usr/bin/python3
"""Render many small template sets with Python Jinja2 — the batch reference runner.

usage: jinja2_batch.py < cases.jsonl > results.jsonl

Each input line is a JSON object
    {"id": ..., "templates": {name: source, ...}, "name": name, "context": {...}}
and produces one output line, in order and flushed at once,
    {"id": ..., "output": "..."}  or  {"id": ..., "error": "ExceptionType: message"}.
The environment is the one of jinja2_render.py --trim-blocks --lstrip-blocks
--strict: trim_blocks, lstrip_blocks, StrictUndefined, autoescape off, the
loopcontrols extension (μNet always has break and continue), the final
newline of a template removed. One process renders thousands of cases, so a
test pays Python's start-up once. Needs Debian's python3-jinja2; run it with
/usr/bin/python3.
"""
import json, sys
import jinja2

def render(case):
    env = jinja2.Environment(
        loader=jinja2.DictLoader(case["templates"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"],
    )
    return env.get_template(case["name"]).render(**case["context"])

def main():
    sys.setrecursionlimit(10000)
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        res = {"id": case.get("id")}
        try:
            res["output"] = render(case)
        except Exception as e:  # report like a CLI would
            res["error"] = f"{type(e).__name__}: {e}"
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    return 0

sys.exit(main())
