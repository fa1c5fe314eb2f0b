//===- Indexer.cpp - Bring an index up to date from a compile DB ----------===//

#include "kreach/Indexer.h"
#include "kreach/Config.h"
#include "kreach/Project.h"
#include "kreach/ThreadTrace.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/Stack.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Frontend/Utils.h"
#if __has_include("clang/Driver/CreateInvocationFromArgs.h")
#include "clang/Driver/CreateInvocationFromArgs.h" // LLVM 22 moved it.
#endif
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/xxhash.h"
#include <chrono>
#include <mutex>
#include <thread>
#ifdef LLVM_ON_UNIX
#include <csignal>
#endif

using namespace clang;

namespace kreach {

std::string commandHash(const tooling::CompileCommand &Cmd, const PathMapper &Portable) {
  // The parse kreach runs, as it reads wherever the tree is: a command that
  // differs only in what kreach's parse drops (its object, dependency file,
  // the facts plugin; `make C=1`'s checker line, which has neither -c nor
  // -o) is the same TU, and so is the same command of a tree checked out at
  // another path.
  std::string S = std::string(KREACH_VERSION) + "/facts" + std::to_string(FactsRevision) +
                  "\n" + Portable.portable(Cmd.Directory) + "\n";
  for (const std::string &Arg : indexingArguments(Cmd))
    S += Portable.portable(Arg) + '\0';
  return llvm::utohexstr(llvm::xxh3_64bits(S));
}

std::vector<std::string> indexingArguments(const tooling::CompileCommand &Cmd) {
  tooling::CommandLineArguments Args = Cmd.CommandLine;
  Args = tooling::getClangStripOutputAdjuster()(Args, Cmd.Filename);
  Args = tooling::getClangStripDependencyFileAdjuster()(Args, Cmd.Filename);
  Args = tooling::getClangSyntaxOnlyAdjuster()(Args, Cmd.Filename);
  tooling::CommandLineArguments Result;
  bool HasResourceDir = false;
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I];
    // Kbuild writes dependency files through the preprocessor.
    if (A.starts_with("-Wp,-MD,") || A.starts_with("-Wp,-MMD,"))
      continue;
    // Meaningless beside -fsyntax-only, and left there by LLVM 19's
    // syntax-only adjuster (22's drops it): a compile's -c must not make its
    // TU another than `make C=1`'s checker line of it, which has none.
    if (A == "-c")
      continue;
    // A build that records facts in its objects loads kreach's facts
    // plugin; a parse by kreach records them itself.
    if ((A.starts_with("-fplugin=") || A.starts_with("-fpass-plugin=")) &&
        llvm::sys::path::filename(A.split('=').second) == "KreachFacts.so")
      continue;
    if (A.starts_with("-resource-dir"))
      HasResourceDir = true;
    Result.push_back(Args[I]);
  }
  if (!HasResourceDir && !Result.empty())
    Result.insert(Result.begin() + 1,
                  std::string("-resource-dir=") + KREACH_CLANG_RESOURCE_DIR);
  // Warnings cost analysis time and change no fact.
  Result.push_back("-w");
  Result.push_back("-Wno-error");
  return Result;
}

namespace {

class FirstErrorConsumer : public DiagnosticConsumer {
public:
  explicit FirstErrorConsumer(std::string &FirstError) : FirstError(FirstError) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error || !FirstError.empty())
      return;
    llvm::SmallString<128> Message;
    Info.FormatDiagnostic(Message);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P = Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid())
        Where = std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) +
                ":" + std::to_string(P.getColumn()) + ": ";
    }
    FirstError = Where + "error: " + std::string(Message);
  }

private:
  std::string &FirstError;
};

class FactsConsumer : public ASTConsumer {
public:
  FactsConsumer(TUFacts &Out, const PathMapper &Portable) : Out(Out), Portable(Portable) {}
  void HandleTranslationUnit(ASTContext &Ctx) override { Out = collectFacts(Ctx, Portable); }

private:
  TUFacts &Out;
  const PathMapper &Portable;
};

class FactsAction : public ASTFrontendAction {
public:
  FactsAction(TUFacts &Out, const PathMapper &Portable) : Out(Out), Portable(Portable) {}
  bool BeginInvocation(CompilerInstance &CI) override {
    // clang's "N errors generated." goes to the verbose stream (stderr);
    // kreach reports a failed TU in one line of its own.
    CI.setVerboseOutputStream(std::make_unique<llvm::raw_null_ostream>());
    return true;
  }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<FactsConsumer>(Out, Portable);
  }

private:
  TUFacts &Out;
  const PathMapper &Portable;
};

} // namespace

namespace {

/// The largest main file kreach parses; a kernel's largest generated .c is
/// a few megabytes.
constexpr uint64_t MaxMainFileSize = uint64_t(256) << 20;

/// Why a TU's main file cannot be parsed, or empty. Checked before clang
/// opens it: a FIFO would block the parse forever, a device or a directory
/// would be read as nothing.
std::string mainFileProblem(llvm::StringRef Path) {
  namespace fs = llvm::sys::fs;
  fs::file_status Status;
  if (std::error_code EC = fs::status(Path, Status))
    return "error: cannot read main file '" + Path.str() + "': " + EC.message();
  const char *Kind = nullptr;
  switch (Status.type()) {
  case fs::file_type::regular_file:
    break;
  case fs::file_type::directory_file:
    Kind = "a directory";
    break;
  case fs::file_type::fifo_file:
    Kind = "a FIFO";
    break;
  case fs::file_type::character_file:
    Kind = "a character device";
    break;
  case fs::file_type::block_file:
    Kind = "a block device";
    break;
  case fs::file_type::socket_file:
    Kind = "a socket";
    break;
  default:
    Kind = "not a regular file";
    break;
  }
  if (Kind)
    return "error: main file '" + Path.str() + "' is " + Kind +
           (llvm::StringRef(Kind).starts_with("not") ? "" : ", not a regular file");
  if (Status.getSize() > MaxMainFileSize)
    return "error: main file '" + Path.str() + "' is too large (" +
           std::to_string(Status.getSize() >> 20) + " MiB)";
  return "";
}

/// Lets the crash-recovery signal handler run when a parse overflows its
/// stack: SIGSEGV and SIGBUS are delivered on an alternate stack, and each
/// parse thread sets one up (parseOnThread).
void enableCrashRecovery() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    llvm::CrashRecoveryContext::Enable();
#ifdef LLVM_ON_UNIX
    for (int Sig : {SIGSEGV, SIGBUS}) {
      struct sigaction SA;
      if (sigaction(Sig, nullptr, &SA) == 0 && !(SA.sa_flags & SA_ONSTACK)) {
        SA.sa_flags |= SA_ONSTACK;
        sigaction(Sig, &SA, nullptr);
      }
    }
#endif
  });
}

/// The stack a parse runs on: what clang's driver gives cc1.
constexpr unsigned ParseStackSize = clang::DesiredStackSize;

} // namespace

static TUFacts parseTUUnsafe(const tooling::CompileCommand &Cmd, const PathMapper &Portable,
                             std::string &FirstError) {
  TUFacts Facts;
  // Each TU gets its own file system view, so the working directory of one
  // thread's TU never leaks into another's.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
      llvm::vfs::createPhysicalFileSystem();
  FS->setCurrentWorkingDirectory(Cmd.Directory);
  llvm::IntrusiveRefCntPtr<FileManager> Files(new FileManager(FileSystemOptions(), FS));
  FirstErrorConsumer Diags(FirstError);
  tooling::ToolInvocation Invocation(indexingArguments(Cmd),
                                     std::make_unique<FactsAction>(Facts, Portable), Files.get());
  Invocation.setDiagnosticConsumer(&Diags);
  bool OK = Invocation.run();
  if (!OK && FirstError.empty())
    FirstError = "error: clang could not run this compile command";
  return Facts;
}

TUFacts parseTU(const tooling::CompileCommand &Cmd, const PathMapper &Portable,
                std::string &FirstError) {
  std::string MainFile = normalizePath(Cmd.Filename, Cmd.Directory);
  TUFacts Facts;
  FirstError = mainFileProblem(MainFile);
  if (FirstError.empty()) {
    // A TU that crashes clang (a stack overflow on an expression nested
    // thousands deep, a clang bug) fails alone, as in libclang and clangd:
    // the parse runs on its own thread with clang's stack size, under crash
    // recovery, with an alternate signal stack so that even an overflow of
    // that stack is caught.
    enableCrashRecovery();
    // The thread exists for this parse only, so its signal stack needs no
    // restoring; the memory outlives a crash's longjmp.
#ifdef LLVM_ON_UNIX
    std::vector<char> AltStack(std::max<size_t>(1 << 16, SIGSTKSZ));
#endif
    llvm::CrashRecoveryContext CRC;
    // Traced as a whole: a profiler on the parse's own thread would trace
    // clang's every declaration and double the parse.
    llvm::TimeTraceScope Scope("parse TU", MainFile);
    bool Survived = CRC.RunSafelyOnThread(
        [&] {
#ifdef LLVM_ON_UNIX
          // A sanitizer runtime gives each thread a signal stack of its own
          // and frees it when the thread ends; replacing it would make that
          // free fail. Install ours only where there is none.
          stack_t Current{};
          if (sigaltstack(nullptr, &Current) == 0 && (Current.ss_flags & SS_DISABLE)) {
            stack_t SS{};
            SS.ss_sp = AltStack.data();
            SS.ss_size = AltStack.size();
            sigaltstack(&SS, nullptr);
          }
#endif
          // Where clang can, it moves a deep recursion to a new stack
          // before this one runs out; that needs to know where it starts.
          clang::noteBottomOfStack();
          Facts = parseTUUnsafe(Cmd, Portable, FirstError);
        },
        ParseStackSize);
    if (!Survived) {
      Facts = TUFacts();
      FirstError = "error: clang crashed while parsing this TU";
    }
  }
  if (Facts.MainFile.empty())
    Facts.MainFile = MainFile;
  return Facts;
}

namespace {

/// What this run has seen of the files: thousands of TUs share the same
/// headers, each stat()ed once and read at most once.
class StampCache {
public:
  explicit StampCache(std::chrono::system_clock::time_point RunStart)
      : Settled(std::chrono::duration_cast<std::chrono::nanoseconds>(
                    (RunStart - std::chrono::seconds(2)).time_since_epoch())
                    .count()) {}

  /// The file now, with its content: Known's when its size and time still
  /// agree with Known (a time vouches for the content), read otherwise.
  FileStamp now(llvm::StringRef Path, const FileStamp &Known) {
    FileStamp S = stat(Path);
    if (S.Size < 0)
      return S;
    if (Known.MTime >= 0 && Known.Size == S.Size && Known.MTime == S.MTime) {
      S.Content = Known.Content;
      return S;
    }
    auto [It, New] = Contents.try_emplace(Path, UnreadableContent);
    if (New)
      It->second = stampFile(Path).Content;
    S.Content = It->second;
    // Modified shortly before the run began, the time may stay the same
    // through another write in the same tick: it vouches for nothing (as
    // parseStamps() decides for what a parse read).
    if (S.MTime > Settled)
      S.MTime = -1;
    return S;
  }

private:
  FileStamp stat(llvm::StringRef Path) {
    auto [It, New] = Stats.try_emplace(Path);
    if (New)
      It->second = statFile(Path);
    return It->second;
  }

  int64_t Settled;
  llvm::StringMap<FileStamp> Stats;
  llvm::StringMap<uint64_t> Contents;
};

} // namespace

/// The object a compile command writes: its -o, relative to its directory.
static std::string objectOf(const tooling::CompileCommand &Cmd) {
  llvm::StringRef Out = Cmd.Output;
  for (size_t I = 0; Out.empty() && I < Cmd.CommandLine.size(); ++I) {
    llvm::StringRef A = Cmd.CommandLine[I];
    if (A == "-o" && I + 1 < Cmd.CommandLine.size())
      Out = Cmd.CommandLine[I + 1];
    else if (A.starts_with("-o") && A.size() > 2)
      Out = A.drop_front(2);
  }
  if (Out.empty() || Out == "-")
    return std::string();
  return normalizePath(Out, Cmd.Directory);
}

std::optional<FactsRecord>
factsFromBuild(const tooling::CompileCommand &Cmd, const PathMapper &Portable,
               llvm::function_ref<FileStamp(const FileStamp &Recorded)> Now,
               std::string &Problem) {
  std::string Object = objectOf(Cmd);
  if (Object.empty() || !llvm::sys::fs::exists(Object))
    return std::nullopt;
  llvm::Expected<llvm::object::OwningBinary<llvm::object::ObjectFile>> File =
      llvm::object::ObjectFile::createObjectFile(Object);
  if (!File) {
    llvm::consumeError(File.takeError()); // Not an object kreach can read.
    return std::nullopt;
  }
  std::string MainFile = normalizePath(Cmd.Filename, Cmd.Directory);
  for (const llvm::object::SectionRef &Section : File->getBinary()->sections()) {
    llvm::Expected<llvm::StringRef> Name = Section.getName();
    if (!Name || *Name != FactsSectionName) {
      if (!Name)
        llvm::consumeError(Name.takeError());
      continue;
    }
    llvm::Expected<llvm::StringRef> Contents = Section.getContents();
    llvm::Expected<std::vector<FactsRecord>> Records =
        Contents ? decodeFactsSection(*Contents, Portable)
                 : llvm::Expected<std::vector<FactsRecord>>(Contents.takeError());
    if (!Records) {
      Problem = Object + ": " + llvm::toString(Records.takeError());
      return std::nullopt;
    }
    for (FactsRecord &R : *Records) {
      // The record's paths are relative to the root the compile found and
      // were read back under this index's: a main file that reads as this
      // command's is this TU at the same place in its tree (wherever the
      // tree was checked out), and its keys, relative the same way, are
      // this index's. A record of a tree nested otherwise names another file.
      if (R.Facts.MainFile != MainFile)
        continue; // Another TU of a composite object, or of another layout.
      // Made from the inputs as they are: the same contents (which the
      // record's times, where they still hold, spare reading). Kept as
      // they are now, for the next run to compare.
      for (FileStamp &In : R.Inputs) {
        FileStamp Seen = Now(In);
        if (Seen.Content != In.Content)
          return std::nullopt; // Made from inputs that have changed since.
        In = std::move(Seen);
      }
      // Made by a compile that parses as this command does: not an object
      // left from other flags. The driver only, no parse.
      std::vector<std::string> Args = indexingArguments(Cmd);
      std::vector<const char *> Argv;
      for (const std::string &A : Args)
        Argv.push_back(A.c_str());
      llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS = llvm::vfs::createPhysicalFileSystem();
      FS->setCurrentWorkingDirectory(Cmd.Directory);
      CreateInvocationOptions Opts;
      Opts.VFS = FS;
      IgnoringDiagConsumer Quiet;
#if LLVM_VERSION_MAJOR >= 21
      DiagnosticOptions DiagOpts;
      Opts.Diags = CompilerInstance::createDiagnostics(*FS, DiagOpts, &Quiet, false);
#else
      Opts.Diags = CompilerInstance::createDiagnostics(new DiagnosticOptions(), &Quiet, false);
#endif
      std::shared_ptr<CompilerInvocation> Invocation = createInvocation(Argv, std::move(Opts));
      if (!Invocation || parseFingerprint(*Invocation, Portable) != R.Fingerprint)
        return std::nullopt;
      return std::move(R);
    }
  }
  return std::nullopt;
}

bool parseShard(llvm::StringRef Text, unsigned &Shard, unsigned &Count) {
  auto [K, N] = Text.split('/');
  return !K.getAsInteger(10, Shard) && !N.getAsInteger(10, Count) && Count && Shard &&
         Shard <= Count;
}

unsigned shardOf(llvm::StringRef RelativePath, unsigned Count) {
  return unsigned(llvm::xxh3_64bits(RelativePath) % Count) + 1;
}

bool isSourceFile(llvm::StringRef File) {
  llvm::StringRef Ext = llvm::sys::path::extension(File);
  return Ext == ".c" || Ext == ".cc" || Ext == ".cpp" || Ext == ".cxx" || Ext == ".i";
}

llvm::Expected<IndexRunStats> updateIndex(const tooling::CompilationDatabase &CDB,
                                          Index &I, const IndexOptions &Opts) {
  auto Start = std::chrono::steady_clock::now();
  IndexRunStats Stats;
  StampCache Stamps(std::chrono::system_clock::now());
  // The whole tree: inputs verified inside the index, each file stat()ed
  // once. Patch mode: the few TUs' inputs, listed.
  llvm::Expected<llvm::StringMap<TUState>> Known = [&] {
    llvm::TimeTraceScope Scope("verify input stamps");
    return Opts.OnlyFiles.empty()
               ? I.tuStatesVerified([&](llvm::StringRef Path, const FileStamp &Stored) {
                   return Stamps.now(Path, Stored);
                 })
               : I.tuStates(Opts.OnlyFiles);
  }();
  if (!Known)
    return Known.takeError();
  // A checkout or a copy that kept the contents: remembered before any
  // parse, so that even an interrupted run spares the next one reading them.
  if (llvm::Error E = I.storeFileStamps())
    return E;

  llvm::StringSet<> Only;
  for (const std::string &F : Opts.OnlyFiles)
    Only.insert(F);
  const PathMapper &Paths = I.paths();

  std::vector<tooling::CompileCommand> Work;
  llvm::StringSet<> Seen;
  std::vector<tooling::CompileCommand> Commands;
  if (Only.empty()) {
    Commands = CDB.getAllCompileCommands();
  } else {
    // Patch mode: look up the few files instead of expanding the database.
    for (const std::string &File : Opts.OnlyFiles)
      llvm::append_range(Commands, CDB.getCompileCommands(File));
  }
  for (tooling::CompileCommand &Cmd : Commands) {
    std::string File = normalizePath(Cmd.Filename, Cmd.Directory);
    if (!isSourceFile(File)) {
      ++Stats.Skipped;
      continue;
    }
    // Another shard's TU: not this index's (and forgotten if it was).
    if (Opts.ShardCount && shardOf(Paths.relative(File), Opts.ShardCount) != Opts.Shard)
      continue;
    // A file compiled twice (several configurations) is indexed once.
    if (!Seen.insert(File).second)
      continue;
    if (!Only.empty() && !Only.count(File))
      continue;
    ++Stats.Total;
    auto It = Known->find(File);
    bool Fresh = It != Known->end() && It->second.CommandHash == commandHash(Cmd, Paths) &&
                 (Only.empty() ? !It->second.InputsChanged : !It->second.Inputs.empty());
    if (Fresh && !Only.empty()) {
      std::vector<InputStamp> Now;
      for (const InputStamp &In : It->second.Inputs)
        Now.push_back(Stamps.now(In.Path, In));
      Fresh = inputStampHash(Now) == It->second.StampHash;
    }
    if (Fresh) {
      ++Stats.UpToDate;
      continue;
    }
    Cmd.Filename = File;
    Work.push_back(std::move(Cmd));
  }

  // An index that never finished a full run is not a picture of the tree.
  // Once one has finished, an interrupted update leaves every TU either as
  // it was or as it is now (each TU is one transaction), which readers may
  // use while the update runs; only a fresh index or a rebuild starts out
  // incomplete.
  llvm::Expected<bool> WasComplete = I.isComplete();
  if (!WasComplete)
    return WasComplete.takeError();

  if (Opts.RemoveStale && Only.empty())
    for (auto &Entry : *Known)
      if (!Seen.count(Entry.getKey())) {
        if (llvm::Error E = I.removeTU(Entry.getKey()))
          return E;
        ++Stats.Removed;
      }

  if (std::optional<std::string> Crash =
          llvm::sys::Process::GetEnv("KREACH_TEST_CRASH_AFTER_TUS"))
    I.crashBeforeCommitAfter(std::atoi(Crash->c_str()));
  // Fault injection for tests: a slow parse, to hold the writer lock.
  unsigned DelayMs = 0;
  if (std::optional<std::string> Delay = llvm::sys::Process::GetEnv("KREACH_TEST_TU_DELAY_MS"))
    DelayMs = std::atoi(Delay->c_str());

  unsigned Jobs = Opts.Jobs ? Opts.Jobs : llvm::hardware_concurrency().compute_thread_count();
  std::mutex Lock;
  llvm::Error WriteError = llvm::Error::success();
  unsigned Done = 0;
  llvm::raw_ostream &Log = *Opts.Log;
  {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Jobs));
    for (const tooling::CompileCommand &Cmd : Work) {
      Pool.async([&, Cmd, Tracing = llvm::timeTraceProfilerEnabled()] {
        ThreadTrace Trace(Tracing);
        std::string FirstError, BuildProblem;
        auto ParseStart = std::chrono::system_clock::now();
        std::optional<FactsRecord> Built = factsFromBuild(
            Cmd, Paths,
            [&](const FileStamp &Recorded) {
              std::lock_guard<std::mutex> Guard(Lock);
              return Stamps.now(Recorded.Path, Recorded);
            },
            BuildProblem);
        TUFacts Facts = Built ? std::move(Built->Facts) : parseTU(Cmd, Paths, FirstError);
        std::vector<FileStamp> Read =
            Built ? std::move(Built->Inputs) : parseStamps(Facts, ParseStart);
        if (DelayMs)
          std::this_thread::sleep_for(std::chrono::milliseconds(DelayMs));
        std::lock_guard<std::mutex> Guard(Lock);
        ++Done;
        if (WriteError)
          return;
        TUState State;
        State.File = Cmd.Filename;
        State.Directory = Cmd.Directory;
        State.CommandHash = commandHash(Cmd, Paths);
        State.Failed = !FirstError.empty();
        State.Error = FirstError;
        State.Inputs = std::move(Read);
        if (State.Inputs.empty())
          State.Inputs.push_back(Stamps.now(Cmd.Filename, FileStamp()));
        if (State.Failed)
          ++Stats.Failed;
        ++(Built ? Stats.FromBuild : Stats.Parsed);
        // A TU that failed keeps the facts an earlier run stored, unless it
        // never had any: then what clang recovered is better than nothing.
        bool KeepOld = State.Failed && Known->count(Cmd.Filename);
        {
          llvm::TimeTraceScope Scope("store TU", Cmd.Filename);
          WriteError = I.storeTU(State, KeepOld ? nullptr : &Facts);
        }
        if (Opts.Progress) {
          Log << "\r\033[K[" << Done << "/" << Work.size() << "] "
              << Paths.relative(Cmd.Filename);
          Log.flush();
        } else if (Opts.Verbose) {
          Log << "[" << Done << "/" << Work.size() << "] " << Paths.relative(Cmd.Filename)
              << "\n";
        }
        if (State.Failed)
          Log << (Opts.Progress ? "\n" : "") << "kreach: warning: "
              << Paths.relative(Cmd.Filename)
              << ": " << FirstError << "\n";
        if (!BuildProblem.empty())
          Log << (Opts.Progress ? "\n" : "") << "kreach: warning: " << BuildProblem
              << "; parsed " << Paths.relative(Cmd.Filename) << " instead\n";
      });
    }
    Pool.wait();
  }
  if (Opts.Progress && !Work.empty())
    Log << "\r\033[K";
  if (WriteError)
    return WriteError;
  if (llvm::Error E = I.setComplete(Only.empty() || *WasComplete))
    return E;
  // What the index is a picture of: the tree, or one shard of it (which
  // `kreach merge` checks the shards it is given against).
  if (Only.empty())
    if (llvm::Error E = I.setMeta("shard", Opts.ShardCount
                                               ? std::to_string(Opts.Shard) + "/" +
                                                     std::to_string(Opts.ShardCount)
                                               : std::string()))
      return E;
  Stats.Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  return Stats;
}

} // namespace kreach
