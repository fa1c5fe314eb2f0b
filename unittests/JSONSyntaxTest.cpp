//===- JSONSyntaxTest.cpp - checkJSONSyntax against llvm::json::parse -----===//

#include "kreach/FileIO.h"

#include "llvm/Support/JSON.h"
#include "gtest/gtest.h"

#include <string>

using namespace kreach;

namespace {

bool accepted(llvm::StringRef Text, unsigned Depth = 256) {
  return !llvm::errorToBool(checkJSONSyntax(Text, Depth));
}

bool llvmAccepts(llvm::StringRef Text) {
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Text);
  bool OK = bool(Doc);
  llvm::consumeError(Doc.takeError());
  return OK;
}

// Each case on both sides: the check must agree with llvm::json on it,
// and the expectation pins which side of the line it falls.
struct Case {
  const char *Text;
  bool Valid;
};

const Case Cases[] = {
    {R"([])", true},
    {R"(  [ ]  )", true},
    {R"({})", true},
    {R"([{"directory": "/b", "file": "a.c", "arguments": ["cc", "-c", "a.c"]}])", true},
    {R"([1, -2, 3.5, 1e9, -0.25E-3, 18446744073709551615, 1e400])", true},
    {R"(["\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00\uDC00\uD800x"])", true},
    {"[\"caf\xc3\xa9\"]", true},
    {R"([true, false, null, [[{}]], {"a": {"b": []}}])", true},
    {"\t\r\n[\n]\n", true},
    {R"(01)", true},   // strtoll reads it whole
    {R"(+1)", true},   // so does this
    {R"(.5)", true},   // and strtod this
    {"", false},
    {"   ", false},
    {"[", false},
    {"[1,]", false},
    {"[1 2]", false},
    {"{\"a\" 1}", false},
    {"{\"a\": 1,}", false},
    {"{a: 1}", false},
    {"{\"a\": 1]", false},
    {"[1}", false},
    {"]", false},
    {"[] []", false},
    {"[\"unterminated]", false},
    {"[\"tab\there\"]", false},
    {"[\"\\x\"]", false},
    {"[\"\\u12G4\"]", false},
    {"[\"\\u12\"]", false},
    {"[tru]", false},
    {"[nul]", false},
    {"[falsy]", false},
    {"[1.2.3]", false},
    {"[-]", false},
    {"[e5]", false},
    {"['single']", false},
    {"[# comment\n]", false},
    {"[\"\xff\"]", false},
    {"[\"a\"", false},
    {"{\"a\":", false},
    {"{\"a\"", false},
    {"{", false},
    {"[\"a\\", false},
    {"- [a, b]", false}, // YAML, not JSON
};

TEST(JSONSyntaxTest, AgreesWithLLVMJSON) {
  for (const Case &C : Cases) {
    EXPECT_EQ(llvmAccepts(C.Text), C.Valid) << "the case itself is wrong: " << C.Text;
    EXPECT_EQ(accepted(C.Text), C.Valid) << C.Text;
  }
  // An embedded NUL is a control character inside a string, and no JSON
  // outside one.
  EXPECT_FALSE(accepted(llvm::StringRef("[\"a\0b\"]", 7)));
  EXPECT_FALSE(llvmAccepts(llvm::StringRef("[\"a\0b\"]", 7)));
  EXPECT_FALSE(accepted(llvm::StringRef("[]\0", 3)));
}

TEST(JSONSyntaxTest, DepthIsBounded) {
  std::string Deep = std::string(300, '[') + std::string(300, ']');
  llvm::Error E = checkJSONSyntax(Deep, 256);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(llvm::toString(std::move(E)), "JSON nested deeper than 256 levels");
  std::string Exact = std::string(256, '[') + std::string(256, ']');
  EXPECT_TRUE(accepted(Exact));
  EXPECT_FALSE(accepted(std::string(257, '[') + std::string(257, ']')));
  // Far deeper than any stack could recurse: refused, not crashed.
  EXPECT_FALSE(accepted(std::string(1 << 20, '['), 256));
  EXPECT_FALSE(accepted(std::string(1 << 20, '{'), 256));
}

TEST(JSONSyntaxTest, ErrorSaysWhere) {
  llvm::Error E = checkJSONSyntax("[\n  1,\n  2 3\n]", 256);
  ASSERT_TRUE(bool(E));
  std::string Message = llvm::toString(std::move(E));
  EXPECT_NE(Message.find("[3:"), std::string::npos) << Message;
  EXPECT_NE(Message.find("Expected , or ] after array element"), std::string::npos) << Message;
}

} // namespace
