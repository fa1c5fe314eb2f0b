//===- Facts.cpp - Per-translation-unit facts from the Clang AST ----------===//

#include "kreach/Facts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace kreach {

std::string normalizePath(llvm::StringRef Path, llvm::StringRef WorkingDir) {
  llvm::SmallString<256> P(Path);
  if (!llvm::sys::path::is_absolute(P)) {
    llvm::SmallString<256> Abs(WorkingDir);
    if (Abs.empty())
      llvm::sys::fs::current_path(Abs);
    llvm::sys::path::append(Abs, P);
    P = Abs;
  }
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

static std::string fileNameOf(FileEntryRef FE, const SourceManager &SM) {
  // The real path is filled in when the file was opened, so this costs no
  // system call and resolves the symlinks of O= builds consistently.
  llvm::StringRef Real = FE.getFileEntry().tryGetRealPathName();
  if (!Real.empty())
    return std::string(Real);
  llvm::SmallString<256> P(FE.getName());
  SM.getFileManager().makeAbsolutePath(P);
  return normalizePath(P);
}

std::string functionKey(const FunctionDecl *FD, const SourceManager &SM) {
  std::string Name = FD->getNameAsString();
  if (FD->isExternallyVisible())
    return Name;
  // A static function called in a TU is defined in it; key it by the file of
  // that definition so header inlines merge and .c statics stay apart.
  const FunctionDecl *Def = FD->getDefinition();
  SourceLocation Loc = SM.getExpansionLoc((Def ? Def : FD)->getLocation());
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
  if (!FE)
    return "<unknown>:" + Name;
  return fileNameOf(*FE, SM) + ":" + Name;
}

static std::string recordName(const RecordDecl *RD) {
  if (!RD->getName().empty())
    return RD->getName().str();
  if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
    return TD->getName().str();
  // An anonymous struct nested in a named one is named through it; one
  // merged "(anonymous)" would join unrelated ops of the whole tree.
  if (const auto *Outer = dyn_cast<RecordDecl>(RD->getDeclContext()))
    return recordName(Outer) + "::(anonymous)";
  const SourceManager &SM = RD->getASTContext().getSourceManager();
  SourceLocation Loc = SM.getExpansionLoc(RD->getLocation());
  std::string Where = "(anonymous";
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc)))
    Where += " at " + fileNameOf(*FE, SM) + ":" + std::to_string(SM.getExpansionLineNumber(Loc));
  return Where + ")";
}

std::string fieldKey(const FieldDecl *FD) {
  return recordName(FD->getParent()) + "::" + FD->getName().str();
}

SourceLocation toSourceLocation(SourceManager &SM, const SourcePos &Pos) {
  if (Pos.RawLoc)
    return SourceLocation::getFromRawEncoding(Pos.RawLoc);
  if (!Pos.valid())
    return {};
  llvm::Expected<FileEntryRef> FE =
      SM.getFileManager().getFileRef(Pos.File, /*OpenFile=*/false);
  if (!FE) {
    llvm::consumeError(FE.takeError());
    return {};
  }
  FileID FID = SM.translateFile(*FE);
  if (FID.isInvalid())
    FID = SM.createFileID(*FE, SourceLocation(), SrcMgr::C_User);
  return SM.translateLineCol(FID, Pos.Line, Pos.Column ? Pos.Column : 1);
}

namespace {

class FactsVisitor : public RecursiveASTVisitor<FactsVisitor> {
  using Base = RecursiveASTVisitor<FactsVisitor>;

public:
  FactsVisitor(ASTContext &Ctx, TUFacts &Out, bool ResolveSites)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), ResolveSites(ResolveSites) {
    FileID Main = SM.getMainFileID();
    MainStart = SM.getLocForStartOfFile(Main);
    MainEnd = SM.getLocForEndOfFile(Main);
  }

  /// Top-level and nested function declarations: main-file definitions are
  /// walked now; header definitions only once this TU's code uses them.
  bool TraverseFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || !inMainFile(FD))
      return true;
    return walkFunction(FD);
  }

  /// A function this TU's code refers to (calls, or takes the address of):
  /// its header definition becomes part of the TU's facts.
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      if (const FunctionDecl *Def = FD->getDefinition())
        if (!inMainFile(Def) && Used.insert(Def).second)
          Pending.push_back(const_cast<FunctionDecl *>(Def));
    return true;
  }

  /// Walks the header functions the TU uses, transitively.
  void drainPending() {
    while (!Pending.empty())
      walkFunction(Pending.pop_back_val());
  }

  bool walkFunction(FunctionDecl *FD) {
    FunctionFact F;
    F.Key = key(FD);
    F.Name = FD->getNameAsString();
    F.Loc = pos(FD->getLocation());
    F.Internal = !FD->isExternallyVisible();
    Out.Functions.push_back(F);
    std::string Saved = std::move(Current);
    Current = F.Key;
    bool Result = TraverseStmt(FD->getBody());
    Current = std::move(Saved);
    return Result;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (Current.empty())
      return true;
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      if (Callee->getBuiltinID())
        return true;
      Out.Calls.push_back(
          {Current, key(Callee), Callee->getNameAsString(), site(CE->getBeginLoc())});
      return true;
    }
    const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
    if (const auto *Deref = dyn_cast<UnaryOperator>(Callee))
      if (Deref->getOpcode() == UO_Deref)
        Callee = Deref->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(Callee))
      if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        Out.IndirectCalls.push_back(
            {Current, fieldKey(Field), site(ME->getMemberLoc())});
        return true;
      }
    ++Out.UnresolvedIndirectCalls;
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
    if (!ME)
      return true;
    if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      recordStore(Field, BO->getRHS());
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    if (!ILE->isSemanticForm())
      ILE = ILE->getSemanticForm();
    if (ILE)
      walkInitList(ILE);
    return true;
  }

private:
  bool inMainFile(const FunctionDecl *FD) {
    // A plain location comparison: a kernel TU has thousands of header
    // inlines, and a FileID lookup for each is measurable.
    SourceLocation Loc = FD->getLocation();
    if (Loc.isMacroID())
      Loc = SM.getExpansionLoc(Loc);
    return !(Loc < MainStart) && !(MainEnd < Loc);
  }

  void walkInitList(const InitListExpr *ILE) {
    if (!Walked.insert(ILE).second)
      return;
    QualType T = ILE->getType();
    if (const RecordDecl *RD = T->getAsRecordDecl()) {
      if (RD->isUnion()) {
        if (const FieldDecl *F = ILE->getInitializedFieldInUnion())
          if (ILE->getNumInits() > 0)
            walkInit(F, ILE->getInit(0));
        return;
      }
      unsigned Index = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (F->isUnnamedBitField())
          continue;
        if (Index >= ILE->getNumInits())
          break;
        walkInit(F, ILE->getInit(Index++));
      }
      return;
    }
    // Arrays of structs and brace-elided aggregates.
    for (const Expr *Init : ILE->inits())
      if (const auto *Nested =
              dyn_cast_or_null<InitListExpr>(Init ? Init->IgnoreParenImpCasts() : nullptr))
        walkInitList(Nested);
  }

  void walkInit(const FieldDecl *F, const Expr *Init) {
    if (!Init)
      return;
    if (const auto *Nested = dyn_cast<InitListExpr>(Init->IgnoreParenImpCasts())) {
      walkInitList(Nested);
      return;
    }
    recordStore(F, Init);
  }

  void recordStore(const FieldDecl *Field, const Expr *Value) {
    llvm::SmallVector<const FunctionDecl *, 2> Targets;
    functionsIn(Value, Targets);
    for (const FunctionDecl *Target : Targets)
      Out.Stores.push_back({Current, fieldKey(Field), key(Target),
                            Target->getNameAsString(), site(Value->getBeginLoc())});
  }

  static void functionsIn(const Expr *E,
                          llvm::SmallVectorImpl<const FunctionDecl *> &Result) {
    if (!E)
      return;
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_AddrOf)
        E = UO->getSubExpr()->IgnoreParenCasts();
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      functionsIn(CO->getTrueExpr(), Result);
      functionsIn(CO->getFalseExpr(), Result);
      return;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
        Result.push_back(FD);
  }

  std::string key(const FunctionDecl *FD) {
    if (FD->isExternallyVisible())
      return FD->getNameAsString();
    auto It = Keys.find(FD->getCanonicalDecl());
    if (It != Keys.end())
      return It->second;
    std::string K = functionKey(FD, SM);
    Keys[FD->getCanonicalDecl()] = K;
    return K;
  }

  /// Where a call or store happens. The per-TU front ends defer resolving it
  /// to file:line:col until a finding needs it: in macro-heavy kernel code the
  /// lookups cost more than everything else kreach does in a TU.
  SourcePos site(SourceLocation Loc) {
    if (ResolveSites)
      return pos(Loc);
    SourcePos P;
    P.RawLoc = Loc.getRawEncoding();
    return P;
  }

  SourcePos pos(SourceLocation Loc) {
    SourcePos P;
    Loc = SM.getExpansionLoc(Loc);
    if (Loc.isInvalid())
      return P;
    std::pair<FileID, unsigned> Decomposed = SM.getDecomposedLoc(Loc);
    auto It = Files.find(Decomposed.first);
    if (It == Files.end()) {
      std::string Name;
      if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(Decomposed.first))
        Name = fileNameOf(*FE, SM);
      It = Files.insert({Decomposed.first, Name}).first;
    }
    P.File = It->second;
    P.Line = SM.getLineNumber(Decomposed.first, Decomposed.second);
    P.Column = SM.getColumnNumber(Decomposed.first, Decomposed.second);
    return P;
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  TUFacts &Out;
  bool ResolveSites;
  std::string Current;
  SourceLocation MainStart, MainEnd;
  // Header functions still to walk, and every one ever queued.
  llvm::SmallVector<FunctionDecl *, 64> Pending;
  llvm::SmallPtrSet<const FunctionDecl *, 32> Used;
  llvm::SmallPtrSet<const InitListExpr *, 32> Walked;
  llvm::DenseMap<const Decl *, std::string> Keys;
  llvm::DenseMap<FileID, std::string> Files;
};

} // namespace

TUFacts collectFacts(ASTContext &Ctx, bool ResolveSites) {
  TUFacts Out;
  const SourceManager &SM = Ctx.getSourceManager();
  if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
    Out.MainFile = fileNameOf(*Main, SM);
  // Only functions and file-scope initializers hold calls and stores; the
  // thousands of header records, enums and typedefs of a kernel TU hold
  // neither, so they are not walked at all.
  FactsVisitor Visitor(Ctx, Out, ResolveSites);
  llvm::SmallVector<DeclContext *, 4> Contexts = {Ctx.getTranslationUnitDecl()};
  while (!Contexts.empty()) {
    DeclContext *DC = Contexts.pop_back_val();
    for (Decl *D : DC->decls()) {
      if (auto *FD = dyn_cast<FunctionDecl>(D))
        Visitor.TraverseFunctionDecl(FD);
      else if (auto *VD = dyn_cast<VarDecl>(D)) {
        if (VD->hasInit())
          Visitor.TraverseStmt(VD->getInit());
      } else if (auto *LS = dyn_cast<LinkageSpecDecl>(D))
        Contexts.push_back(LS); // extern "C" blocks of C++ TUs.
    }
  }
  Visitor.drainPending();
  for (auto It = SM.fileinfo_begin(), End = SM.fileinfo_end(); It != End; ++It)
    Out.Inputs.push_back(fileNameOf(It->first, SM));
  llvm::sort(Out.Inputs);
  Out.Inputs.erase(std::unique(Out.Inputs.begin(), Out.Inputs.end()),
                   Out.Inputs.end());
  return Out;
}

} // namespace kreach
