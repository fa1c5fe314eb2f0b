//===- FileIO.cpp - Reading what users hand kreach ------------------------===//

#include "kreach/FileIO.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cerrno>
#include <cstdlib>

namespace kreach {

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readCacheFile(llvm::StringRef Path,
                                                                  llvm::StringRef What) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> File =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (File)
    return std::move(*File);
  if (File.getError() == std::errc::no_such_file_or_directory)
    return nullptr;
  return llvm::createStringError(File.getError(), "cannot read %s '%s': %s", What.str().c_str(),
                                 Path.str().c_str(), File.getError().message().c_str());
}

llvm::Expected<std::string> readUserFile(llvm::StringRef Path, llvm::StringRef What,
                                         uint64_t MaxBytes, bool AllowStdin) {
  auto Error = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read " + What + " '" + Path + "': " + Why);
  };
  if (AllowStdin && Path == "-") {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf = llvm::MemoryBuffer::getSTDIN();
    if (!Buf)
      return Error(Buf.getError().message());
    if ((*Buf)->getBufferSize() > MaxBytes)
      return Error("larger than " + llvm::Twine(MaxBytes >> 20) + " MiB");
    return (*Buf)->getBuffer().str();
  }
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status))
    return Error(EC.message());
  if (Status.type() == llvm::sys::fs::file_type::directory_file)
    return Error("is a directory");
  if (Status.type() != llvm::sys::fs::file_type::regular_file)
    return Error("not a regular file");
  if (Status.getSize() > MaxBytes)
    return Error("larger than " + llvm::Twine(MaxBytes >> 20) + " MiB");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/true, /*RequiresNullTerminator=*/false);
  if (!Buf)
    return Error(Buf.getError().message());
  return (*Buf)->getBuffer().str();
}

bool jsonNestedTooDeep(llvm::StringRef Text, unsigned MaxDepth) {
  unsigned Depth = 0;
  bool InString = false;
  for (size_t I = 0, E = Text.size(); I < E; ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I; // The escaped character cannot end the string.
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"')
      InString = true;
    else if (C == '[' || C == '{') {
      if (++Depth > MaxDepth)
        return true;
    } else if ((C == ']' || C == '}') && Depth > 0)
      --Depth;
  }
  return false;
}

namespace {
/// One pass over a JSON text, accepting what llvm::json::parse accepts (its
/// leniencies included: numbers are whatever strtoll/strtoull/strtod read
/// whole, an unpaired surrogate escape is no error), with the nesting kept
/// on an explicit stack so that no input recurses.
class JSONSyntaxChecker {
public:
  JSONSyntaxChecker(llvm::StringRef Text, unsigned MaxDepth) : Text(Text), MaxDepth(MaxDepth) {}

  llvm::Error check() {
    size_t BadUTF8;
    if (!llvm::json::isUTF8(Text, &BadUTF8)) {
      P = BadUTF8;
      return error("Invalid UTF-8 sequence");
    }
    enum Container : bool { Array, Object };
    llvm::SmallVector<Container, 16> Open;
    skipSpace();
    for (;;) {
      // A value.
      char C = next();
      bool Ended = true;
      switch (C) {
      case 'n':
        if (!literal("ull"))
          return error("Invalid JSON value (null?)");
        break;
      case 't':
        if (!literal("rue"))
          return error("Invalid JSON value (true?)");
        break;
      case 'f':
        if (!literal("alse"))
          return error("Invalid JSON value (false?)");
        break;
      case '"':
        if (!string())
          return takeError();
        break;
      case '[':
      case '{':
        if (Open.size() >= MaxDepth)
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "JSON nested deeper than " + llvm::Twine(MaxDepth) +
                                             " levels");
        Open.push_back(C == '[' ? Array : Object);
        skipSpace();
        if (peek() == (C == '[' ? ']' : '}')) {
          ++P;
          Open.pop_back();
        } else {
          Ended = false;
          if (C == '{' && !key())
            return takeError();
        }
        break;
      default:
        if (!isNumberChar(C))
          return error("Invalid JSON value");
        if (!number())
          return error("Invalid JSON value (number?)");
        break;
      }
      if (!Ended)
        continue;
      // After a value: close what it ended, or go on to the next element.
      for (;;) {
        skipSpace();
        if (Open.empty()) {
          if (P != Text.size())
            return error("Text after end of document");
          return llvm::Error::success();
        }
        char After = next();
        if (Open.back() == Array) {
          if (After == ']') {
            Open.pop_back();
            continue;
          }
          if (After != ',')
            return error("Expected , or ] after array element");
          skipSpace();
          break;
        }
        if (After == '}') {
          Open.pop_back();
          continue;
        }
        if (After != ',')
          return error("Expected , or } after object property");
        skipSpace();
        if (!key())
          return takeError();
        break;
      }
    }
  }

private:
  llvm::StringRef Text;
  unsigned MaxDepth;
  size_t P = 0;
  llvm::Error Pending = llvm::Error::success();

  char peek() const { return P < Text.size() ? Text[P] : 0; }
  char next() { return P < Text.size() ? Text[P++] : 0; }
  void skipSpace() {
    while (P < Text.size() &&
           (Text[P] == ' ' || Text[P] == '\t' || Text[P] == '\n' || Text[P] == '\r'))
      ++P;
  }
  static bool isNumberChar(char C) {
    return (C >= '0' && C <= '9') || C == 'e' || C == 'E' || C == '+' || C == '-' || C == '.';
  }
  bool literal(llvm::StringRef Rest) {
    for (char Want : Rest)
      if (next() != Want)
        return false;
    return true;
  }
  /// A member's key and its colon, leaving P at the value.
  bool key() {
    if (next() != '"') {
      fail("Expected object key");
      return false;
    }
    if (!string())
      return false;
    skipSpace();
    if (next() != ':') {
      fail("Expected : after object key");
      return false;
    }
    skipSpace();
    return true;
  }
  /// The rest of a string, its opening quote read.
  bool string() {
    for (char C = next(); C != '"'; C = next()) {
      if (P >= Text.size() && C == 0) {
        fail("Unterminated string");
        return false;
      }
      if ((C & 0x1f) == C) {
        fail("Control character in string");
        return false;
      }
      if (C != '\\')
        continue;
      switch (next()) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u':
        // Four hex digits; a surrogate's pairing decides only what the
        // string holds (U+FFFD when unpaired), never whether it parses.
        for (int I = 0; I < 4; ++I)
          if (!llvm::isHexDigit(next())) {
            fail("Invalid \\u escape sequence");
            return false;
          }
        break;
      default:
        fail("Invalid escape sequence");
        return false;
      }
    }
    return true;
  }
  /// A number, its first character read: the run of number characters,
  /// which llvm::json reads with strtoll, strtoull or strtod and takes only
  /// when one of them reads it whole.
  bool number() {
    size_t Begin = P - 1;
    while (isNumberChar(peek()))
      ++P;
    llvm::SmallString<32> Digits(Text.slice(Begin, P));
    const char *First = Digits.c_str();
    const char *Last = First + Digits.size();
    char *End;
    errno = 0;
    (void)std::strtoll(First, &End, 10);
    if (End == Last && errno != ERANGE)
      return true;
    if (*First != '-') {
      errno = 0;
      (void)std::strtoull(First, &End, 10);
      if (End == Last && errno != ERANGE)
        return true;
    }
    (void)std::strtod(First, &End);
    return End == Last;
  }
  void fail(const char *Message) {
    llvm::consumeError(std::move(Pending));
    Pending = error(Message);
  }
  llvm::Error takeError() { return std::move(Pending); }
  llvm::Error error(const char *Message) const {
    size_t Line = 1, LineStart = 0;
    for (size_t I = 0; I < P && I < Text.size(); ++I)
      if (Text[I] == '\n') {
        ++Line;
        LineStart = I + 1;
      }
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "[" + llvm::Twine(Line) + ":" + llvm::Twine(P - LineStart) +
                                       ", byte=" + llvm::Twine(P) + "]: " + Message);
  }
};
} // namespace

llvm::Error checkJSONSyntax(llvm::StringRef Text, unsigned MaxDepth) {
  return JSONSyntaxChecker(Text, MaxDepth).check();
}

} // namespace kreach
