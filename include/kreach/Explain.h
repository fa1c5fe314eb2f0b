//===- kreach/Explain.h - kreach explain: every chain from one function ---===//

#ifndef KREACH_EXPLAIN_H
#define KREACH_EXPLAIN_H

#include "kreach/Graph.h"
#include "kreach/Project.h"

#include "llvm/Support/Error.h"

namespace kreach {

/// The node Spec names: a function key, a function name, or "file:name" for
/// a static function (file relative to the source root, or any suffix of
/// it). An ambiguous name is an error listing the candidates.
llvm::Expected<NodeId> findFunction(const CallGraph &G, const PathMapper &Paths,
                                    llvm::StringRef Spec);

/// Renders DotText into the SVG file SvgPath with Graphviz's dot.
llvm::Error renderSvg(llvm::StringRef DotText, llvm::StringRef SvgPath);

} // namespace kreach

#endif
