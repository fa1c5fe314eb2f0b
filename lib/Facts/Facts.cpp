//===- Facts.cpp - Per-translation-unit facts from the Clang AST ----------===//

#include "kreach/Facts.h"
#include "kreach/FactsRecord.h"
#include "kreach/FlowValue.h"
#include "kreach/MaskValue.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
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

/// A file as keys name it: as it is stored, relative to the source root.
static std::string keyFileName(FileEntryRef FE, const SourceManager &SM,
                               const PathMapper &Portable) {
  return Portable.stored(fileNameOf(FE, SM));
}

std::string functionKey(const FunctionDecl *FD, const SourceManager &SM,
                        const PathMapper &Portable) {
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
  return keyFileName(*FE, SM, Portable) + ":" + Name;
}

static std::string recordName(const RecordDecl *RD, const PathMapper &Portable) {
  if (!RD->getName().empty())
    return RD->getName().str();
  if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
    return TD->getName().str();
  // An anonymous struct nested in a named one is named through it; one
  // merged "(anonymous)" would join unrelated ops of the whole tree.
  if (const auto *Outer = dyn_cast<RecordDecl>(RD->getDeclContext()))
    return recordName(Outer, Portable) + "::(anonymous)";
  const SourceManager &SM = RD->getASTContext().getSourceManager();
  SourceLocation Loc = SM.getExpansionLoc(RD->getLocation());
  std::string Where = "(anonymous";
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc)))
    Where += " at " + keyFileName(*FE, SM, Portable) + ":" +
             std::to_string(SM.getExpansionLineNumber(Loc));
  return Where + ")";
}

std::string fieldKey(const FieldDecl *FD, const PathMapper &Portable) {
  return recordName(FD->getParent(), Portable) + "::" + FD->getName().str();
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

/// gfp_t, through any typedefs of it.
bool isMaskType(QualType T) {
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == "gfp_t")
      return true;
    T = TT->getDecl()->getUnderlyingType();
  }
  return false;
}

std::string spellExpression(const Expr *E, const SourceManager &SM, const LangOptions &LO) {
  // Where the expression was written in a file: a macro's argument as its
  // caller wrote it (`GFP_KERNEL | __GFP_NOWARN` for `__get_free_page()`'s
  // `(gfp_mask)`), a macro written in the code as its name.
  llvm::StringRef Text;
  if (const Expr *Inner = E->IgnoreParens(); Inner->getBeginLoc().isMacroID() ||
                                               Inner->getEndLoc().isMacroID()) {
    SourceLocation B = SM.getFileLoc(Inner->getBeginLoc());
    SourceLocation End = SM.getFileLoc(Inner->getEndLoc());
    if (B.isValid() && End.isValid() && SM.getFileID(B) == SM.getFileID(End) &&
        !SM.isBeforeInTranslationUnit(End, B))
      Text = Lexer::getSourceText(CharSourceRange::getTokenRange(B, End), SM, LO);
  }
  if (Text.empty())
    Text = Lexer::getSourceText(CharSourceRange::getTokenRange(E->getSourceRange()), SM, LO);
  if (Text.empty()) {
    SourceLocation B = SM.getSpellingLoc(E->getBeginLoc());
    SourceLocation End = SM.getSpellingLoc(E->getEndLoc());
    if (SM.getFileID(B) == SM.getFileID(End) && !SM.isBeforeInTranslationUnit(End, B))
      Text = Lexer::getSourceText(CharSourceRange::getTokenRange(B, End), SM, LO);
  }
  std::string Out;
  for (char C : Text) {
    bool Space = C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\\';
    if (Space) {
      if (!Out.empty() && Out.back() != ' ')
        Out += ' ';
    } else {
      Out += C;
    }
  }
  while (!Out.empty() && Out.back() == ' ')
    Out.pop_back();
  constexpr size_t MaxSpelling = 48;
  if (Out.size() > MaxSpelling)
    Out = Out.substr(0, MaxSpelling - 3) + "...";
  return Out;
}

namespace {

/// Calls Each(field, initializer) for every field a braced initializer of a
/// struct or union sets, in order. False if it initializes no record (an
/// array, a brace-elided aggregate).
bool forEachFieldInit(const InitListExpr *ILE,
                      llvm::function_ref<void(const FieldDecl *, const Expr *)> Each) {
  const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
  if (!RD)
    return false;
  if (RD->isUnion()) {
    if (const FieldDecl *F = ILE->getInitializedFieldInUnion())
      if (ILE->getNumInits() > 0)
        Each(F, ILE->getInit(0));
    return true;
  }
  unsigned Index = 0;
  for (const FieldDecl *F : RD->fields()) {
    if (F->isUnnamedBitField())
      continue;
    if (Index >= ILE->getNumInits())
      break;
    Each(F, ILE->getInit(Index++));
  }
  return true;
}

class FactsVisitor : public RecursiveASTVisitor<FactsVisitor> {
  using Base = RecursiveASTVisitor<FactsVisitor>;

public:
  FactsVisitor(ASTContext &Ctx, TUFacts &Out, const PathMapper &Portable, bool ResolveSites)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out), Portable(Portable),
        ResolveSites(ResolveSites) {
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
    Out.Signatures.push_back({F.Key, typeKey(FD->getType())});
    std::string Saved = std::move(Current);
    Current = F.Key;
    FunctionState State;
    State.FD = FD;
    FunctionState *SavedState = std::exchange(Fn, &State);
    bool Result = TraverseStmt(FD->getBody());
    finishFunction();
    Fn = SavedState;
    Current = std::move(Saved);
    return Result;
  }

  /// Calls are turned into facts once the whole body is seen, since what a
  /// local holds may be assigned after the call that uses it (in a loop).
  bool VisitCallExpr(CallExpr *CE) {
    if (Current.empty() || !Fn)
      return true;
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      if (Callee->getBuiltinID())
        return true;
      // A call the build fails on unless it is optimized away
      // (__attribute__((error)), the kernel's __compiletime_error behind
      // BUILD_BUG_ON): never made at run time. Its callee is numbered by
      // __COUNTER__ per TU, so recording it would also make a header
      // inline's facts depend on which TU stored them.
      if (const auto *Error = Callee->getAttr<ErrorAttr>(); Error && Error->isError())
        return true;
    }
    Fn->Calls.push_back(CE);
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (Fn)
      noteMaskDef(BO);
    if (BO->getOpcode() != BO_Assign)
      return true;
    if (Fn)
      Fn->Assigns.push_back(BO);
    const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
    if (!ME)
      return true;
    if (const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      recordStore(Field, BO->getRHS());
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!Fn || isa<ParmVarDecl>(VD) || !VD->hasInit())
      return true;
    if (VD->isStaticLocal()) {
      globalInit(VD);
      return true;
    }
    if (VD->hasLocalStorage()) {
      addLocalDefs(VD, {}, VD->getInit());
      if (isMaskType(VD->getType()))
        Fn->MaskDefs[VD].push_back({BO_Assign, VD->getInit()});
    }
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    if (Fn && RS->getRetValue())
      Fn->Returns.push_back(RS);
    return true;
  }

  /// A global variable's initializer: what it puts into each field that
  /// leads to a function, so a call through the variable binds to it.
  void globalInit(const VarDecl *VD) {
    const Expr *Init = VD->getInit();
    if (!Init || !mayLeadToFunction(VD->getType()))
      return;
    std::string Saved = std::move(Current);
    Current.clear(); // File scope, or a function's static: no owner.
    initAssigns(FlowValue::global(varKey(VD)), Init, 0);
    Current = std::move(Saved);
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    if (!ILE->isSemanticForm())
      ILE = ILE->getSemanticForm();
    if (ILE)
      walkInitList(ILE);
    return true;
  }

private:
  /// One item of what an expression may evaluate to: Value, or, for an
  /// aggregate, Value at the part Sub of it.
  struct Item {
    llvm::SmallVector<std::string, 1> Sub;
    FlowValue Value;
  };
  using Items = llvm::SmallVector<Item, 2>;
  struct LocalDef {
    llvm::SmallVector<std::string, 1> Sub;
    const Expr *E;
  };
  /// What a function body contributes, kept until the body is walked.
  struct FunctionState {
    const FunctionDecl *FD = nullptr;
    llvm::SmallVector<const CallExpr *, 16> Calls;
    llvm::SmallVector<const BinaryOperator *, 8> Assigns;
    llvm::SmallVector<const ReturnStmt *, 4> Returns;
    llvm::MapVector<const VarDecl *, llvm::SmallVector<LocalDef, 2>> Defs;
    llvm::DenseMap<const VarDecl *, Items> Contents;
    /// Definitions of mask locals and parameters: `x = E`, `x |= E`, ...
    llvm::MapVector<const VarDecl *,
                    llvm::SmallVector<std::pair<BinaryOperatorKind, const Expr *>, 2>>
        MaskDefs;
  };

  using MaskValues = llvm::SmallVector<MaskValue, 2>;


  void noteMaskDef(const BinaryOperator *BO) {
    switch (BO->getOpcode()) {
    case BO_Assign:
    case BO_OrAssign:
    case BO_AndAssign:
    case BO_XorAssign:
      break;
    default:
      return;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (VD && VD->hasLocalStorage() && isMaskType(VD->getType()))
      Fn->MaskDefs[VD].push_back({BO->getOpcode(), BO->getRHS()});
  }

  /// Past MaxItems values the last absorbs the rest: the join keeps every
  /// bit either may have, so "may a flag be set" stays sound.
  static void addMask(MaskValues &Into, const MaskValue &V) {
    std::string K = V.encode();
    for (const MaskValue &E : Into)
      if (E.encode() == K)
        return;
    if (Into.size() >= MaxItems)
      Into.back() = Into.back() | V;
    else
      Into.push_back(V);
  }

  /// What a mask expression may be, relative to the function: constants
  /// folded after macro expansion, parameters, locals (every definition,
  /// flow-insensitively), `|`, `&`, `~` and `?:` of those.
  MaskValues evalMask(const Expr *E, unsigned Depth = 0) {
    MaskValues R;
    if (!E || Depth > MaxDepth) {
      R.push_back(MaskValue::unknown());
      return R;
    }
    E = E->IgnoreParenCasts();
    Expr::EvalResult Folded;
    if (!E->isValueDependent() && E->EvaluateAsInt(Folded, Ctx)) {
      R.push_back(MaskValue::constant(Folded.Val.getInt().extOrTrunc(64).getZExtValue()));
      return R;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      const auto *PVD = dyn_cast_or_null<ParmVarDecl>(VD);
      if (PVD && Inlined.Fn && PVD->getDeclContext() == Inlined.Fn) {
        // A parameter of the mask helper being evaluated: what its caller
        // passed.
        unsigned I = PVD->getFunctionScopeIndex();
        if (I < Inlined.Args.size())
          for (const MaskValue &V : Inlined.Args[I])
            addMask(R, V);
      } else if (VD && Fn) {
        if (PVD && PVD->getDeclContext() == Fn->FD)
          R.push_back(MaskValue::param(PVD->getFunctionScopeIndex()));
        auto It = Fn->MaskDefs.find(VD);
        if (It != Fn->MaskDefs.end() && MaskVisiting.insert(VD).second) {
          for (auto [Op, Def] : It->second)
            if (Op == BO_Assign)
              for (const MaskValue &V : evalMask(Def, Depth + 1))
                addMask(R, V);
          if (R.empty()) // Used before any plain definition.
            R.push_back(MaskValue::unknown());
          for (auto [Op, Def] : It->second) {
            if (Op == BO_Assign)
              continue;
            MaskValues Before = R;
            for (const MaskValue &D : evalMask(Def, Depth + 1))
              for (const MaskValue &V : Before)
                addMask(R, Op == BO_AndAssign ? (V & D) : (V | D));
          }
          MaskVisiting.erase(VD);
        }
      }
    } else if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      BinaryOperatorKind Op = BO->getOpcode();
      if (Op == BO_Comma)
        return evalMask(BO->getRHS(), Depth + 1);
      if (Op == BO_Or || Op == BO_And || Op == BO_Xor) {
        MaskValues L = evalMask(BO->getLHS(), Depth + 1);
        MaskValues Rt = evalMask(BO->getRHS(), Depth + 1);
        // An exclusive or may set any bit either side may have.
        for (const MaskValue &A : L)
          for (const MaskValue &B : Rt)
            addMask(R, Op == BO_And ? (A & B) : (A | B));
      }
    } else if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Not)
        for (const MaskValue &V : evalMask(UO->getSubExpr(), Depth + 1))
          addMask(R, ~V);
    } else if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      for (const Expr *Arm : {CO->getTrueExpr(), CO->getFalseExpr()})
        for (const MaskValue &V : evalMask(Arm, Depth + 1))
          addMask(R, V);
    } else if (const auto *CE = dyn_cast<CallExpr>(E)) {
      if (const Expr *Ret = maskHelperReturn(CE->getDirectCallee())) {
        // A helper that computes a mask from its arguments in one return
        // (gfp_nested_mask(), a driver's own): evaluated with the
        // arguments' values, so its mask is no unknown.
        std::vector<MaskValues> Args;
        for (const Expr *A : CE->arguments())
          Args.push_back(evalMask(A, Depth + 1));
        InlinedHelper Saved = std::move(Inlined);
        Inlined = {CE->getDirectCallee(), std::move(Args)};
        for (const MaskValue &V : evalMask(Ret, Depth + 1))
          addMask(R, V);
        Inlined = std::move(Saved);
      }
    }
    if (R.empty())
      R.push_back(MaskValue::unknown());
    return R;
  }

  /// The returned expression of a mask helper: a function returning gfp_t
  /// whose body is that one return statement. Null otherwise, and for the
  /// helper being evaluated (a recursion).
  const Expr *maskHelperReturn(const FunctionDecl *FD) {
    const FunctionDecl *Def = nullptr;
    if (!FD || !FD->hasBody(Def) || !Def || Def == Inlined.Fn || Def->isVariadic() ||
        !isMaskType(Def->getReturnType()))
      return nullptr;
    const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
    if (!Body || Body->size() != 1)
      return nullptr;
    const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front());
    return Ret ? Ret->getRetValue() : nullptr;
  }

  std::string spellArgument(const Expr *E) {
    return spellExpression(E, SM, Ctx.getLangOpts());
  }

  /// The mask arguments of a call, by the callee's parameter types (its
  /// prototype for a call that names no function).
  void maskArguments(const CallExpr *CE, const FunctionDecl *Callee, QualType CalleeType,
                     llvm::StringRef CalleeKey, const SourcePos &Site) {
    const auto *Proto = CalleeType.isNull() ? nullptr : CalleeType->getAs<FunctionProtoType>();
    for (unsigned A = 0; A < CE->getNumArgs(); ++A) {
      QualType T;
      if (Callee && A < Callee->getNumParams())
        T = Callee->getParamDecl(A)->getType();
      else if (Proto && A < Proto->getNumParams())
        T = Proto->getParamType(A);
      else
        T = CE->getArg(A)->IgnoreImpCasts()->getType();
      if (!isMaskType(T))
        continue;
      std::string Spelling = spellArgument(CE->getArg(A));
      for (const MaskValue &V : evalMask(CE->getArg(A)))
        Out.MaskArguments.push_back(
            {Current, CalleeKey.str(), int64_t(A), V.encode(), Spelling, Site});
    }
  }

  // Bounds that keep a pathological body linear: values per local or
  // expression, passes over the locals, and expression depth.
  static constexpr unsigned MaxItems = 8, MaxPasses = 6, MaxDepth = 48;

  static std::string itemKey(const Item &I) {
    return encodePath(I.Sub) + "#" + I.Value.encode();
  }
  static void addItem(Items &Into, Item I) {
    if (Into.size() >= MaxItems)
      return;
    std::string K = itemKey(I);
    for (const Item &E : Into)
      if (itemKey(E) == K)
        return;
    Into.push_back(std::move(I));
  }

  /// A function type as signature matching compares it: canonical, without
  /// parameter names or qualifiers that do not change the call.
  std::string typeKey(QualType T) {
    T = T.getCanonicalType().getUnqualifiedType();
    if (const auto *FT = T->getAs<FunctionType>()) {
      auto It = TypeKeys.find(FT);
      if (It != TypeKeys.end())
        return It->second;
      std::string K = QualType(FT, 0).getAsString(Ctx.getPrintingPolicy());
      TypeKeys[FT] = K;
      return K;
    }
    return T.getAsString(Ctx.getPrintingPolicy());
  }

  /// A stack object's name: its function and its declaration's line, so
  /// that shadowing names in one function stay apart.
  std::string localObjectKey(const VarDecl *VD) {
    return Current + "#" + VD->getNameAsString() + ":" +
           std::to_string(SM.getExpansionLineNumber(VD->getLocation()));
  }

  std::string varKey(const VarDecl *VD) {
    if (VD->isExternallyVisible())
      return VD->getNameAsString();
    SourceLocation Loc = SM.getExpansionLoc(VD->getLocation());
    std::string Scope;
    if (const auto *Owner = dyn_cast<FunctionDecl>(VD->getDeclContext()))
      Scope = Owner->getNameAsString() + ".";
    OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
    return (FE ? keyFileName(*FE, SM, Portable) : std::string("<unknown>")) + ":" + Scope +
           VD->getNameAsString();
  }

  /// Whether a value of type T can lead to a function within a few fields:
  /// a function pointer, or a struct (or pointer to one) with such fields.
  /// Only such values become facts; an int or a lock never does.
  bool mayLeadToFunction(QualType T, unsigned Depth = 3) {
    for (unsigned Strip = 0; Strip < 4; ++Strip) {
      T = T.getCanonicalType();
      if (T->isFunctionType())
        return true;
      if (const auto *P = T->getAs<PointerType>())
        T = P->getPointeeType();
      else if (const ArrayType *A = T->getAsArrayTypeUnsafe())
        T = A->getElementType();
      else
        break;
    }
    const RecordDecl *RD = T->getAsRecordDecl();
    if (!RD || Depth == 0)
      return false;
    RD = RD->getDefinition();
    if (!RD)
      return false;
    auto Key = std::make_pair(RD, Depth);
    auto It = LeadsToFunction.find(Key);
    if (It != LeadsToFunction.end())
      return It->second;
    LeadsToFunction[Key] = false; // Recursive types.
    bool Result = false;
    for (const FieldDecl *F : RD->fields())
      if (mayLeadToFunction(F->getType(), Depth - 1)) {
        Result = true;
        break;
      }
    LeadsToFunction[Key] = Result;
    return Result;
  }

  static bool isNamedObjectPointer(QualType T) {
    const auto *P = T.getCanonicalType()->getAs<PointerType>();
    return P && P->getPointeeType()->isRecordType();
  }
  /// An argument naming where an object lives (a global, a parameter, a
  /// field of one or of a result), as a head is named.
  static bool namesAnObject(const Item &I) {
    if (!I.Sub.empty())
      return false;
    switch (I.Value.Kind) {
    case FlowValue::Base::Global:
    case FlowValue::Base::Param:  // A wrapper handing its head down.
    case FlowValue::Base::Return: // A head a function hands out.
      return true;
    case FlowValue::Base::Unknown:
      return !I.Value.Path.empty();
    case FlowValue::Base::Function:
      return false;
    }
    return false;
  }

  /// A local's definitions: `T x = E`, `x = E`, `x.f = E`, and each field of
  /// a braced initializer.
  void addLocalDefs(const VarDecl *VD, llvm::ArrayRef<std::string> Sub, const Expr *E) {
    if (!E)
      return;
    const Expr *Bare = withoutCompoundLiteral(E->IgnoreParenImpCasts());
    if (const auto *ILE = dyn_cast<InitListExpr>(Bare)) {
      if (!ILE->isSemanticForm() && ILE->getSemanticForm())
        ILE = ILE->getSemanticForm();
      if (Sub.size() >= FlowValue::MaxPath)
        return;
      forEachFieldInit(ILE, [&](const FieldDecl *F, const Expr *Init) {
        if (!mayLeadToFunction(F->getType()))
          return;
        llvm::SmallVector<std::string, 2> Deeper(Sub.begin(), Sub.end());
        Deeper.push_back(fieldKey(F, Portable));
        addLocalDefs(VD, Deeper, Init);
      });
      return;
    }
    // A `void *` local may hold anything, a function included: kernel code
    // erases types that way (private data, cookies).
    // So may a pointer to an object (a wait queue head chosen in a branch).
    bool Opaque = Sub.empty() && (VD->getType()->isVoidPointerType() ||
                                  isNamedObjectPointer(VD->getType()));
    if (!Opaque && !mayLeadToFunction(E->getType()))
      return;
    Fn->Defs[VD].push_back({llvm::SmallVector<std::string, 1>(Sub.begin(), Sub.end()), E});
  }

  /// The variable an lvalue writes into and the fields it goes through;
  /// Through says whether it writes through a pointer (`p->f`, `*p`).
  const VarDecl *lvalueBase(const Expr *E, llvm::SmallVectorImpl<std::string> &Fields,
                            bool &Through) {
    for (unsigned Depth = 0; Depth < MaxDepth; ++Depth) {
      E = E->IgnoreParenCasts();
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
        if (!F)
          return nullptr;
        Fields.insert(Fields.begin(), fieldKey(F, Portable));
        Through |= ME->isArrow();
        E = ME->getBase();
      } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
        E = AS->getBase();
      } else if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
        if (UO->getOpcode() != UO_Deref)
          return nullptr;
        Through = true;
        E = UO->getSubExpr();
      } else if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
        return dyn_cast<VarDecl>(DRE->getDecl());
      } else {
        return nullptr;
      }
    }
    return nullptr;
  }

  /// What E may evaluate to, in terms of the current function.
  Items eval(const Expr *E, unsigned Depth = 0) {
    Items R;
    if (!E || Depth > MaxDepth) {
      R.push_back({{}, FlowValue::unknown()});
      return R;
    }
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
        return eval(UO->getSubExpr(), Depth + 1);
    } else if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      R = eval(CO->getTrueExpr(), Depth + 1);
      for (Item &I : eval(CO->getFalseExpr(), Depth + 1))
        addItem(R, std::move(I));
      return R;
    } else if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Comma || BO->getOpcode() == BO_Assign)
        return eval(BO->getRHS(), Depth + 1);
      // Pointer arithmetic stays in its object (`table + hash(p)`).
      if (BO->getOpcode() == BO_Add || BO->getOpcode() == BO_Sub) {
        if (BO->getLHS()->getType()->isPointerType())
          return eval(BO->getLHS(), Depth + 1);
        if (BO->getRHS()->getType()->isPointerType())
          return eval(BO->getRHS(), Depth + 1);
      }
    } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      return eval(AS->getBase(), Depth + 1);
    } else if (const auto *SE = dyn_cast<StmtExpr>(E)) {
      // The kernel's accessor macros, ({ ...; value; }).
      if (const CompoundStmt *CS = SE->getSubStmt(); CS && !CS->body_empty())
        if (const auto *Last = dyn_cast<Expr>(CS->body_back()))
          return eval(Last, Depth + 1);
    } else if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const ValueDecl *D = DRE->getDecl();
      if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
        R.push_back({{}, FlowValue::function(key(FD))});
        return R;
      }
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        if (!VD->hasLocalStorage()) {
          R.push_back({{}, FlowValue::global(varKey(VD))});
          return R;
        }
        if (const auto *PVD = dyn_cast<ParmVarDecl>(VD))
          if (Fn && PVD->getDeclContext() == Fn->FD)
            R.push_back({{}, FlowValue::param(PVD->getFunctionScopeIndex(),
                                              PVD->getName())});
        // A struct on the stack is an object of its own: what callees
        // write into it through its address (init_wait_entry(&entry))
        // is what it holds.
        // (A struct the function fills itself is what its own
        // definitions say.)
        if (!isa<ParmVarDecl>(VD) && VD->getType()->isRecordType() && Fn &&
            !Fn->Defs.count(VD))
          R.push_back({{}, FlowValue::global(localObjectKey(VD))});
        if (Fn) {
          auto It = Fn->Contents.find(VD);
          if (It != Fn->Contents.end())
            for (const Item &I : It->second)
              addItem(R, I);
        }
        if (R.empty())
          R.push_back({{}, FlowValue::unknown()});
        return R;
      }
    } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!F) {
        R.push_back({{}, FlowValue::unknown()});
        return R;
      }
      std::string Field = fieldKey(F, Portable);
      for (Item &I : eval(ME->getBase(), Depth + 1)) {
        if (I.Sub.empty())
          addItem(R, {{}, I.Value.member(Field)});
        else if (I.Sub.front() == Field)
          addItem(R, {llvm::SmallVector<std::string, 1>(I.Sub.begin() + 1, I.Sub.end()),
                      std::move(I.Value)});
      }
      if (R.empty())
        R.push_back({{}, FlowValue::unknown().member(Field)});
      return R;
    } else if (const auto *CE = dyn_cast<CallExpr>(E)) {
      if (const FunctionDecl *Callee = CE->getDirectCallee(); Callee && !Callee->getBuiltinID()) {
        R.push_back({{}, FlowValue::returnOf(key(Callee))});
        return R;
      }
    }
    R.push_back({{}, FlowValue::unknown()});
    return R;
  }

  /// What locals hold, flow-insensitively: every definition's values, until
  /// no local gains one (bounded: a value chain longer than the bound keeps
  /// what it has, which only loses precision to the fallbacks).
  void computeLocals() {
    for (unsigned Pass = 0; Pass < MaxPasses; ++Pass) {
      bool Changed = false;
      for (auto &[VD, Defs] : Fn->Defs) {
        Items New;
        for (const LocalDef &D : Defs)
          for (Item &I : eval(D.E)) {
            if (I.Value.isUnknown() && I.Sub.empty() && !D.Sub.empty())
              continue;
            llvm::SmallVector<std::string, 1> Sub(D.Sub.begin(), D.Sub.end());
            Sub.append(I.Sub.begin(), I.Sub.end());
            if (Sub.size() > FlowValue::MaxPath)
              continue;
            addItem(New, {std::move(Sub), std::move(I.Value)});
          }
        Items &Old = Fn->Contents[VD];
        if (New.size() != Old.size() ||
            !std::equal(New.begin(), New.end(), Old.begin(), [](const Item &A, const Item &B) {
              return itemKey(A) == itemKey(B);
            })) {
          Old = std::move(New);
          Changed = true;
        }
      }
      if (!Changed)
        return;
    }
  }

  static bool worthAFact(const FlowValue &V) {
    return !V.isUnknown();
  }

  void finishFunction() {
    for (const BinaryOperator *BO : Fn->Assigns) {
      llvm::SmallVector<std::string, 2> Fields;
      bool Through = false;
      const VarDecl *Base = lvalueBase(BO->getLHS(), Fields, Through);
      if (Base && Base->hasLocalStorage() && !isa<ParmVarDecl>(Base) && !Through &&
          Fields.size() <= FlowValue::MaxPath)
        addLocalDefs(Base, Fields, BO->getRHS());
      else if (Base && isa<ParmVarDecl>(Base) && Fields.empty() && !Through)
        addLocalDefs(Base, {}, BO->getRHS()); // A parameter reassigned.
    }
    computeLocals();

    for (const CallExpr *CE : Fn->Calls) {
      SourcePos Site = site(CE->getBeginLoc());
      if (const FunctionDecl *Callee = CE->getDirectCallee()) {
        std::string CalleeKey = key(Callee);
        Out.Calls.push_back({Current, CalleeKey, Callee->getNameAsString(), Site});
        maskArguments(CE, Callee, QualType(), CalleeKey, Site);
        for (unsigned A = 0; A < CE->getNumArgs(); ++A) {
          const Expr *Arg = CE->getArg(A);
          bool Leads = mayLeadToFunction(Arg->getType());
          // A pointer to an object that holds no function may still be a
          // registry's head (a wait queue, a list): what it names is kept,
          // so that registrations and calls on it meet.
          if (!Leads && !isNamedObjectPointer(Arg->getType()))
            continue;
          for (const Item &I : eval(Arg))
            if (Leads || namesAnObject(I))
              Out.Arguments.push_back({Current, CalleeKey, Callee->getNameAsString(), A,
                                       encodePath(I.Sub), I.Value.encode(), Site});
        }
        continue;
      }
      const Expr *CalleeExpr = CE->getCallee()->IgnoreParenImpCasts();
      if (const auto *Deref = dyn_cast<UnaryOperator>(CalleeExpr))
        if (Deref->getOpcode() == UO_Deref)
          CalleeExpr = Deref->getSubExpr()->IgnoreParenImpCasts();
      SourcePos CalleeSite = Site;
      if (const auto *ME = dyn_cast<MemberExpr>(CalleeExpr))
        CalleeSite = site(ME->getMemberLoc());
      QualType CalleeType = CE->getCallee()->getType();
      if (const auto *P = CalleeType->getAs<PointerType>())
        CalleeType = P->getPointeeType();
      Out.CallTypes.push_back({Current, typeKey(CalleeType), CalleeSite});
      maskArguments(CE, nullptr, CalleeType, "", CalleeSite);
      bool Any = false;
      for (const Item &I : eval(CalleeExpr)) {
        if (!I.Sub.empty())
          continue;
        const FlowValue &V = I.Value;
        switch (V.Kind) {
        case FlowValue::Base::Function:
          Out.Calls.push_back({Current, V.Name, V.spell(), Site});
          Any = true;
          break;
        case FlowValue::Base::Param:
        case FlowValue::Base::Global:
        case FlowValue::Base::Return:
          Out.ValueCalls.push_back({Current, V.encode(), CalleeSite});
          Any = true;
          break;
        case FlowValue::Base::Unknown:
          if (!V.Path.empty()) {
            Out.IndirectCalls.push_back({Current, V.Path.back(), CalleeSite});
            Any = true;
          }
          break;
        }
      }
      if (!Any)
        ++Out.UnresolvedIndirectCalls;
    }

    QualType Ret = Fn->FD->getReturnType();
    bool RetLeads = mayLeadToFunction(Ret);
    if (RetLeads || isNamedObjectPointer(Ret))
      for (const ReturnStmt *RS : Fn->Returns)
        for (const Item &I : eval(RS->getRetValue()))
          if (I.Sub.empty() && worthAFact(I.Value) && (RetLeads || namesAnObject(I)))
            Out.Returns.push_back({Current, I.Value.encode(), site(RS->getBeginLoc())});

    // Writes into memory that outlives the call: through a parameter, into
    // a global, or into an object only its type names.
    for (const BinaryOperator *BO : Fn->Assigns) {
      llvm::SmallVector<std::string, 2> Fields;
      bool Through = false;
      const VarDecl *Base = lvalueBase(BO->getLHS(), Fields, Through);
      if (Base && Base->hasLocalStorage() && !Through)
        continue;
      if (!mayLeadToFunction(BO->getRHS()->getType()))
        continue;
      // A struct assigned whole from a braced literal, through a pointer:
      // each field it sets is a write of its own.
      if (isa<InitListExpr>(withoutCompoundLiteral(BO->getRHS()->IgnoreParenImpCasts()))) {
        for (const Item &T : eval(BO->getLHS()))
          if (T.Sub.empty())
            initAssigns(T.Value, BO->getRHS(), 0);
        continue;
      }
      if (Fields.empty() && Base && Base->hasLocalStorage())
        continue;
      Items Values = eval(BO->getRHS());
      llvm::erase_if(Values, [](const Item &I) { return !I.Sub.empty(); });
      // The value's position, as the store facts have it.
      SourcePos Site = site(BO->getRHS()->getBeginLoc());
      for (const Item &T : eval(BO->getLHS())) {
        if (!T.Sub.empty() || T.Value.Kind == FlowValue::Base::Function ||
            T.Value.isUnknown())
          continue;
        // That something unknown went into a global or a parameter's object
        // is a fact too: a call through that place then falls back to its
        // type. Into an object only its type names, it adds nothing.
        bool Named = T.Value.Kind == FlowValue::Base::Global || T.Value.isParam();
        for (const Item &V : Values)
          if (Named || worthAFact(V.Value))
            Out.Assigns.push_back({Current, T.Value.encode(), V.Value.encode(), Site});
      }
    }
  }

  /// A global's braced initializer, field by field.
  /// A braced initializer, field by field: a global's (at file scope, into
  /// GlobalInits), or one assigned whole in a function (`*p = (struct s){
  /// .func = f }`, into Assigns).
  void initAssigns(const FlowValue &Target, const Expr *Init, unsigned Depth) {
    if (!Init || Depth > FlowValue::MaxPath)
      return;
    const Expr *Bare = withoutCompoundLiteral(Init->IgnoreParenImpCasts());
    if (const auto *ILE = dyn_cast<InitListExpr>(Bare)) {
      if (!ILE->isSemanticForm() && ILE->getSemanticForm())
        ILE = ILE->getSemanticForm();
      bool Record = forEachFieldInit(ILE, [&](const FieldDecl *F, const Expr *E) {
        if (mayLeadToFunction(F->getType()))
          initAssigns(Target.member(fieldKey(F, Portable)), E, Depth + 1);
      });
      if (!Record) // An array: each element is the same place to the value flow.
        for (const Expr *E : ILE->inits())
          initAssigns(Target, E, Depth + 1);
      return;
    }
    if (Current.empty()) {
      if (Target.Kind != FlowValue::Base::Global)
        return; // Too deep to name.
      for (const Item &I : eval(Init))
        if (I.Sub.empty() && (I.Value.Kind == FlowValue::Base::Function ||
                              I.Value.Kind == FlowValue::Base::Global))
          Out.GlobalInits.push_back({Current, Target.encode(), I.Value.encode(),
                                     site(Init->getBeginLoc())});
      return;
    }
    if (Target.isUnknown() || Target.Kind == FlowValue::Base::Function)
      return;
    for (const Item &I : eval(Init))
      if (I.Sub.empty() && (I.Value.Kind == FlowValue::Base::Function ||
                            I.Value.Kind == FlowValue::Base::Global || I.Value.isParam()))
        Out.Assigns.push_back({Current, Target.encode(), I.Value.encode(),
                               site(Init->getBeginLoc())});
  }

  static const Expr *withoutCompoundLiteral(const Expr *E) {
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E))
      return CL->getInitializer()->IgnoreParenImpCasts();
    return E;
  }

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
    if (forEachFieldInit(ILE, [&](const FieldDecl *F, const Expr *E) { walkInit(F, E); }))
      return;
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
      Out.Stores.push_back({Current, fieldKey(Field, Portable), key(Target),
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
    std::string K = functionKey(FD, SM, Portable);
    Keys[FD->getCanonicalDecl()] = K;
    return K;
  }

  /// Where a call or store happens. The per-TU front ends defer resolving it
  /// to file:line:col until a finding needs it: in macro-heavy kernel code the
  /// lookups cost more than everything else kreach does in a TU.
  SourcePos site(SourceLocation Loc) {
    if (ResolveSites)
      return pos(Loc);
    // Line and column without the file cost no file lookup and keep the
    // source order of a body's calls (the rules' sections need it).
    SourcePos P;
    P.RawLoc = Loc.getRawEncoding();
    std::pair<FileID, unsigned> Decomposed = SM.getDecomposedLoc(SM.getFileLoc(Loc));
    if (Decomposed.first.isValid()) {
      P.Line = SM.getLineNumber(Decomposed.first, Decomposed.second);
      P.Column = SM.getColumnNumber(Decomposed.first, Decomposed.second);
    }
    return P;
  }

  SourcePos pos(SourceLocation Loc) {
    SourcePos P;
    // Where clang's own diagnostics point: a macro argument where it is
    // written, the rest of a macro where it is expanded; the per-TU front
    // ends report through clang and so agree.
    Loc = SM.getFileLoc(Loc);
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
  const PathMapper &Portable;
  bool ResolveSites;
  std::string Current;
  SourceLocation MainStart, MainEnd;
  // Header functions still to walk, and every one ever queued.
  llvm::SmallVector<FunctionDecl *, 64> Pending;
  llvm::SmallPtrSet<const FunctionDecl *, 32> Used;
  llvm::SmallPtrSet<const VarDecl *, 4> MaskVisiting; ///< Mask locals being evaluated.
  /// The mask helper whose return evalMask is in, and its arguments.
  struct InlinedHelper {
    const FunctionDecl *Fn = nullptr;
    std::vector<MaskValues> Args;
  } Inlined;
  llvm::SmallPtrSet<const InitListExpr *, 32> Walked;
  llvm::DenseMap<const Decl *, std::string> Keys;
  FunctionState *Fn = nullptr;
  llvm::DenseMap<const FunctionType *, std::string> TypeKeys;
  llvm::DenseMap<std::pair<const RecordDecl *, unsigned>, bool> LeadsToFunction;
  llvm::DenseMap<FileID, std::string> Files;
};

} // namespace

TUFacts collectFacts(ASTContext &Ctx, const PathMapper &Portable, bool ResolveSites) {
  TUFacts Out;
  const SourceManager &SM = Ctx.getSourceManager();
  if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
    Out.MainFile = fileNameOf(*Main, SM);
  // Only functions and file-scope initializers hold calls and stores; the
  // thousands of header records, enums and typedefs of a kernel TU hold
  // neither, so they are not walked at all.
  FactsVisitor Visitor(Ctx, Out, Portable, ResolveSites);
  llvm::SmallVector<DeclContext *, 4> Contexts = {Ctx.getTranslationUnitDecl()};
  while (!Contexts.empty()) {
    DeclContext *DC = Contexts.pop_back_val();
    for (Decl *D : DC->decls()) {
      if (auto *FD = dyn_cast<FunctionDecl>(D))
        Visitor.TraverseFunctionDecl(FD);
      else if (auto *VD = dyn_cast<VarDecl>(D)) {
        if (VD->hasInit()) {
          Visitor.TraverseStmt(VD->getInit());
          Visitor.globalInit(VD);
        }
      } else if (auto *LS = dyn_cast<LinkageSpecDecl>(D))
        Contexts.push_back(LS); // extern "C" blocks of C++ TUs.
    }
  }
  Visitor.drainPending();
  // The content is hashed from the buffers the parse read, not from the
  // files afterwards: a header edited during the parse must not stamp facts
  // made from its old text with its new one.
  std::vector<std::pair<std::string, uint64_t>> Read;
  for (auto It = SM.fileinfo_begin(), End = SM.fileinfo_end(); It != End; ++It) {
    std::optional<llvm::MemoryBufferRef> Buffer = It->second->getBufferIfLoaded();
    std::string Name = fileNameOf(It->first, SM);
    uint64_t Content;
    if (Buffer)
      Content = contentHash(Buffer->getBuffer());
    else
      Content = stampFile(Name).Content; // Looked up, never entered.
    Read.emplace_back(std::move(Name), Content);
  }
  llvm::sort(Read);
  Read.erase(std::unique(Read.begin(), Read.end(),
                         [](const auto &A, const auto &B) { return A.first == B.first; }),
             Read.end());
  for (auto &[Name, Content] : Read) {
    Out.Inputs.push_back(std::move(Name));
    Out.InputContent.push_back(Content);
  }
  return Out;
}

} // namespace kreach
