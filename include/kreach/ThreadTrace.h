//===- kreach/ThreadTrace.h - A worker thread's part of --time-trace ------===//
//
// LLVM's time profiler is per thread: a scope on a thread that never
// started one records nothing. A worker that should show in the trace
// starts one for its work and hands it over when done, and
// timeTraceProfilerWrite merges it with the main thread's.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_THREADTRACE_H
#define KREACH_THREADTRACE_H

#include "llvm/Support/TimeProfiler.h"

namespace kreach {

class ThreadTrace {
public:
  /// Tracing: whether the thread that handed over the work traces
  /// (timeTraceProfilerEnabled() there).
  explicit ThreadTrace(bool Tracing) : Tracing(Tracing) {
    if (Tracing)
      llvm::timeTraceProfilerInitialize(/*TimeTraceGranularity=*/0, "kreach");
  }
  ~ThreadTrace() {
    if (Tracing)
      llvm::timeTraceProfilerFinishThread();
  }
  ThreadTrace(const ThreadTrace &) = delete;
  ThreadTrace &operator=(const ThreadTrace &) = delete;

private:
  bool Tracing;
};

} // namespace kreach

#endif
