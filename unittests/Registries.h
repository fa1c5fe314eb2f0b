//===- Registries.h - Value-flow configurations the unit tests share ------===//
#ifndef KREACH_UNITTESTS_REGISTRIES_H
#define KREACH_UNITTESTS_REGISTRIES_H

#include "kreach/Graph.h"

namespace kreach::test {

/// One registry: chain_register(head, item) and chain_call(head), items
/// called through nb::call.
inline ValueFlowConfig chainConfig() {
  ValueFlowConfig Config;
  Registry &R = Config.Registries.emplace_back();
  R.Name = "chain";
  R.Field = "nb::call";
  R.Register.push_back({"chain_register", 0, 1});
  R.Call.push_back({"chain_call", 0, 0});
  return Config;
}

} // namespace kreach::test

#endif
