# Python 3 from Debian's python3-minimal and libpython3.11-stdlib: os, json,
# hashlib (OpenSSL's libcrypto, loaded by dlopen), subprocess, threading,
# tempfile, each checked on what is the same on every correct Linux.
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading

print("python", sys.version_info[:2], sys.platform)
print("cwd", os.getcwd())
print("env LC_ALL", os.environ.get("LC_ALL"), "TZ", os.environ.get("TZ"))
print("uname", os.uname().sysname)

# json
data = {"name": "pallas", "nums": [1, 2.5, -3, 10**20], "nested": {"t": True, "f": False, "n": None},
        "text": "h\u00e9llo \u2603 \"quoted\"\n"}
enc = json.dumps(data, sort_keys=True)
print(enc)
print(json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False))
print("round trip", json.loads(enc) == data)
try:
    json.loads("{bad json}")
except json.JSONDecodeError as e:
    print("decode error at", e.pos, e.msg)

# hashlib
for alg in ("md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b"):
    print(alg, hashlib.new(alg, b"pallas").hexdigest())
h = hashlib.sha256()
for i in range(10000):
    h.update(str(i).encode())
print("sha256 of 0..9999", h.hexdigest())
print("pbkdf2", hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 1000).hex())

# os and tempfile
with tempfile.TemporaryDirectory(dir=".") as d:
    print("tempdir is a directory", os.path.isdir(d), oct(stat.S_IMODE(os.stat(d).st_mode)))
    os.makedirs(os.path.join(d, "a", "b"))
    for rel, body in (("x.txt", "x" * 10), ("a/y.txt", "y" * 4096), ("a/b/z.bin", "")):
        with open(os.path.join(d, rel), "w") as f:
            f.write(body)
    os.symlink("x.txt", os.path.join(d, "link"))
    os.chmod(os.path.join(d, "x.txt"), 0o600)
    os.utime(os.path.join(d, "x.txt"), (1000000000, 1000000000))
    st = os.stat(os.path.join(d, "x.txt"))
    print("x.txt", st.st_size, oct(stat.S_IMODE(st.st_mode)), st.st_mtime)
    print("readlink", os.readlink(os.path.join(d, "link")), os.path.islink(os.path.join(d, "link")))
    for root, dirs, files in os.walk(d):
        dirs.sort()
        print("walk", os.path.relpath(root, d), sorted(dirs), sorted(files))
    print("scandir", sorted((e.name, e.is_dir(), e.is_symlink()) for e in os.scandir(d)))
    os.rename(os.path.join(d, "x.txt"), os.path.join(d, "renamed.txt"))
    os.unlink(os.path.join(d, "link"))
    print("listdir", sorted(os.listdir(d)))
    with tempfile.NamedTemporaryFile("w+", dir=d, suffix=".tmp") as f:
        f.write("named temporary\n")
        f.flush()
        f.seek(0)
        print("named", f.read().strip(), f.name.endswith(".tmp"), os.path.exists(f.name))
        name = f.name
    print("named removed", not os.path.exists(name))
    fd, path = tempfile.mkstemp(dir=d)
    os.write(fd, b"mkstemp bytes")
    os.lseek(fd, 0, os.SEEK_SET)
    print("mkstemp", os.read(fd, 100), oct(stat.S_IMODE(os.fstat(fd).st_mode)))
    os.close(fd)
print("tempdir removed", sorted(os.listdir(".")))

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"from the child")
    os._exit(5)
os.close(w)
print("pipe", os.read(r, 100))
os.close(r)
_, status = os.waitpid(pid, 0)
print("fork child exit", os.waitstatus_to_exitcode(status))

# subprocess
res = subprocess.run(["sort"], input="pear\napple\nfig\n", capture_output=True, text=True)
print("sort", res.stdout.split(), res.returncode)
res = subprocess.run("seq 1 10 | paste -sd+ | tr + -",
                     shell=True, capture_output=True, text=True)
print("shell", res.stdout.strip())
print("false", subprocess.run(["false"]).returncode)
print("check_output", subprocess.check_output(["sha256sum"], input=b"abc").split()[0].decode())
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"through cat\n" * 3)
print("communicate", out.decode().count("through cat"), p.returncode)
print("env", subprocess.run(["env"], env={"ONLY": "this"}, capture_output=True, text=True).stdout.strip())
p = subprocess.Popen(["sleep", "30"])
p.terminate()
print("terminated", p.wait())
try:
    subprocess.run(["sleep", "30"], timeout=0.3)
except subprocess.TimeoutExpired:
    print("timeout expired")
try:
    subprocess.run(["/no/such/program"])
except FileNotFoundError as e:
    print("not found", e.errno)
try:
    subprocess.check_call(["bash", "-c", "exit 3"])
except subprocess.CalledProcessError as e:
    print("called process error", e.returncode)
print("cwd child", subprocess.run(["pwd"], cwd="/usr/lib", capture_output=True, text=True).stdout.strip())
out = subprocess.run(["bash", "-c", "echo out; echo err >&2"], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, text=True).stdout
print("merged", out.split())

# threading
counter = 0
lock = threading.Lock()


def bump(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


threads = [threading.Thread(target=bump, args=(20000,), name="bump-%d" % i) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("counter", counter, sorted(t.name for t in threads)[:2])

digests = {}


def digest(i):
    digests[i] = hashlib.sha256(("block %d" % i).encode() * 1000).hexdigest()[:16]


ts = [threading.Thread(target=digest, args=(i,)) for i in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("digests", [digests[i] for i in range(6)])

cond = threading.Condition()
items = []


def producer():
    for i in range(5):
        with cond:
            items.append(i)
            cond.notify()


def consumer(got):
    while len(got) < 5:
        with cond:
            while not items:
                cond.wait(timeout=5)
            got.append(items.pop(0))


got = []
c = threading.Thread(target=consumer, args=(got,))
c.start()
producer()
c.join(timeout=10)
print("condition", got)

barrier = threading.Barrier(4)
order = []


def meet(i):
    barrier.wait()
    with lock:
        order.append(i)


bs = [threading.Thread(target=meet, args=(i,)) for i in range(4)]
for t in bs:
    t.start()
for t in bs:
    t.join()
print("barrier", sorted(order))
ev = threading.Event()
timer = threading.Timer(0.1, ev.set)
timer.start()
print("event", ev.wait(timeout=10))
timer.join()
local = threading.local()
local.x = "main"
seen = []
t = threading.Thread(target=lambda: seen.append(hasattr(local, "x")))
t.start()
t.join()
print("thread local", local.x, seen)
print("active", threading.active_count())
sys.stdout.flush()
