//===- FlowValue.cpp - Where a function pointer's value comes from --------===//

#include "kreach/FlowValue.h"

#include "llvm/ADT/StringExtras.h"

namespace kreach {

FlowValue FlowValue::member(llvm::StringRef Field) const {
  FlowValue V = *this;
  if (V.Kind == Base::Function) // A function has no fields.
    return unknown().member(Field);
  V.Path.push_back(Field.str());
  if (V.Path.size() > MaxPath) {
    // Too deep to bind: keep the innermost fields for type-based resolution.
    FlowValue Inner;
    Inner.Path.assign(V.Path.end() - 2, V.Path.end());
    return Inner;
  }
  return V;
}

FlowValue FlowValue::append(llvm::ArrayRef<std::string> Fields) const {
  FlowValue V = *this;
  for (const std::string &F : Fields)
    V = V.member(F);
  return V;
}

static void escapeInto(std::string &Out, llvm::StringRef Text) {
  for (char C : Text) {
    if (C == '|' || C == '\\')
      Out += '\\';
    Out += C;
  }
}

/// Splits at unescaped '|' and unescapes each part.
static std::optional<llvm::SmallVector<std::string, 4>> splitEscaped(llvm::StringRef Text) {
  llvm::SmallVector<std::string, 4> Parts(1);
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (C == '\\') {
      if (++I == Text.size())
        return std::nullopt;
      Parts.back() += Text[I];
    } else if (C == '|') {
      Parts.emplace_back();
    } else {
      Parts.back() += C;
    }
  }
  return Parts;
}

std::string FlowValue::encode() const {
  std::string Out(1, static_cast<char>(Kind));
  if (Kind == Base::Param) {
    Out += std::to_string(Param);
    Out += '=';
  }
  escapeInto(Out, Name);
  for (const std::string &F : Path) {
    Out += '|';
    escapeInto(Out, F);
  }
  return Out;
}

std::optional<FlowValue> FlowValue::decode(llvm::StringRef Text) {
  if (Text.empty())
    return std::nullopt;
  FlowValue V;
  switch (Text[0]) {
  case 'F':
  case 'P':
  case 'G':
  case 'R':
  case '?':
    V.Kind = static_cast<Base>(Text[0]);
    break;
  default:
    return std::nullopt;
  }
  std::optional<llvm::SmallVector<std::string, 4>> Parts = splitEscaped(Text.drop_front());
  if (!Parts || Parts->size() > MaxPath + 1)
    return std::nullopt;
  llvm::StringRef Head = (*Parts)[0];
  if (V.Kind == Base::Param) {
    auto [Index, Name] = Head.split('=');
    if (Index.getAsInteger(10, V.Param) || Name.size() == Head.size())
      return std::nullopt;
    V.Name = Name.str();
  } else {
    V.Name = Head.str();
  }
  if ((V.Kind == Base::Unknown) != V.Name.empty())
    return std::nullopt;
  for (size_t I = 1; I < Parts->size(); ++I) {
    if ((*Parts)[I].empty())
      return std::nullopt;
    V.Path.push_back((*Parts)[I]);
  }
  if (V.Kind == Base::Function && !V.Path.empty())
    return std::nullopt;
  return V;
}

std::string FlowValue::spell() const {
  std::string Out;
  switch (Kind) {
  case Base::Function:
  case Base::Param:
  case Base::Global:
    Out = Name.substr(Name.rfind(':') == std::string::npos ? 0 : Name.rfind(':') + 1);
    break;
  case Base::Return:
    Out = Name.substr(Name.rfind(':') == std::string::npos ? 0 : Name.rfind(':') + 1) + "()";
    break;
  case Base::Unknown:
    Out = "(object)";
    break;
  }
  for (const std::string &F : Path) {
    llvm::StringRef Field = F;
    size_t Sep = Field.rfind("::");
    Out += "->";
    Out += Sep == llvm::StringRef::npos ? Field : Field.substr(Sep + 2);
  }
  return Out;
}

bool pathHasPrefix(llvm::ArrayRef<std::string> Path, llvm::ArrayRef<std::string> Prefix) {
  return Prefix.size() <= Path.size() && Path.take_front(Prefix.size()) == Prefix;
}

std::string encodePath(llvm::ArrayRef<std::string> Path) {
  std::string Out;
  for (size_t I = 0; I < Path.size(); ++I) {
    if (I)
      Out += '|';
    escapeInto(Out, Path[I]);
  }
  return Out;
}

std::optional<llvm::SmallVector<std::string, 2>> decodePath(llvm::StringRef Text) {
  llvm::SmallVector<std::string, 2> Path;
  if (Text.empty())
    return Path;
  std::optional<llvm::SmallVector<std::string, 4>> Parts = splitEscaped(Text);
  if (!Parts || Parts->size() > FlowValue::MaxPath)
    return std::nullopt;
  for (std::string &P : *Parts) {
    if (P.empty())
      return std::nullopt;
    Path.push_back(std::move(P));
  }
  return Path;
}

} // namespace kreach
