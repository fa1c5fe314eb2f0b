//===- KreachFacts.cpp - Facts extracted while clang compiles the TU ------===//
//
// `clang -fplugin=KreachFacts.so -fpass-plugin=KreachFacts.so ...` (the
// kernel: make LLVM=1 KCFLAGS='-fplugin=... -fpass-plugin=...'): once clang has parsed the TU, the same extractor
// `kreach index` runs (lib/Facts) records its facts; then, as code
// generation starts, a pass of this same module writes them into the
// object's `.discard.kreach.facts` section (FactsRecord.h). Whatever carries the
// object carries the facts: ccache and sccache hits, distcc and icecream,
// `ld -r` of composite objects. `kreach index` takes them from the object
// instead of parsing the TU again.
//
// Why a section written by a pass: only code generation can add to the
// object, and a pass plugin is the interface clang gives it. With LLVM 19
// the AST half adds this module to the compile's pass plugins itself; LLVM
// 22 loads pass plugins before any frontend action, so a build names the
// module twice: -fplugin=KreachFacts.so -fpass-plugin=KreachFacts.so. The
// section is not allocated and is
// marked SHF_EXCLUDE: final links (vmlinux, modules' .ko as loaded) drop
// it without an orphan-section warning, `ld -r` keeps it.
//
//===----------------------------------------------------------------------===//

#include "kreach/Facts.h"
#include "kreach/FactsRecord.h"
#include "kreach/Project.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#if __has_include("llvm/Plugins/PassPlugin.h")
#include "llvm/Plugins/PassPlugin.h" // LLVM 22 moved it.
#else
#include "llvm/Passes/PassPlugin.h"
#endif
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include <dlfcn.h>

using namespace clang;

namespace {

/// The record of the TU this compiler process is compiling (clang -cc1
/// compiles one TU; the pass reads what the AST half wrote).
std::string &pendingRecord() {
  static std::string Record;
  return Record;
}

/// Whether the AST half is part of this compile (LLVM 19 registers it only
/// when the module is loaded with -fplugin=).
bool &astHalfRuns() {
  static bool Runs = false;
  return Runs;
}

/// This module's own path, to name it as the compile's pass plugin.
std::string ownPath() {
  Dl_info Info;
  if (dladdr(reinterpret_cast<void *>(&ownPath), &Info) && Info.dli_fname)
    return Info.dli_fname;
  return std::string();
}

class FactsConsumer : public ASTConsumer {
public:
  explicit FactsConsumer(const CompilerInvocation &Invocation)
      : Invocation(Invocation), Start(std::chrono::system_clock::now()) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    // A TU with errors produces no object; nothing to record.
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    kreach::FactsRecord Record;
    // Keys relative to the kernel tree the TU lies in, as `kreach index`
    // finds it; the record names that root, and an index of another root
    // parses the TU instead of trusting keys it would not share.
    const SourceManager &SM = Ctx.getSourceManager();
    llvm::SmallString<256> Cwd;
    if (llvm::sys::fs::current_path(Cwd))
      Cwd.clear();
    // The compile's directory as kreach index names it: by its real path
    // ($PWD may spell it through a link). Arguments that spell the tree
    // through a link still map to the root's placeholder.
    std::string RealCwd = Cwd.empty() ? std::string() : kreach::realPathOr(Cwd);
    std::vector<kreach::PathSpelling> Spellings = {{std::string(Cwd), RealCwd}};
    if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID())) {
      llvm::StringRef Real = Main->getFileEntry().tryGetRealPathName();
      std::string MainFile =
          kreach::normalizePath(Real.empty() ? Main->getName() : Real, Cwd);
      kreach::KernelRootFinder Finder;
      Record.SourceRoot = Finder.rootOf(llvm::sys::path::parent_path(MainFile));
      Spellings.push_back(
          {llvm::sys::path::parent_path(kreach::normalizePath(Main->getName(), Cwd)).str(),
           llvm::sys::path::parent_path(MainFile).str()});
    }
    kreach::PathMapper Portable(Record.SourceRoot, RealCwd, Spellings);
    Record.Facts = kreach::collectFacts(Ctx, Portable);
    Record.Inputs = kreach::parseStamps(Record.Facts, Start);
    // The fingerprint and every path relative to that root and the
    // compile's directory: the record reads the same in another checkout.
    Record.Fingerprint = kreach::parseFingerprint(Invocation, Portable);
    pendingRecord() = kreach::encodeFactsRecord(Record, Portable);
  }

private:
  const CompilerInvocation &Invocation;
  /// Before the parse read anything.
  std::chrono::system_clock::time_point Start;
};

class FactsAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    astHalfRuns() = true;
    std::string Self = ownPath();
#if LLVM_VERSION_MAJOR >= 22
    // clang loads its pass plugins before any frontend action runs: the
    // build must name this module with -fpass-plugin= as well. Without it no
    // facts reach the object, which is said here, once per compile, rather
    // than found out as a slow `kreach index`.
    bool Loaded = llvm::any_of(CI.getPassPlugins(), [&](const auto &P) {
      return llvm::sys::fs::equivalent(P->getFilename(), Self);
    });
    if (!Loaded)
      CI.getDiagnostics().Report(CI.getDiagnostics().getCustomDiagID(
          DiagnosticsEngine::Warning,
          "kreach-facts: the facts cannot be written into the object; pass "
          "'-fpass-plugin=%0' as well as '-fplugin=%0'"))
          << Self;
#else
    // Code generation loads its pass plugins after the AST is done: naming
    // this module there is in time, and saves the user a -fpass-plugin=.
    std::vector<std::string> &Passes = CI.getCodeGenOpts().PassPlugins;
    if (!Self.empty() && llvm::find(Passes, Self) == Passes.end())
      Passes.push_back(Self);
#endif
    return std::make_unique<FactsConsumer>(CI.getInvocation());
  }
  bool ParseArgs(const CompilerInstance &, const std::vector<std::string> &) override {
    return true;
  }
  ActionType getActionType() override { return AddBeforeMainAction; }
};

/// Writes the pending record into the module as the facts section.
struct EmbedFactsPass : llvm::PassInfoMixin<EmbedFactsPass> {
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &) {
    if (!astHalfRuns()) {
      llvm::errs() << "warning: kreach-facts: loaded as a pass plugin only, so no facts "
                      "are recorded for "
                   << M.getSourceFileName()
                   << "; pass '-fplugin=' with the same module as well\n";
      return llvm::PreservedAnalyses::all();
    }
    std::string Record = std::move(pendingRecord());
    pendingRecord().clear();
    if (Record.empty() || M.getNamedGlobal("__kreach_facts"))
      return llvm::PreservedAnalyses::all();
    llvm::LLVMContext &Ctx = M.getContext();
    llvm::Constant *Bytes = llvm::ConstantDataArray::getString(Ctx, Record, /*AddNull=*/false);
    auto *GV = new llvm::GlobalVariable(M, Bytes->getType(), /*isConstant=*/true,
                                        llvm::GlobalValue::PrivateLinkage, Bytes,
                                        "__kreach_facts");
    GV->setSection(kreach::FactsSectionName);
    GV->setAlignment(llvm::Align(1));
    GV->setMetadata(llvm::LLVMContext::MD_exclude, llvm::MDNode::get(Ctx, {}));
    llvm::appendToCompilerUsed(M, {GV});
    return llvm::PreservedAnalyses::none();
  }
  static bool isRequired() { return true; }
};

} // namespace

static FrontendPluginRegistry::Add<FactsAction>
    Registered("kreach-facts", "record kreach's facts of the TU in its object file");

extern "C" LLVM_ATTRIBUTE_WEAK ::llvm::PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "kreach-facts", "1", [](llvm::PassBuilder &PB) {
            PB.registerPipelineStartEPCallback(
                [](llvm::ModulePassManager &MPM, llvm::OptimizationLevel) {
                  MPM.addPass(EmbedFactsPass());
                });
          }};
}
