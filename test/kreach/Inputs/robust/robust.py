#!/usr/bin/env python3
"""Drivers for the robust-*.test lit tests: scenarios that need processes
running side by side (lit's shell has no '&'), kills and polling.

Usage: robust.py SCENARIO KREACH WORKDIR [ARGS...]

Every scenario prints a few stable lines for FileCheck and exits non-zero on
the first surprise, saying what it was.
"""
import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time


def die(msg):
    print("FAIL: " + msg)
    sys.stdout.flush()
    sys.exit(1)


def gen_tree(root, n, variant="a", chain=5):
    """A kernel-shaped tree of n tiny TUs. TU i registers root_i as an
    interval-notifier callback that reaches a fence wait through a helper of
    its own TU (variant "b" renames the helpers, so a reader that mixes two
    states of one TU loses the chain). TU 0 also has a notifier whose wait
    is `chain` TUs away: xnotif_invalidate -> link_1 (TU 1) -> ... ->
    link_<chain> -> dma_fence_wait."""
    src = os.path.join(root, "drivers", "robust")
    os.makedirs(src, exist_ok=True)
    # The kernel's marker, so project discovery finds the root.
    os.makedirs(os.path.join(root, "include", "linux"), exist_ok=True)
    entries = []
    for i in range(n):
        helper = "helper%s_%d" % (variant, i)
        lines = [
            "struct mmu_interval_notifier_ops { int (*invalidate)(void *, const void *, unsigned long); };",
            "long dma_fence_wait_timeout(void *f, int intr, long t);",
            "void dma_fence_wait(void *f);",
            "static long %s(void *p) { return dma_fence_wait_timeout(p, 0, 1); }" % helper,
            "int root_%d(void *n, const void *r, unsigned long s) { return %s((void *)r) > 0; }" % (i, helper),
            "static const struct mmu_interval_notifier_ops ops_%d = { .invalidate = root_%d };" % (i, i),
            "const void *keep_%d(void) { return &ops_%d; }" % (i, i),
        ]
        if 1 <= i <= chain:
            nxt = "link_%d(p);" % (i + 1) if i < chain else "dma_fence_wait(p);"
            if i < chain:
                lines.append("void link_%d(void *p);" % (i + 1))
            lines.append("void link_%d(void *p) { %s }" % (i, nxt))
        if i == 0 and chain:
            lines += [
                "void link_1(void *p);",
                "static int xnotif_invalidate(void *n, const void *r, unsigned long s) { link_1(n); return 0; }",
                "static const struct mmu_interval_notifier_ops xnotif_ops = { .invalidate = xnotif_invalidate };",
                "const void *xnotif(void) { return &xnotif_ops; }",
            ]
        name = "f%04d.c" % i
        with open(os.path.join(src, name), "w") as f:
            f.write("\n".join(lines) + "\n")
        entries.append({"directory": root, "file": os.path.join(src, name),
                        "arguments": ["clang", "-nostdinc", "-c", "-o",
                                      "drivers/robust/f%04d.o" % i,
                                      "drivers/robust/" + name]})
    with open(os.path.join(root, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


def count_tus(db):
    """TUs in the index, read as any reader would (read-only, no lock)."""
    try:
        c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=60)
        try:
            return c.execute("select count(*) from tu").fetchone()[0]
        finally:
            c.close()
    except sqlite3.Error:
        return 0


def db_state(db):
    c = sqlite3.connect(db)
    try:
        ok = c.execute("pragma integrity_check").fetchone()[0]
        # Killed before the schema's transaction committed: an empty
        # database, which the next run initializes.
        if not c.execute("select 1 from sqlite_master where name='tu'").fetchone():
            return ok, 0, 0, None
        tus = c.execute("select count(*) from tu").fetchone()[0]
        orphans = c.execute("select count(*) from tu_func where tu not in "
                            "(select id from tu)").fetchone()[0]
        row = c.execute("select value from meta where key='complete'").fetchone()
        return ok, tus, orphans, row[0] if row else None
    finally:
        c.close()


def findings(kreach, tree, db=None, env=None):
    """(exit status, findings without timing, stderr) of a read-only check."""
    cmd = [kreach, "check", "-p", tree, "--no-update", "--quiet", "--format=json"]
    if db:
        cmd += ["--db", db]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode not in (0, 1):
        return p.returncode, None, p.stderr
    doc = json.loads(p.stdout)
    for k in list(doc.get("stats", {})):
        if "seconds" in k or k in ("tus_parsed", "graph", "snapshot_write", "searches", "reverse_index"):
            del doc["stats"][k]
    return p.returncode, doc, p.stderr


def wait_for(pred, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.01)
    die("timed out waiting for " + what)


def scenario_lock(kreach, work):
    """Two writers on one index: the second waits for the first, says so in
    one line, and finds everything up to date; a writer whose wait times out
    exits 2 with one line."""
    tree = os.path.join(work, "tree")
    gen_tree(tree, 40)
    db = os.path.join(tree, "kreach.db")
    env = dict(os.environ, KREACH_TEST_TU_DELAY_MS="25")
    first = subprocess.Popen([kreach, "index", "-p", tree, "-j", "1", "--quiet"],
                             env=env, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: count_tus(db) >= 1, "the first writer's first TU")
    second = subprocess.run([kreach, "index", "-p", tree, "-j", "1"],
                            capture_output=True, text=True)
    _, err1 = first.communicate()
    if first.returncode != 0 or second.returncode != 0:
        die("writers exited %d and %d: %s %s" % (first.returncode, second.returncode,
                                                 err1, second.stderr))
    print("first: " + (err1.strip() or "(silent)"))
    for line in second.stderr.splitlines():
        print("second: " + line.replace(work, "WORK"))
    print("db: %s %d %d %s" % db_state(db))

    # Someone else holds the lock (here: this script); a short timeout.
    with open(db + ".lock", "w") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        start = time.time()
        p = subprocess.run([kreach, "index", "-p", tree, "--lock-timeout=1"],
                           capture_output=True, text=True)
        took = time.time() - start
        fcntl.lockf(lock, fcntl.LOCK_UN)
    print("timeout: exit %d after %s" % (p.returncode, "1-10s" if 0.9 < took < 10 else "%.1fs" % took))
    for line in p.stderr.splitlines():
        print("timeout: " + line.replace(work, "WORK"))
    print("db: %s %d %d %s" % db_state(db))


def scenario_readers(kreach, work):
    """Readers in a loop while a writer re-indexes every TU with renamed
    helpers: each reader sees every root's whole chain (never half a TU) and
    none fails (no "database is locked")."""
    n = 60
    tree = os.path.join(work, "tree")
    gen_tree(tree, n, "a", chain=0)
    subprocess.run([kreach, "index", "-p", tree, "--quiet"], check=True)
    gen_tree(tree, n, "b", chain=0)
    env = dict(os.environ, KREACH_TEST_TU_DELAY_MS="20")
    writer = subprocess.Popen([kreach, "index", "-p", tree, "-j", "1", "--quiet"], env=env)
    # The reader pauses between the queries of one load; a reader that does
    # not read one snapshot then mixes states of the TUs committed meanwhile.
    renv = dict(os.environ, KREACH_TEST_READ_DELAY_MS="15")
    runs = 0
    while writer.poll() is None:
        rc, doc, err = findings(kreach, tree, env=renv)
        if doc is None or rc != 1 or err:
            die("reader exited %d: %s" % (rc, err.strip()))
        got = len(doc["findings"])
        if got != n:
            die("reader %d saw %d of %d findings" % (runs, got, n))
        runs += 1
    if writer.returncode != 0:
        die("writer exited %d" % writer.returncode)
    print("readers: %s" % ("several, all consistent" if runs >= 3 else "only %d" % runs))
    rc, doc, err = findings(kreach, tree)
    print("after: exit %d, %d findings, helpers %s" % (
        rc, len(doc["findings"]),
        sorted({h["callee"][:7] for f in doc["findings"] for h in f["chain"][:1]})))
    print("db: %s %d %d %s" % db_state(os.path.join(tree, "kreach.db")))


def scenario_kill(kreach, work, n):
    """kill -9 at several moments, rerun to completion: the index is intact
    and its findings are an uninterrupted run's."""
    n = int(n)
    tree = os.path.join(work, "tree")
    gen_tree(tree, n)
    ref = os.path.join(work, "ref.db")
    subprocess.run([kreach, "index", "-p", tree, "--db", ref, "-j", "2", "--quiet"],
                   check=True)
    _, want, _ = findings(kreach, tree, ref)
    db = os.path.join(work, "run.db")
    cmd = [kreach, "index", "-p", tree, "--db", db, "-j", "2", "--quiet"]
    # Right away, then after more and more TUs are in.
    for at in [0, n // 20, n // 3, (2 * n) // 3]:
        have = count_tus(db)
        p = subprocess.Popen(cmd)
        if at:
            wait_for(lambda: count_tus(db) >= have + at // 2 or p.poll() is not None,
                     "%d TUs" % at)
        else:
            time.sleep(0.05)
        p.send_signal(signal.SIGKILL)
        p.wait()
        if os.path.exists(db):
            ok, tus, orphans, complete = db_state(db)
            if ok != "ok" or orphans or complete == "1":
                die("after a kill at %d: %s %d %d %s" % (at, ok, tus, orphans, complete))
    print("killed: 4 times, index intact each time")
    subprocess.run(cmd, check=True)
    print("db: %s %d %d %s" % db_state(db))
    _, got, _ = findings(kreach, tree, db)
    print("findings: %d, %s" % (len(got["findings"]),
                                "same as uninterrupted" if got == want else "DIFFERENT"))


def scenario_rebuild(kreach, work):
    """--rebuild writes a new index beside the old one: readers see the old
    tree until the new one is complete, an interrupted rebuild leaves the
    old index as it was."""
    n = 60
    tree = os.path.join(work, "tree")
    gen_tree(tree, n, chain=3)
    db = os.path.join(tree, "kreach.db")
    subprocess.run([kreach, "index", "-p", tree, "--quiet"], check=True)
    _, want, _ = findings(kreach, tree)
    print("before: %d findings" % len(want["findings"]))
    env = dict(os.environ, KREACH_TEST_TU_DELAY_MS="20")
    cmd = [kreach, "index", "-p", tree, "--rebuild", "-j", "1", "--quiet"]

    # Interrupted.
    p = subprocess.Popen(cmd, env=env)
    wait_for(lambda: count_tus(db + ".rebuild") >= n // 3, "the rebuild")
    p.send_signal(signal.SIGKILL)
    p.wait()
    _, got, err = findings(kreach, tree)
    print("killed rebuild: %s, db %s %d %d %s" % (
        "old index intact" if got == want else "CHANGED: " + err, *db_state(db)))

    # Readers during a whole rebuild.
    p = subprocess.Popen(cmd, env=env)
    runs = 0
    while p.poll() is None:
        rc, got, err = findings(kreach, tree)
        if got != want:
            die("reader %d during the rebuild saw %s findings: %s" % (
                runs, len(got["findings"]) if got else "no", err.strip()))
        runs += 1
    if p.returncode != 0:
        die("rebuild exited %d" % p.returncode)
    print("readers during rebuild: %s" % ("several, all saw the whole tree" if runs >= 3
                                         else "only %d" % runs))
    _, got, _ = findings(kreach, tree)
    print("after: %d findings, %s" % (len(got["findings"]),
                                      "same" if got == want else "DIFFERENT"))
    print("db: %s %d %d %s" % db_state(db))
    left = sorted(f for f in os.listdir(tree) if f.startswith("kreach.db"))
    print("files: " + " ".join(left))
    c = sqlite3.connect(db)
    print("journal: " + c.execute("pragma journal_mode").fetchone()[0])
    c.close()


def as_reader(cmd):
    """Runs cmd as a user without write access to the test's directories:
    nobody when running as root (root ignores permission bits)."""
    if os.getuid() == 0:
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True)


def scenario_readonly(kreach, work):
    """An index in a directory its reader cannot write."""
    tree = os.path.join(work, "tree")
    gen_tree(tree, 5, chain=2)
    db = os.path.join(tree, "kreach.db")
    os.chmod(work, 0o755)
    subprocess.run([kreach, "index", "-p", tree, "--quiet"], check=True)
    c = sqlite3.connect(db)
    print("journal after index: " + c.execute("pragma journal_mode").fetchone()[0])
    c.close()

    def read(label):
        os.chmod(tree, 0o555)
        p = as_reader([kreach, "check", "-p", tree, "--no-update", "--quiet"])
        os.chmod(tree, 0o755)
        print("%s: exit %d, %d findings" % (label, p.returncode, p.stdout.count("warning:")))
        for line in p.stderr.splitlines():
            print("%s: %s" % (label, line.replace(work, "WORK")))

    read("standalone")
    # Left in WAL mode (a writer that could not switch back), log folded in.
    c = sqlite3.connect(db)
    c.execute("pragma journal_mode=wal")
    c.close()
    read("wal-empty")
    # A writer killed with changes still in its log.
    pid = os.fork()
    if pid == 0:
        c = sqlite3.connect(db)
        c.execute("pragma wal_autocheckpoint=0")
        c.execute("insert or replace into meta values('robust', 'x')")
        c.commit()
        os._exit(0)
    os.waitpid(pid, 0)
    print("wal: %s" % ("non-empty" if os.path.getsize(db + "-wal") > 0 else "empty"))
    # SQLite reads the log through a read-only -shm when there is one.
    read("wal-pending")
    # Without one (the index was copied without it), it cannot.
    os.remove(db + "-shm")
    read("wal-no-shm")
    c = sqlite3.connect(db)
    c.execute("pragma journal_mode=delete")
    c.close()
    os.chmod(db, 0o600)
    read("unreadable")
    os.chmod(db, 0o644)


def gen_deep_chain(work, n):
    """One TU: root -> f0 -> ... -> f(n-1) -> dma_fence_wait."""
    n = int(n)
    lines = ["struct mmu_interval_notifier_ops { int (*invalidate)(void); };",
             "void dma_fence_wait(void *f);"]
    lines += ["void f%d(void);" % i for i in range(n)]
    lines += ["void f%d(void) { f%d(); }" % (i, i + 1) for i in range(n - 1)]
    lines += ["void f%d(void) { dma_fence_wait(0); }" % (n - 1),
              "int deep_root(void) { f0(); return 0; }",
              "const struct mmu_interval_notifier_ops ops = { .invalidate = deep_root };"]
    with open(os.path.join(work, "deep.c"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": "deep.c",
                    "arguments": ["clang", "-nostdinc", "-c", "deep.c"]}], f)


ROOT_TU = """struct mmu_interval_notifier_ops { int (*invalidate)(void); };
long dma_fence_wait_timeout(void *f, int intr, long t);
int %(name)s(void) { return dma_fence_wait_timeout(0, 0, 1) > 0; }
const struct mmu_interval_notifier_ops %(name)s_ops = { .invalidate = %(name)s };
"""


def gen_crash(work):
    """A TU nested deeper than any parse stack, between two good ones."""
    for name in ["before", "after"]:
        with open(os.path.join(work, name + ".c"), "w") as f:
            f.write(ROOT_TU % {"name": name + "_invalidate"})
    with open(os.path.join(work, "deep.c"), "w") as f:
        f.write("int x = " + "(" * 5000 + "1" + ")" * 5000 + ";\n")
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": n,
                    "arguments": ["clang", "-nostdinc", "-c", n]}
                   for n in ["before.c", "deep.c", "after.c"]], f)


def gen_inputs(work):
    """Main files that are not regular files, around good TUs."""
    with open(os.path.join(work, "good.c"), "w") as f:
        f.write(ROOT_TU % {"name": "good_invalidate"})
    os.mkfifo(os.path.join(work, "fifo.c"))
    os.mkdir(os.path.join(work, "dir.c"))
    os.symlink("/dev/zero", os.path.join(work, "zero.c"))
    with open(os.path.join(work, "errors.c"), "w") as f:
        f.write("int a = x; int b = y; int c = z;\n")
    names = ["fifo.c", "dir.c", "zero.c", "missing.c", "errors.c", "good.c"]
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": n,
                    "arguments": ["clang", "-nostdinc", "-c", n]} for n in names], f)


def gen_argv(work, form):
    """Arguments and file names a shell would mangle, relative file entries,
    duplicates and a missing file; as "arguments" or as "command"."""
    import shlex
    os.makedirs(os.path.join(work, "sub dir"), exist_ok=True)
    # Each macro's value must reach clang exactly; the TU checks them.
    defines = {
        "SPACES": '"a b  c"',
        "QUOTES": "\"it's\"",
        "SUBST": '"$(touch PWNED)"',
        "SEMI": '"x; touch PWNED"',
        "TICKS": '"`touch PWNED`"',
    }
    checks = "\n".join(
        '_Static_assert(sizeof(%s) == %d, "%s");' % (k, len(eval(v)) + 1 if k != "QUOTES" else 5, k)
        for k, v in defines.items())
    tus = {
        "sub dir/a b.c": "spaces_invalidate",
        "rel/rel.c": "relative_invalidate",
        "semi;colon.c": "semicolon_invalidate",
        "$(dollar).c": "dollar_invalidate",
        "dup.c": "dup_invalidate",
    }
    for path, name in tus.items():
        os.makedirs(os.path.dirname(os.path.join(work, path)), exist_ok=True)
        with open(os.path.join(work, path), "w") as f:
            f.write(ROOT_TU % {"name": name} + checks + "\n")
    entries = []
    for path in list(tus) + ["dup.c", "missing.c"]:
        args = ["clang", "-nostdinc"] + ["-D%s=%s" % kv for kv in defines.items()] + \
               ["-c", path, "-o", os.path.splitext(path)[0] + ".o"]
        e = {"directory": work, "file": path}
        if form == "arguments":
            e["arguments"] = args
        else:
            e["command"] = " ".join(shlex.quote(a) for a in args)
        entries.append(e)
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


def main():
    scenario, kreach, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    {"lock": scenario_lock, "readers": scenario_readers, "kill": scenario_kill,
     "rebuild": scenario_rebuild, "readonly": scenario_readonly,
     "gen": lambda k, w, n: gen_tree(w, int(n)),
     "deep-chain": lambda k, w, n: gen_deep_chain(w, n),
     "crash": lambda k, w: gen_crash(w),
     "inputs": lambda k, w: gen_inputs(w),
     "argv": lambda k, w, form: gen_argv(w, form)}[scenario](kreach, work, *sys.argv[4:])


if __name__ == "__main__":
    main()
