//===- kreach/FactsDump.h - kreach facts: one TU's facts as text ----------===//

#ifndef KREACH_FACTSDUMP_H
#define KREACH_FACTSDUMP_H

#include "kreach/Facts.h"
#include "kreach/Project.h"

#include "llvm/Support/raw_ostream.h"

namespace kreach {

/// One line per function, call, indirect call and store, then the count of
/// unresolved indirect calls; paths relative to the source root.
void printFacts(llvm::raw_ostream &OS, const TUFacts &Facts, const PathMapper &Paths);

} // namespace kreach

#endif
