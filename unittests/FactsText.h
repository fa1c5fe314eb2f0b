//===- FactsText.h - A TU's facts spelled out, for comparing ------------===//
#ifndef KREACH_UNITTESTS_FACTSTEXT_H
#define KREACH_UNITTESTS_FACTSTEXT_H

#include "kreach/FactKinds.h"
#include "kreach/Facts.h"

#include <string>

namespace kreach::test {

/// Every function and every fact of every kind, as factValues gives them,
/// in one string: two TUs' facts are equal exactly when these are.
inline std::string factsText(const TUFacts &F) {
  std::string Out = F.MainFile + ";" + std::to_string(F.UnresolvedIndirectCalls) + ";";
  for (const std::string &In : F.Inputs)
    Out += In + ",";
  for (const FunctionFact &Fn : F.Functions)
    Out += Fn.Key + "/" + Fn.Name + "@" + Fn.Loc.File + ":" + std::to_string(Fn.Loc.Line) +
           ":" + std::to_string(Fn.Loc.Column) + (Fn.Internal ? "i" : "e") + ";";
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &K : factKinds())
    for (size_t I = 0; I < factCount(F, K.Kind); ++I) {
      Values.clear();
      factValues(F, K.Kind, I, Values);
      Out += K.Table.str() + "(";
      for (const FactValue &V : Values)
        Out += V.Text.str() + "|" + V.Name.str() + "|" + std::to_string(V.Int) + ",";
      Out += ")";
    }
  return Out;
}

} // namespace kreach::test

#endif
