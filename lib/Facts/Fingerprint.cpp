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
  // The defaults reset to live in static storage, zeroed before they are
  // constructed: an options class may leave a field without an initializer
  // (LLVM 22.1's CodeGenOptions::SanitizeKcfiHash), and a default made on
  // the stack then holds whatever was there, which the command line below
  // spells (-fsanitize-kcfi-hash=FNV-1a in some processes, not in others).
  static const clang::FrontendOptions FrontendDefaults;
  static const clang::CodeGenOptions CodeGenDefaults;
  static const clang::DependencyOutputOptions DependencyDefaults;
  static const clang::DiagnosticOptions Defaults;
  clang::CompilerInvocation Kept(Invocation);
  // What to do with the AST (a plugin compile emits an object, kreach
  // parses for syntax only), where outputs go, which plugins load.
  Kept.getFrontendOpts() = FrontendDefaults;
  Kept.getCodeGenOpts() = CodeGenDefaults;
  Kept.getDependencyOutputOpts() = DependencyDefaults;
  // How diagnostics are worded and which are on: ccache adds
  // -fcolor-diagnostics, kreach -w. Reset field by field (in LLVM 19 the
  // options object cannot be assigned).
  clang::DiagnosticOptions &Diag = Kept.getDiagnosticOpts();
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
