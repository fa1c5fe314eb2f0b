//===- Fingerprint.cpp - What in a compile can change the facts of its TU -===//
//
// Kept apart from the facts codec: it needs clang's frontend, which the
// plugin takes from its host compiler and the CLI links, while the codec's
// users (the unit tests among them) need nothing of clang.
//
//===----------------------------------------------------------------------===//

#include "kreach/FactsRecord.h"

#include "clang/Basic/TargetOptions.h"
#include "clang/Frontend/CompilerInvocation.h"
#include "clang/Lex/HeaderSearchOptions.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

namespace kreach {

std::string parseFingerprint(const clang::CompilerInvocation &Invocation,
                             const PathMapper &Paths) {
  clang::CompilerInvocation Kept(Invocation);
  // What to do with the AST (a plugin compile emits an object, kreach
  // parses for syntax only), where outputs go, which plugins load.
  Kept.getFrontendOpts() = clang::FrontendOptions();
  Kept.getCodeGenOpts() = clang::CodeGenOptions();
  Kept.getDependencyOutputOpts() = clang::DependencyOutputOptions();
  // How diagnostics are worded and which are on: ccache adds
  // -fcolor-diagnostics, kreach -w. Reset field by field (in LLVM 19 the
  // options object cannot be assigned).
  clang::DiagnosticOptions &Diag = Kept.getDiagnosticOpts();
  const clang::DiagnosticOptions Defaults;
#define DIAGOPT(Name, Bits, Default) Diag.Name = Defaults.Name;
#define ENUM_DIAGOPT(Name, Type, Bits, Default) Diag.set##Name(Defaults.get##Name());
#include "clang/Basic/DiagnosticOptions.def"
  Diag.Warnings.clear();
  Diag.Remarks.clear();
  Diag.DiagnosticLogFile.clear();
  Diag.DiagnosticSerializationFile.clear();
  std::string Text;
  for (const std::string &Arg : Kept.getCC1CommandLine())
    Text += Paths.portable(Arg) + '\0';
  return llvm::utohexstr(llvm::xxh3_64bits(Text));
}

} // namespace kreach
