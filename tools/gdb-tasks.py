# gdb script: every Linux-personality process of a running Pallas guest,
# its tasks, each thread's scheduler state, and the kernel functions found
# on its saved kernel stack (a scan for return addresses, not an unwinder).
# For a guest that hangs or spins: boot it with
#   tools/run-qemu ... --qemu-arg=-gdb --qemu-arg=tcp::12345
# and, once it is stuck,
#   gdb -batch -ex 'target remote :12345' -ex 'source tools/gdb-tasks.py' build/kernel/kernel.elf
# Found the soak's sendfile hang (docs/performance.md).
import gdb
def lst(head_addr, typ, field):
    # iterate struct list entries
    off = int(gdb.parse_and_eval("(unsigned long)&((%s *)0)->%s" % (typ, field)))
    head = gdb.parse_and_eval("(struct list *)%d" % head_addr)
    n = head['next']
    seen = 0
    while int(n) != head_addr and seen < 5000:
        yield gdb.parse_and_eval("(%s *)%d" % (typ, int(n) - off))
        n = n['next']; seen += 1
def sym(a):
    try:
        s = gdb.execute("info symbol 0x%x" % a, to_string=True).strip()
        return None if s.startswith("No symbol") else s
    except Exception:
        return None
text_lo = int(gdb.parse_and_eval('(unsigned long)&__text_start')) if gdb.lookup_global_symbol('__text_start') else 0xffffffff80200000
text_hi = int(gdb.parse_and_eval('(unsigned long)&__text_end')) if gdb.lookup_global_symbol('__text_end') else 0xffffffff80400000


def stack(t):
    rsp = int(t['rsp'])
    out = []
    inf = gdb.selected_inferior()
    try:
        mem = inf.read_memory(rsp, 8 * 200).tobytes()
    except Exception as e:
        return ["<unreadable %x>" % rsp]
    import struct
    for i in range(200):
        v = struct.unpack_from("<Q", mem, 8 * i)[0]
        if text_lo <= v < text_hi:
            s = sym(v)
            if s and ' in section .text' in s:
                out.append(s.split(' in section')[0])
    return out
procs = gdb.parse_and_eval("&all_procs")
for p in lst(int(procs), "struct proc", "all_node"):
    print("pid %d state %d nr_tasks %d comm %s" % (int(p['pid']), int(p['state']), int(p['nr_tasks']), p['comm'].string()))
    for k in lst(int(p['tasks'].address), "struct task", "proc_node"):
        t = k['thread']
        if int(t) == 0:
            print("  tid %d no thread" % int(k['tid'])); continue
        print("  tid %d thread %s state %d on_cpu %d cpu %d" % (int(k['tid']), t['name'].string(), int(t['state']), int(t['on_cpu']), int(t['cpu'])))
        for s in stack(t)[:14]:
            print("     " + s)
