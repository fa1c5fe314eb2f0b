# lit configuration for kreach's tool and check tests.
import os
import shutil

import lit.formats
import lit.util

config.name = "kreach"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test", ".yaml"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kreach_obj_root, "test")

# FileCheck, not, count and clang of the LLVM release kreach was built with.
config.environment["PATH"] = os.pathsep.join(
    [config.kreach_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# The tests set their own environment; keep CI detection from changing output.
config.environment.pop("CI", None)
# Every patch-mode search that starts from the snapshot's stored result is
# checked against a whole search: a difference fails the check.
config.environment["KREACH_VERIFY_SEARCHES"] = "1"

def add_tool(name, path):
    config.substitutions.append((name, path))

add_tool("%kreach", os.path.join(config.kreach_tools_dir, "kreach"))
add_tool("%clang-tidy", os.path.join(config.llvm_tools_dir, "clang-tidy"))
add_tool("%clang", os.path.join(config.llvm_tools_dir, "clang"))
add_tool("%tidy-plugin", os.path.join(config.kreach_lib_dir, "KreachTidy.so"))
add_tool("%analyzer-plugin", os.path.join(config.kreach_lib_dir, "KreachAnalyzer.so"))
add_tool("%facts-plugin", os.path.join(config.kreach_lib_dir, "KreachFacts.so"))
add_tool("%python", config.python_executable)
add_tool("%minikernel", os.path.join(config.kreach_src_root, "examples", "minikernel"))
# The one set of mock kernel headers every suite compiles against: the
# bundled example's include/ (docs/testing.md). Tests copy it into their
# trees (`cp -r %kernel_headers %t/`) or pass -I%kernel_headers.
add_tool("%kernel_headers", os.path.join(config.kreach_src_root, "examples", "minikernel", "include"))
add_tool("%srcroot", config.kreach_src_root)
add_tool("%inputs", os.path.join(config.test_source_root, "Inputs"))

config.available_features.add("llvm-" + config.llvm_version_major)
# A -DKREACH_SANITIZE build (docs/robustness.md): "sanitized". Its plugins
# could not load into Debian's uninstrumented clang-tidy and clang, so the
# tests needing them are unsupported there (the normal build runs them).
def cmake_cache_value(name):
    try:
        with open(os.path.join(config.kreach_obj_root, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""
sanitized = cmake_cache_value("KREACH_SANITIZE")
if sanitized:
    config.available_features.add("sanitized")
    # Stop at the first report, by abort: a sanitizer's exit status 1 would
    # satisfy `not`, a crash does not. allow_user_poisoning=0: LLVM's
    # BumpPtrAllocator poisons its slabs in kreach's instrumented copies of
    # its inline code but not in the copies inside Debian's static clangd
    # libraries, which kreach-clangd mixes (false use-after-poison). The
    # caller's settings win.
    for var, value in [("ASAN_OPTIONS", "halt_on_error=1:abort_on_error=1:detect_leaks=1:allow_user_poisoning=0"),
                       ("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1:print_stacktrace=1")]:
        config.environment[var] = os.environ.get(var, value)
if not sanitized and os.path.exists(os.path.join(config.kreach_lib_dir, "KreachTidy.so")):
    config.available_features.add("tidy-plugin")
if not sanitized and os.path.exists(os.path.join(config.kreach_lib_dir, "KreachAnalyzer.so")):
    config.available_features.add("analyzer-plugin")
if not sanitized and os.path.exists(os.path.join(config.kreach_lib_dir, "KreachFacts.so")):
    config.available_features.add("facts-plugin")
if os.path.exists(os.path.join(config.kreach_tools_dir, "kreach-clangd")):
    config.available_features.add("kreach-clangd")
for tool in ["dot", "npx", "git", "ccache", "sccache"]:
    if shutil.which(tool):
        config.available_features.add(tool)
# scan-build of the same LLVM release as the plugin.
scan_build = shutil.which("scan-build-" + config.llvm_version_major)
if scan_build:
    config.available_features.add("scan-build")
    config.substitutions.insert(0, ("%scan-build", scan_build))
# Microsoft's SARIF validator (npm: @microsoft/sarif-multitool); the
# environment may name a binary outside PATH, e.g. in a node_modules/.bin.
sarif_multitool = os.environ.get("KREACH_SARIF_MULTITOOL") or shutil.which("sarif-multitool")
if sarif_multitool and os.path.exists(sarif_multitool):
    config.available_features.add("sarif-multitool")
    add_tool("%sarif-multitool", sarif_multitool)
