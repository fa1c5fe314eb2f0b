//===- CCCommand.cpp - `kreach cc`: index the TU of one compiler command --===//
//
// The kernel's `make C=1 CHECK=...` hook runs a checker after each compile
// with the compile's own flags: `$(CHECK) $(CHECKFLAGS) $(c_flags) $<`.
// `kreach cc -- ARGS` is such a checker: it parses that one TU and stores
// its facts in the index, keyed and hashed as `kreach index` would from the
// compile DB's entry for the same file, so a later `kreach check -p BUILD`
// finds the TU up to date. It parses before taking the index's writer lock:
// under `make -j`, the parses run side by side and only the stores queue.
//
//===----------------------------------------------------------------------===//

#include "kreach/Driver.h"
#include "kreach/Facts.h"
#include "kreach/FactsRecord.h"
#include "kreach/Index.h"
#include "kreach/Indexer.h"
#include "kreach/Project.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

namespace kreach {

namespace {

/// The compiler the command names: Kbuild exports CC (the first word of a
/// "ccache clang" is a launcher, not the compiler).
std::string compilerName(llvm::StringRef Given) {
  if (!Given.empty())
    return Given.str();
  if (std::optional<std::string> CC = llvm::sys::Process::GetEnv("CC")) {
    llvm::SmallVector<llvm::StringRef, 4> Words;
    llvm::StringRef(*CC).split(Words, ' ', -1, /*KeepEmpty=*/false);
    if (!Words.empty())
      return Words.back().str();
  }
  return "clang";
}

/// Whether the TU's stored state says it was made from this command and
/// from the inputs as they are now.
bool upToDate(Index &I, const clang::tooling::CompileCommand &Cmd) {
  llvm::Expected<llvm::StringMap<TUState>> States = I.tuStates({Cmd.Filename});
  if (!States) {
    llvm::consumeError(States.takeError());
    return false;
  }
  auto It = States->find(Cmd.Filename);
  if (It == States->end() || It->second.Failed || It->second.Inputs.empty() ||
      It->second.CommandHash != commandHash(Cmd, I.paths()))
    return false;
  std::vector<InputStamp> Now;
  for (const InputStamp &Known : It->second.Inputs)
    Now.push_back(stampNow(Known.Path, Known));
  return inputStampHash(Now) == It->second.StampHash;
}

} // namespace

int runCCCommand(const CCOptions &O) {
  std::vector<std::string> Args = O.Args;
  // Kbuild's checker line: $(CHECKFLAGS) first (sparse's own flags, such as
  // --arch=x86 or -Wbitwise, which clang refuses), then $(c_flags), which
  // always begins with the dependency file -Wp,-MMD,... Only the compile's
  // flags make the TU.
  auto FlagsStart = llvm::find_if(Args, [](llvm::StringRef A) {
    return A.starts_with("-Wp,-MMD,") || A.starts_with("-Wp,-MD,");
  });
  if (FlagsStart != Args.end())
    Args.erase(Args.begin(), FlagsStart);
  std::vector<std::string> Sources;
  for (const std::string &A : Args)
    if (!llvm::StringRef(A).starts_with("-") && isSourceFile(A))
      Sources.push_back(A);
  if (Sources.size() != 1)
    return fail("cc: expected one C source file among the compiler arguments, found " +
                llvm::Twine(Sources.size()) +
                " (use: make C=1 CHECK=\"kreach cc --\", or kreach cc -- FLAGS FILE.c)");

  llvm::SmallString<256> Cwd;
  if (std::error_code EC = llvm::sys::fs::current_path(Cwd))
    return fail("cc: cannot find the working directory: " + EC.message());
  std::string Directory = O.Directory.empty() ? std::string(Cwd)
                                              : normalizePath(O.Directory, Cwd);
  std::string File = normalizePath(Sources.front(), Directory);
  // Reached through a symlink ($PWD of a linked tree): keyed by the real
  // paths, as kreach index keys the compile DB's commands. The arguments
  // keep their spelling, which the paths' mapper learns.
  std::vector<PathSpelling> Spellings;
  auto Resolve = [&](llvm::StringRef Spelled) {
    std::string Real = realPathOr(Spelled);
    if (Real != Spelled)
      Spellings.push_back({Spelled.str(), Real});
    return Real;
  };
  Directory = Resolve(Directory);
  {
    llvm::SmallString<256> RealFile(Resolve(llvm::sys::path::parent_path(File)));
    llvm::sys::path::append(RealFile, llvm::sys::path::filename(File));
    File = std::string(RealFile);
  }
  std::vector<std::string> CommandLine = {compilerName(O.Compiler)};
  llvm::append_range(CommandLine, Args);
  clang::tooling::CompileCommand Cmd(Directory, File, CommandLine, "");

  std::string Root =
      O.SourceRoot.empty() ? std::string() : Resolve(normalizePath(O.SourceRoot, Cwd));
  if (Root.empty()) {
    KernelRootFinder Finder;
    Root = Finder.rootOf(llvm::sys::path::parent_path(File));
  }
  if (Root.empty())
    return fail("cc: no kernel source tree above '" + File +
                "'; pass --source-root=DIR");
  std::string DBPath = O.IndexFile.empty()
                           ? (llvm::Twine(Directory) + "/kreach.db").str()
                           : normalizePath(O.IndexFile, Cwd);
  PathMapper Requested(Root, Directory, Spellings);

  // Up to date: nothing to parse, and no lock taken. The paths the index
  // keys against (its recorded root may contain ours) decide the keys.
  PathMapper Keys = Requested;
  if (llvm::sys::fs::exists(DBPath)) {
    IndexOpenOptions ReadOpts;
    ReadOpts.SourceRoot = Root;
    ReadOpts.BuildDir = Directory;
    ReadOpts.Spellings = Spellings;
    llvm::Expected<std::unique_ptr<Index>> Reader =
        Index::open(DBPath, Index::Mode::ReadOnly, ReadOpts);
    if (Reader) {
      if (upToDate(**Reader, Cmd))
        return ExitClean;
      Keys = (*Reader)->paths();
    } else {
      llvm::consumeError(Reader.takeError()); // The writer below says why.
    }
  }

  auto ParseStart = std::chrono::system_clock::now();
  std::string FirstError;
  TUFacts Facts = parseTU(Cmd, Keys, FirstError);
  std::vector<FileStamp> Read = parseStamps(Facts, ParseStart);

  IndexOpenOptions WriteOpts;
  WriteOpts.SourceRoot = Root;
  WriteOpts.BuildDir = Directory;
  WriteOpts.Spellings = Spellings;
  WriteOpts.LockTimeout = std::chrono::seconds(O.LockTimeoutSeconds);
  // Under make -j the stores queue by design; waiting is no news.
  WriteOpts.Log = nullptr;
  llvm::Expected<std::unique_ptr<Index>> I =
      Index::open(DBPath, Index::Mode::ReadWrite, WriteOpts);
  if (!I)
    return fail("cc: " + llvm::toString(I.takeError()));
  if ((*I)->paths().root() != Keys.root() || (*I)->paths().buildDir() != Keys.buildDir()) {
    // Another writer made the index meanwhile, at paths of its own.
    Keys = (*I)->paths();
    FirstError.clear();
    Facts = parseTU(Cmd, Keys, FirstError);
    Read = parseStamps(Facts, ParseStart);
  }
  TUState State;
  State.File = File;
  State.Directory = Directory;
  State.CommandHash = commandHash(Cmd, Keys);
  State.Failed = !FirstError.empty();
  State.Error = FirstError;
  State.Inputs = std::move(Read);
  if (State.Inputs.empty())
    State.Inputs.push_back(stampFile(File));
  llvm::Expected<llvm::StringMap<TUState>> Known = (*I)->tuStates({File});
  if (!Known)
    return fail("cc: " + llvm::toString(Known.takeError()));
  // A TU that failed keeps the facts an earlier run stored (as `kreach
  // index` does); the failure is recorded, and `kreach check` reports it.
  bool KeepOld = State.Failed && Known->count(File);
  if (llvm::Error E = (*I)->storeTU(State, KeepOld ? nullptr : &Facts))
    return fail("cc: " + llvm::toString(std::move(E)));
  if (llvm::Error E = (*I)->recordPaths())
    return fail("cc: " + llvm::toString(std::move(E)));
  if (llvm::Error E = (*I)->close())
    return fail("cc: " + llvm::toString(std::move(E)));
  // A TU that does not parse does not fail the build that runs the
  // checker: it is said here, and the check that reads the index counts it
  // as failed (and exits 2 unless --max-failed-tus allows it).
  if (State.Failed)
    llvm::errs() << "kreach: warning: " << Keys.relative(File) << ": " << FirstError << "\n";
  return ExitClean;
}

} // namespace kreach
