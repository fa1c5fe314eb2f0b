#!/usr/bin/env python3
"""A compiler stand-in for recording a kernel build's compile commands.

Installed (by scripts/record-compile-commands.sh) under the compiler's own
name (clang-22) in a directory put first in PATH, so that Kbuild runs it with
exactly the command line it would give the real compiler and records that
line in its .cmd files, as gen_compile_commands.py reads them.

A compile of a kernel C file to an object (-c FILE.c -o FILE.o with
-D__KERNEL__) is not compiled: it gets an empty object of the same target and
a dependency file naming the source, which is all Kbuild's fixdep, objtool
and archive steps need. Everything else (host programs, which the build runs
to generate sources; preprocessing linker scripts, assembling .S files, the
compiler probes, --version) runs the real compiler, so that generated files
and configuration decisions are the real ones.
"""
import os
import shutil
import subprocess
import sys


def real_compiler(name):
    own = os.path.dirname(os.path.abspath(__file__))
    shim = os.path.dirname(os.path.abspath(sys.argv[0]))
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not d or os.path.abspath(d) in (own, shim):
            continue
        cand = os.path.join(d, name)
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    sys.stderr.write("record-cc: no real '%s' in PATH\n" % name)
    sys.exit(127)


def recorded_compile(args):
    """(source, object, depfile, target) of a C-to-object compile, or None."""
    if "-c" not in args or any(a in ("-E", "-S", "-M", "-MM") for a in args):
        return None
    # A host program's objects are linked and run during the build (speakup's
    # makemapdata generates a source file): only kernel compiles are faked.
    if "-D__KERNEL__" not in args:
        return None
    source = obj = dep = None
    target = "x86_64-linux-gnu"
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-o" and i + 1 < len(args):
            obj = args[i + 1]
            i += 2
            continue
        if a in ("-MF",) and i + 1 < len(args):
            dep = args[i + 1]
            i += 2
            continue
        if a.startswith("-Wp,-MMD,") or a.startswith("-Wp,-MD,"):
            dep = a.split(",", 2)[2]
        elif a.startswith("--target="):
            target = a[len("--target="):]
        elif not a.startswith("-") and a.endswith(".c"):
            if source is not None:
                return None
            source = a
        i += 1
    if source is None or obj is None or not obj.endswith(".o"):
        return None
    return source, obj, dep, target


def empty_object(real, target):
    cache = os.environ.get("KREACH_RECORD_CACHE") or os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "kreach-record")
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, "empty-%s.o" % target.replace("/", "_"))
    if not os.path.exists(path):
        tmp = "%s.%d" % (path, os.getpid())
        subprocess.check_call([real, "--target=" + target, "-c", "-x", "c", os.devnull,
                               "-o", tmp])
        os.replace(tmp, path)
    return path


def main():
    name = os.path.basename(sys.argv[0])
    real = real_compiler(name)
    args = sys.argv[1:]
    rec = recorded_compile(args)
    if rec is None:
        os.execv(real, [real] + args)
    source, obj, dep, target = rec
    if not os.path.isfile(source):
        # Let the real compiler say what is wrong.
        os.execv(real, [real] + args)
    shutil.copyfile(empty_object(real, target), obj)
    if dep:
        with open(dep, "w") as f:
            f.write("%s: %s\n" % (obj, source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
