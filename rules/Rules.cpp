//===- Rules.cpp - Loading and validating lock rules ----------------------===//
//
// Part of lockgraph, a static lock-ordering analyzer for the Linux kernel.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Loads the YAML rules files described in docs/rules.md. The files are read
/// with the llvm::yaml node API (YAMLParser.h) rather than YAMLTraits:
/// walking the nodes gives the exact line of every key and value, so each
/// error reads "FILE:LINE: key 'KEY': what is wrong", and unknown keys are
/// rejected instead of silently ignored.
///
/// A file is read twice: the first pass only scans it, so a YAML syntax error
/// is reported as "FILE:LINE: message" before any rule is looked at; the
/// second pass validates the rules into a ParsedFile. Includes are loaded
/// next, then the file's own rules are merged into the RuleSet, so a file can
/// override a function declared by a file it includes.
///
//===----------------------------------------------------------------------===//

#include "rules/Rules.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include <algorithm>
#include <climits>

#ifndef LOCKGRAPH_RULES_DIR
#define LOCKGRAPH_RULES_DIR "rules/kernel"
#endif

using namespace llvm;

namespace lockgraph::rules {

namespace {

constexpr StringLiteral FlavorNames[] = {
    "spin",    "mutex",   "rwsem",  "rwlock", "percpu-rwsem",
    "seqlock", "bitlock", "pseudo", "region", "context"};

constexpr StringLiteral TopKeys[] = {"family",   "include", "lock_types",
                                     "ignore",   "opaque",  "internal",
                                     "aliases",  "apis",    "names",
                                     "forbid",   "orders"};
constexpr StringLiteral ApiKeys[] = {
    "function",     "action",   "arg",      "lock",   "mode",    "read_arg",
    "subclass_arg", "try_arg",  "flavor",   "irq",    "success", "tags",
    "unless_held",  "override", "blocking", "if_arg", "if_mask", "nest_arg"};
constexpr StringLiteral NameKeys[] = {
    "function", "arg",     "name_arg",       "subclass_arg",
    "nests",    "key_arg", "no_validate_key", "override"};
constexpr StringLiteral ForbidKeys[] = {"name", "message", "outer", "inner"};
constexpr StringLiteral SelectorKeys[] = {"locks", "flavors", "tags"};
constexpr StringLiteral OrderKeys[] = {"name", "before", "after", "message"};

/// A string from a list, with the node it came from (for error lines).
struct Item {
  std::string Value;
  const yaml::Node *N;
};

struct ApiEntry {
  Api A;
  bool Override = false;
  /// Line of the `function` key: duplicate errors point there.
  unsigned FunctionLine = 0;
};

struct NameEntry {
  NameApi N;
  bool Override = false;
  unsigned FunctionLine = 0;
};

/// Everything one file declares, validated but not yet merged.
struct ParsedFile {
  std::string Family;
  std::vector<std::pair<std::string, unsigned>> Includes;
  std::vector<std::string> LockTypes;
  std::vector<std::string> Ignored;
  std::vector<std::string> Opaque;
  std::vector<std::string> Internal;
  std::vector<std::pair<std::string, std::string>> Aliases;
  std::vector<ApiEntry> Apis;
  std::vector<NameEntry> Names;
  std::vector<ForbiddenNesting> Nestings;
  std::vector<Order> Orders;
};

using KeyFn =
    function_ref<Error(StringRef Key, yaml::Node *KeyNode, yaml::Node *Value)>;

/// Walks the nodes of one file. Every error it makes names File and a line.
class FileParser {
public:
  FileParser(StringRef File, SourceMgr &SM) : File(File), SM(SM) {}

  Expected<ParsedFile> parse(yaml::Node *Root);

private:
  std::string File;
  SourceMgr &SM;

  unsigned line(const yaml::Node *N) const {
    if (!N)
      return 1;
    SMLoc L = N->getSourceRange().Start;
    if (!L.isValid())
      return 1;
    return SM.getLineAndColumn(L).first;
  }

  /// The line of a value, or of its key when the value is empty.
  unsigned valueLine(const yaml::Node *KeyNode, const yaml::Node *V) const {
    if (!V || isa<yaml::NullNode>(V))
      return line(KeyNode);
    return line(V);
  }

  /// True for an empty value and for plain `~`/`null`, where a list or a
  /// mapping is expected (YAMLParser leaves those as scalars).
  static bool isNull(const yaml::Node *V) {
    if (!V || isa<yaml::NullNode>(V))
      return true;
    auto *S = dyn_cast<yaml::ScalarNode>(V);
    if (!S)
      return false;
    StringRef Raw = S->getRawValue();
    return Raw == "~" || Raw == "null" || Raw == "Null" || Raw == "NULL";
  }

  Error err(unsigned Line, StringRef Key, const Twine &Msg) const {
    return createStringError(inconvertibleErrorCode(),
                             File + ":" + Twine(Line) + ": key '" + Key +
                                 "': " + Msg);
  }

  Error errNoKey(unsigned Line, const Twine &Msg) const {
    return createStringError(inconvertibleErrorCode(),
                             File + ":" + Twine(Line) + ": " + Msg);
  }

  /// Rejects aliases (`*name`), which YAMLParser does not resolve. An alias
  /// node's own location is the token after it, so the error points at
  /// Where (the key or list holding it).
  Error checkNotAlias(StringRef Key, const yaml::Node *Where,
                      yaml::Node *V) const {
    if (V && isa<yaml::AliasNode>(V))
      return err(line(Where), Key, "YAML aliases (*name) are not supported");
    return Error::success();
  }

  Error walk(yaml::MappingNode *M, ArrayRef<StringLiteral> Allowed,
             StringRef What, KeyFn Fn);

  Expected<std::string> str(StringRef Key, yaml::Node *KeyNode, yaml::Node *V,
                            bool AllowEmpty = false);
  Expected<int> index(StringRef Key, yaml::Node *KeyNode, yaml::Node *V);
  Expected<bool> boolean(StringRef Key, yaml::Node *KeyNode, yaml::Node *V);
  Expected<std::vector<Item>> strList(StringRef Key, yaml::Node *KeyNode,
                                      yaml::Node *V);
  /// Calls Fn on each mapping of the list V. The parser is lazy: an entry
  /// must be read before the list iterator moves past it.
  Error forEachEntry(StringRef Key, yaml::Node *KeyNode, yaml::Node *V,
                     ArrayRef<StringLiteral> EntryKeys,
                     function_ref<Error(yaml::MappingNode *)> Fn);

  /// Parses each entry of the list V with Parse and appends it to Out.
  template <typename T>
  Error parseEntries(StringRef Key, yaml::Node *KeyNode, yaml::Node *V,
                     ArrayRef<StringLiteral> EntryKeys,
                     Expected<T> (FileParser::*Parse)(yaml::MappingNode *),
                     std::vector<T> &Out) {
    return forEachEntry(Key, KeyNode, V, EntryKeys,
                        [&](yaml::MappingNode *M) -> Error {
                          Expected<T> Entry = (this->*Parse)(M);
                          if (!Entry)
                            return Entry.takeError();
                          Out.push_back(std::move(*Entry));
                          return Error::success();
                        });
  }

  Error flavor(StringRef Key, const Item &F) const;

  Expected<ApiEntry> parseApi(yaml::MappingNode *M);
  Expected<NameEntry> parseName(yaml::MappingNode *M);
  Expected<Selector> parseSelector(StringRef Key, yaml::Node *KeyNode,
                                   yaml::Node *V);
  Expected<ForbiddenNesting> parseForbid(yaml::MappingNode *M);
  Expected<Order> parseOrder(yaml::MappingNode *M);
  Error parseAliases(yaml::Node *KeyNode, yaml::Node *V, ParsedFile &P);
};

Error FileParser::walk(yaml::MappingNode *M, ArrayRef<StringLiteral> Allowed,
                       StringRef What, KeyFn Fn) {
  StringSet<> Seen;
  for (yaml::KeyValueNode &KV : *M) {
    yaml::Node *K = KV.getKey();
    auto *KS = dyn_cast_or_null<yaml::ScalarNode>(K);
    if (!KS)
      return errNoKey(line(K ? K : &KV), "expected a plain string key");
    SmallString<32> Storage;
    std::string Key = KS->getValue(Storage).str();
    if (!is_contained(Allowed, Key))
      return err(line(KS), Key,
                 "unknown " + What + " (expected " + join(Allowed, ", ") + ")");
    if (!Seen.insert(Key).second)
      return err(line(KS), Key, "duplicate key");
    yaml::Node *V = KV.getValue();
    if (Error E = checkNotAlias(Key, KS, V))
      return E;
    if (Error E = Fn(Key, KS, V))
      return E;
  }
  return Error::success();
}

Expected<std::string> FileParser::str(StringRef Key, yaml::Node *KeyNode,
                                      yaml::Node *V, bool AllowEmpty) {
  std::string S;
  if (auto *SN = dyn_cast_or_null<yaml::ScalarNode>(V)) {
    SmallString<64> Storage;
    S = SN->getValue(Storage).str();
  } else if (auto *BN = dyn_cast_or_null<yaml::BlockScalarNode>(V)) {
    S = BN->getValue().str();
  } else {
    return err(line(KeyNode), Key, "expected a string");
  }
  if (S.empty() && !AllowEmpty)
    return err(valueLine(KeyNode, V), Key, "must not be empty");
  return S;
}

Expected<int> FileParser::index(StringRef Key, yaml::Node *KeyNode,
                                yaml::Node *V) {
  if (!isa_and_nonnull<yaml::ScalarNode>(V))
    return err(line(KeyNode), Key, "expected a non-negative integer");
  Expected<std::string> S = str(Key, KeyNode, V, /*AllowEmpty=*/true);
  if (!S)
    return S.takeError();
  long long N = 0;
  if (StringRef(*S).getAsInteger(10, N))
    return err(line(V), Key,
               "expected a non-negative integer, got '" + *S + "'");
  if (N < 0)
    return err(line(V), Key, "index must be non-negative, got " + *S);
  if (N > INT_MAX)
    return err(line(V), Key, "index too large: " + *S);
  return static_cast<int>(N);
}

Expected<bool> FileParser::boolean(StringRef Key, yaml::Node *KeyNode,
                                   yaml::Node *V) {
  if (!isa_and_nonnull<yaml::ScalarNode>(V))
    return err(line(KeyNode), Key, "expected true or false");
  Expected<std::string> S = str(Key, KeyNode, V, /*AllowEmpty=*/true);
  if (!S)
    return S.takeError();
  if (StringRef(*S).equals_insensitive("true"))
    return true;
  if (StringRef(*S).equals_insensitive("false"))
    return false;
  return err(line(V), Key, "expected true or false, got '" + *S + "'");
}

Expected<std::vector<Item>>
FileParser::strList(StringRef Key, yaml::Node *KeyNode, yaml::Node *V) {
  std::vector<Item> Out;
  if (isNull(V))
    return Out;
  if (isa<yaml::ScalarNode>(V)) {
    Expected<std::string> S = str(Key, KeyNode, V);
    if (!S)
      return S.takeError();
    Out.push_back({std::move(*S), V});
    return Out;
  }
  auto *Seq = dyn_cast<yaml::SequenceNode>(V);
  if (!Seq)
    return err(line(KeyNode), Key, "expected a list of strings");
  for (yaml::Node &El : *Seq) {
    if (Error E = checkNotAlias(Key, KeyNode, &El))
      return E;
    auto *SN = dyn_cast<yaml::ScalarNode>(&El);
    if (!SN)
      return err(line(&El), Key, "expected a list of strings");
    SmallString<64> Storage;
    std::string S = SN->getValue(Storage).str();
    if (S.empty())
      return err(line(&El), Key, "empty string in list");
    Out.push_back({std::move(S), &El});
  }
  return Out;
}

Error FileParser::forEachEntry(StringRef Key, yaml::Node *KeyNode,
                               yaml::Node *V, ArrayRef<StringLiteral> EntryKeys,
                               function_ref<Error(yaml::MappingNode *)> Fn) {
  if (isNull(V))
    return Error::success();
  auto *Seq = dyn_cast<yaml::SequenceNode>(V);
  if (!Seq)
    return err(line(KeyNode), Key,
               "expected a list of mappings with keys " +
                   join(EntryKeys, ", "));
  for (yaml::Node &El : *Seq) {
    if (Error E = checkNotAlias(Key, KeyNode, &El))
      return E;
    auto *M = dyn_cast<yaml::MappingNode>(&El);
    if (!M)
      return err(line(&El), Key,
                 "expected a mapping with keys " + join(EntryKeys, ", "));
    if (Error E = Fn(M))
      return E;
  }
  return Error::success();
}

Error FileParser::flavor(StringRef Key, const Item &F) const {
  if (is_contained(FlavorNames, F.Value))
    return Error::success();
  return err(line(F.N), Key,
             "unknown flavor '" + F.Value + "' (expected " +
                 join(ArrayRef<StringLiteral>(FlavorNames), ", ") + ")");
}

Expected<ApiEntry> FileParser::parseApi(yaml::MappingNode *M) {
  ApiEntry Out;
  Api &A = Out.A;
  A.File = File;
  A.Line = line(M);
  bool HasFunction = false, HasAction = false, HasArg = false, HasLock = false,
       HasFlavor = false, HasSuccess = false;
  unsigned SuccessLine = 0, BlockingLine = 0;

  Error E = walk(
      M, ApiKeys, "key in 'apis' entry",
      [&](StringRef Key, yaml::Node *K, yaml::Node *V) -> Error {
        if (Key == "function") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          A.Function = std::move(*S);
          Out.FunctionLine = line(K);
          HasFunction = true;
        } else if (Key == "action") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          std::optional<Action> Act = parseAction(*S);
          if (!Act)
            return err(line(V), Key,
                       "unknown action '" + *S +
                           "' (expected acquire, release, try, touch)");
          A.Act = *Act;
          HasAction = true;
        } else if (Key == "if_mask") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          uint64_t M = 0;
          if (StringRef(*S).getAsInteger(0, M) || M == 0)
            return err(line(V), Key,
                       "expected a non-zero integer mask (e.g. 0x480)");
          A.IfMask = M;
        } else if (Key == "arg" || Key == "read_arg" || Key == "subclass_arg" ||
                   Key == "try_arg" || Key == "if_arg" || Key == "nest_arg") {
          Expected<int> I = index(Key, K, V);
          if (!I)
            return I.takeError();
          if (Key == "arg") {
            if (HasLock)
              return err(line(K), Key,
                         "'arg' and 'lock' are mutually exclusive (give "
                         "exactly one)");
            A.Arg = *I;
            HasArg = true;
          } else if (Key == "read_arg") {
            A.ReadArg = *I;
          } else if (Key == "subclass_arg") {
            A.SubclassArg = *I;
          } else if (Key == "if_arg") {
            A.IfArg = *I;
          } else if (Key == "nest_arg") {
            A.NestArg = *I;
          } else {
            A.TryArg = *I;
          }
        } else if (Key == "lock") {
          if (HasArg)
            return err(line(K), Key,
                       "'arg' and 'lock' are mutually exclusive (give "
                       "exactly one)");
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          A.Lock = std::move(*S);
          HasLock = true;
        } else if (Key == "mode") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          std::optional<Mode> Md = parseMode(*S);
          if (!Md)
            return err(line(V), Key,
                       "unknown mode '" + *S +
                           "' (expected exclusive, shared, recursive-read)");
          A.M = *Md;
        } else if (Key == "flavor") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          if (Error FE = flavor(Key, Item{*S, V}))
            return FE;
          A.Flavor = std::move(*S);
          HasFlavor = true;
        } else if (Key == "irq") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          std::optional<Irq> I = parseIrq(*S);
          if (!I)
            return err(line(V), Key,
                       "unknown irq '" + *S +
                           "' (expected none, disable, save, bh)");
          A.IrqState = *I;
        } else if (Key == "success") {
          Expected<std::string> S = str(Key, K, V);
          if (!S)
            return S.takeError();
          StringRef SV = *S;
          if (SV.equals_insensitive("true") || SV == "nonzero" ||
              SV == "nonnull") {
            A.SuccessNonzero = true;
          } else if (SV.equals_insensitive("false") || SV == "0" ||
                     SV.equals_insensitive("null")) {
            A.SuccessNonzero = false;
          } else {
            return err(line(V), Key,
                       "unknown success value '" + *S +
                           "' (expected true, nonzero, nonnull, false, 0, "
                           "NULL)");
          }
          HasSuccess = true;
          SuccessLine = line(K);
        } else if (Key == "tags" || Key == "unless_held") {
          Expected<std::vector<Item>> L = strList(Key, K, V);
          if (!L)
            return L.takeError();
          std::vector<std::string> &Dst = Key == "tags" ? A.Tags : A.UnlessHeld;
          for (Item &I : *L)
            Dst.push_back(std::move(I.Value));
        } else if (Key == "override") {
          Expected<bool> B = boolean(Key, K, V);
          if (!B)
            return B.takeError();
          Out.Override = *B;
        } else if (Key == "blocking") {
          Expected<bool> B = boolean(Key, K, V);
          if (!B)
            return B.takeError();
          A.Blocking = *B;
          BlockingLine = line(K);
        }
        return Error::success();
      });
  if (E)
    return E;

  if (!HasFunction)
    return err(A.Line, "function", "missing required key");
  if (!HasAction)
    return err(A.Line, "action", "missing required key");
  if (!HasArg && !HasLock)
    return err(A.Line, "arg", "missing required key (give 'arg' or 'lock')");
  StringRef ActName = actionName(A.Act);
  if (A.Act == Action::Try && !HasSuccess)
    return err(A.Line, "success", "missing required key for action 'try'");
  if (A.Act != Action::Try && HasSuccess)
    return err(SuccessLine, "success",
               "only allowed with action 'try' (action is '" + ActName + "')");
  if ((A.IfArg >= 0) != (A.IfMask != 0))
    return err(A.Line, A.IfArg >= 0 ? "if_mask" : "if_arg",
               "'if_arg' and 'if_mask' go together");
  if (A.Blocking && A.Act != Action::Try)
    return err(BlockingLine, "blocking",
               "only allowed with action 'try' (action is '" + ActName + "')");
  if (A.Act != Action::Release && !HasFlavor)
    return err(A.Line, "flavor",
               "missing required key for action '" + ActName + "'");
  if (!HasSuccess)
    A.SuccessNonzero = true;
  return Out;
}

Expected<NameEntry> FileParser::parseName(yaml::MappingNode *M) {
  NameEntry Out;
  NameApi &N = Out.N;
  N.File = File;
  N.Line = line(M);
  bool HasFunction = false;
  Error E = walk(M, NameKeys, "key in 'names' entry",
                 [&](StringRef Key, yaml::Node *K, yaml::Node *V) -> Error {
                   if (Key == "function" || Key == "no_validate_key") {
                     Expected<std::string> S = str(Key, K, V);
                     if (!S)
                       return S.takeError();
                     if (Key == "no_validate_key") {
                       N.NoValidateKey = std::move(*S);
                       return Error::success();
                     }
                     N.Function = std::move(*S);
                     Out.FunctionLine = line(K);
                     HasFunction = true;
                   } else if (Key == "override" || Key == "nests") {
                     Expected<bool> B = boolean(Key, K, V);
                     if (!B)
                       return B.takeError();
                     (Key == "override" ? Out.Override : N.Nests) = *B;
                   } else if (Key == "name_arg" &&
                              isa_and_nonnull<yaml::ScalarNode>(V) &&
                              cast<yaml::ScalarNode>(V)->getRawValue() ==
                                  "none") {
                     N.NameArg = -1;
                   } else {
                     Expected<int> I = index(Key, K, V);
                     if (!I)
                       return I.takeError();
                     (Key == "arg"        ? N.Arg
                      : Key == "name_arg" ? N.NameArg
                      : Key == "key_arg"  ? N.KeyArg
                                          : N.SubclassArg) = *I;
                   }
                   return Error::success();
                 });
  if (E)
    return E;
  if (!HasFunction)
    return err(N.Line, "function", "missing required key");
  if (N.KeyArg < 0 && !N.NoValidateKey.empty())
    return err(N.Line, "no_validate_key", "needs 'key_arg'");
  return Out;
}

Expected<Selector> FileParser::parseSelector(StringRef Key, yaml::Node *KeyNode,
                                             yaml::Node *V) {
  Selector Sel;
  auto *M = dyn_cast_or_null<yaml::MappingNode>(V);
  if (!M)
    return err(line(KeyNode), Key,
               "expected a mapping with keys locks, flavors, tags");
  Error E = walk(M, SelectorKeys, ("key in '" + Key + "'").str(),
                 [&](StringRef SK, yaml::Node *K, yaml::Node *SV) -> Error {
                   Expected<std::vector<Item>> L = strList(SK, K, SV);
                   if (!L)
                     return L.takeError();
                   std::vector<std::string> *Dst = &Sel.Locks;
                   if (SK == "flavors")
                     Dst = &Sel.Flavors;
                   else if (SK == "tags")
                     Dst = &Sel.Tags;
                   for (Item &I : *L) {
                     if (SK == "flavors")
                       if (Error FE = flavor(SK, I))
                         return FE;
                     Dst->push_back(std::move(I.Value));
                   }
                   return Error::success();
                 });
  if (E)
    return E;
  if (Sel.Locks.empty() && Sel.Flavors.empty() && Sel.Tags.empty())
    return err(line(KeyNode), Key,
               "at least one of locks, flavors, tags must be non-empty");
  return Sel;
}

Expected<ForbiddenNesting> FileParser::parseForbid(yaml::MappingNode *M) {
  ForbiddenNesting F;
  F.File = File;
  F.Line = line(M);
  bool HasName = false, HasOuter = false, HasInner = false;
  Error E = walk(M, ForbidKeys, "key in 'forbid' entry",
                 [&](StringRef Key, yaml::Node *K, yaml::Node *V) -> Error {
                   if (Key == "name" || Key == "message") {
                     Expected<std::string> S = str(Key, K, V);
                     if (!S)
                       return S.takeError();
                     (Key == "name" ? F.Name : F.Message) = std::move(*S);
                     HasName |= Key == "name";
                     return Error::success();
                   }
                   Expected<Selector> Sel = parseSelector(Key, K, V);
                   if (!Sel)
                     return Sel.takeError();
                   (Key == "outer" ? F.Outer : F.Inner) = std::move(*Sel);
                   (Key == "outer" ? HasOuter : HasInner) = true;
                   return Error::success();
                 });
  if (E)
    return E;
  if (!HasName)
    return err(F.Line, "name", "missing required key");
  if (!HasOuter)
    return err(F.Line, "outer", "missing required key");
  if (!HasInner)
    return err(F.Line, "inner", "missing required key");
  if (F.Message.empty())
    F.Message = F.Name;
  return F;
}

Expected<Order> FileParser::parseOrder(yaml::MappingNode *M) {
  Order O;
  O.File = File;
  O.Line = line(M);
  unsigned AfterLine = 0;
  Error E = walk(M, OrderKeys, "key in 'orders' entry",
                 [&](StringRef Key, yaml::Node *K, yaml::Node *V) -> Error {
                   Expected<std::string> S = str(Key, K, V);
                   if (!S)
                     return S.takeError();
                   if (Key == "name")
                     O.Name = std::move(*S);
                   else if (Key == "before")
                     O.Before = std::move(*S);
                   else if (Key == "after") {
                     O.After = std::move(*S);
                     AfterLine = line(K);
                   } else
                     O.Message = std::move(*S);
                   return Error::success();
                 });
  if (E)
    return E;
  if (O.Name.empty())
    return err(O.Line, "name", "missing required key");
  if (O.Before.empty())
    return err(O.Line, "before", "missing required key");
  if (O.After.empty())
    return err(O.Line, "after", "missing required key");
  if (O.Before == O.After)
    return err(AfterLine, "after",
               "same class as 'before' ('" + O.After + "')");
  if (O.Message.empty())
    O.Message = O.Name;
  return O;
}

Error FileParser::parseAliases(yaml::Node *KeyNode, yaml::Node *V,
                               ParsedFile &P) {
  if (isNull(V))
    return Error::success();
  auto *M = dyn_cast<yaml::MappingNode>(V);
  if (!M)
    return err(line(KeyNode), "aliases",
               "expected a mapping from class to canonical class");
  StringSet<> Seen;
  for (yaml::KeyValueNode &KV : *M) {
    yaml::Node *K = KV.getKey();
    auto *KS = dyn_cast_or_null<yaml::ScalarNode>(K);
    if (!KS)
      return err(line(K ? K : &KV), "aliases", "expected a class name key");
    SmallString<64> Storage;
    std::string From = KS->getValue(Storage).str();
    if (From.empty())
      return err(line(KS), "aliases", "empty class name");
    if (!Seen.insert(From).second)
      return err(line(KS), "aliases", "duplicate alias for '" + From + "'");
    yaml::Node *Val = KV.getValue();
    if (Error E = checkNotAlias("aliases", KS, Val))
      return E;
    Expected<std::string> To = str("aliases", KS, Val);
    if (!To)
      return To.takeError();
    P.Aliases.emplace_back(std::move(From), std::move(*To));
  }
  return Error::success();
}

Expected<ParsedFile> FileParser::parse(yaml::Node *Root) {
  ParsedFile P;
  if (!Root || isa<yaml::NullNode>(Root))
    return err(1, "family", "missing required key");
  if (Error E = checkNotAlias("family", nullptr, Root))
    return E;
  auto *M = dyn_cast<yaml::MappingNode>(Root);
  if (!M)
    return errNoKey(line(Root),
                    "expected a mapping at the top level (family, apis, ...)");
  bool HasFamily = false;
  Error E = walk(M, TopKeys, "top-level key",
                 [&](StringRef Key, yaml::Node *K, yaml::Node *V) -> Error {
                   if (Key == "family") {
                     Expected<std::string> S = str(Key, K, V);
                     if (!S)
                       return S.takeError();
                     P.Family = std::move(*S);
                     HasFamily = true;
                   } else if (Key == "include" || Key == "lock_types" ||
                              Key == "ignore" || Key == "opaque" ||
                              Key == "internal") {
                     Expected<std::vector<Item>> L = strList(Key, K, V);
                     if (!L)
                       return L.takeError();
                     for (Item &I : *L) {
                       if (Key == "include")
                         P.Includes.emplace_back(std::move(I.Value), line(I.N));
                       else if (Key == "ignore")
                         P.Ignored.push_back(std::move(I.Value));
                       else if (Key == "opaque")
                         P.Opaque.push_back(std::move(I.Value));
                       else if (Key == "internal")
                         P.Internal.push_back(std::move(I.Value));
                       else
                         P.LockTypes.push_back(std::move(I.Value));
                     }
                   } else if (Key == "aliases") {
                     return parseAliases(K, V, P);
                   } else if (Key == "apis") {
                     return parseEntries(Key, K, V, ApiKeys,
                                         &FileParser::parseApi, P.Apis);
                   } else if (Key == "names") {
                     return parseEntries(Key, K, V, NameKeys,
                                         &FileParser::parseName, P.Names);
                   } else if (Key == "forbid") {
                     return parseEntries(Key, K, V, ForbidKeys,
                                         &FileParser::parseForbid, P.Nestings);
                   } else if (Key == "orders") {
                     return parseEntries(Key, K, V, OrderKeys,
                                         &FileParser::parseOrder, P.Orders);
                   }
                   return Error::success();
                 });
  if (E)
    return E;
  if (!HasFamily)
    return err(line(M), "family", "missing required key");
  return P;
}

/// The first diagnostic the YAML scanner or parser reported.
struct SyntaxDiag {
  bool Seen = false;
  unsigned Line = 0;
  std::string Message;
};

void captureDiag(const SMDiagnostic &D, void *Ctx) {
  auto *S = static_cast<SyntaxDiag *>(Ctx);
  if (S->Seen)
    return;
  S->Seen = true;
  S->Line = D.getLineNo() > 0 ? D.getLineNo() : 1;
  S->Message = D.getMessage().str();
}

/// Scans the whole buffer once; returns a syntax error, or an error when the
/// file holds more than one document.
Error checkSyntax(StringRef File, MemoryBufferRef Buf) {
  SourceMgr SM;
  SyntaxDiag Diag;
  SM.setDiagHandler(captureDiag, &Diag);
  yaml::Stream S(Buf, SM, /*ShowColors=*/false);
  unsigned Docs = 0;
  unsigned SecondDocLine = 0;
  for (yaml::document_iterator I = S.begin(), E = S.end(); I != E; ++I) {
    if (++Docs == 2) {
      yaml::Node *Root = I->getRoot();
      if (Root && Root->getSourceRange().Start.isValid())
        SecondDocLine = SM.getLineAndColumn(Root->getSourceRange().Start).first;
    }
    if (Diag.Seen)
      break;
  }
  if (Diag.Seen || S.failed()) {
    if (!Diag.Seen)
      Diag.Line = 1, Diag.Message = "invalid YAML";
    return createStringError(inconvertibleErrorCode(), File + ":" +
                                                           Twine(Diag.Line) +
                                                           ": " + Diag.Message);
  }
  if (Docs > 1)
    return createStringError(inconvertibleErrorCode(),
                             File + ":" +
                                 Twine(SecondDocLine ? SecondDocLine : 1) +
                                 ": only one YAML document per rules file");
  return Error::success();
}

/// The real path of P, or P itself when it cannot be resolved.
std::string realPath(StringRef P) {
  SmallString<256> Out;
  if (sys::fs::real_path(P, Out))
    return P.str();
  return std::string(Out);
}

bool alreadyLoaded(StringRef Real, const RuleSet &RS) {
  return any_of(RS.Files,
                [&](const std::string &F) { return realPath(F) == Real; });
}

/// Merges one file's rules into Into, checking duplicate functions.
Error merge(StringRef File, ParsedFile &P, RuleSet &Into) {
  auto Dup = [&](unsigned Line, StringRef Fn, StringRef PrevFile,
                 unsigned PrevLine) {
    return createStringError(
        inconvertibleErrorCode(),
        File + ":" + Twine(Line) + ": key 'function': duplicate function '" +
            Fn + "' (first declared at " + PrevFile + ":" + Twine(PrevLine) +
            "; add 'override: true' to redefine it)");
  };
  // Check before changing anything: a failed file leaves Into's tables as
  // they were (Files still lists it).
  StringMap<unsigned> SeenHere;
  for (ApiEntry &E : P.Apis) {
    if (E.Override)
      continue;
    if (const Api *Prev = Into.api(E.A.Function))
      return Dup(E.FunctionLine, E.A.Function, Prev->File, Prev->Line);
    auto [It, New] = SeenHere.try_emplace(E.A.Function, E.A.Line);
    if (!New)
      return Dup(E.FunctionLine, E.A.Function, File, It->second);
  }
  SeenHere.clear();
  for (NameEntry &E : P.Names) {
    if (E.Override)
      continue;
    if (const NameApi *Prev = Into.nameApi(E.N.Function))
      return Dup(E.FunctionLine, E.N.Function, Prev->File, Prev->Line);
    auto [It, New] = SeenHere.try_emplace(E.N.Function, E.N.Line);
    if (!New)
      return Dup(E.FunctionLine, E.N.Function, File, It->second);
  }

  for (std::string &T : P.LockTypes)
    Into.LockTypes.insert(T);
  for (std::string &T : P.Ignored)
    Into.Ignored.insert(T);
  for (std::string &T : P.Opaque)
    Into.Opaque.insert(T);
  for (std::string &T : P.Internal)
    if (!is_contained(Into.Internal, T))
      Into.Internal.push_back(T);
  for (auto &[From, To] : P.Aliases)
    Into.Aliases[From] = To;
  for (ApiEntry &E : P.Apis) {
    std::string Fn = E.A.Function;
    Into.Apis[Fn] = std::move(E.A);
  }
  for (NameEntry &E : P.Names) {
    std::string Fn = E.N.Function;
    Into.Names[Fn] = std::move(E.N);
  }
  for (ForbiddenNesting &F : P.Nestings)
    Into.Nestings.push_back(std::move(F));
  for (Order &O : P.Orders)
    Into.Orders.push_back(std::move(O));
  return Error::success();
}

/// Rewrites the class names written in rules to their canonical names, so
/// consumers compare canonical names only.
void canonicalizeRuleClasses(RuleSet &RS) {
  auto Canon = [&](std::string &S) {
    if (!S.empty())
      S = RS.canonical(S).str();
  };
  for (auto &Entry : RS.Apis) {
    Canon(Entry.second.Lock);
    for (std::string &H : Entry.second.UnlessHeld)
      Canon(H);
  }
  for (ForbiddenNesting &F : RS.Nestings) {
    for (std::string &L : F.Outer.Locks)
      Canon(L);
    for (std::string &L : F.Inner.Locks)
      Canon(L);
  }
  for (Order &O : RS.Orders) {
    Canon(O.Before);
    Canon(O.After);
  }
}

} // namespace

StringRef actionName(Action A) {
  switch (A) {
  case Action::Acquire:
    return "acquire";
  case Action::Release:
    return "release";
  case Action::Try:
    return "try";
  case Action::Touch:
    return "touch";
  }
  llvm_unreachable("unknown Action");
}

StringRef modeName(Mode M) {
  switch (M) {
  case Mode::Exclusive:
    return "exclusive";
  case Mode::Shared:
    return "shared";
  case Mode::RecursiveRead:
    return "recursive-read";
  }
  llvm_unreachable("unknown Mode");
}

StringRef irqName(Irq I) {
  switch (I) {
  case Irq::None:
    return "none";
  case Irq::Disable:
    return "disable";
  case Irq::Save:
    return "save";
  case Irq::Bh:
    return "bh";
  }
  llvm_unreachable("unknown Irq");
}

std::optional<Action> parseAction(StringRef S) {
  return StringSwitch<std::optional<Action>>(S)
      .Case("acquire", Action::Acquire)
      .Case("release", Action::Release)
      .Case("try", Action::Try)
      .Case("touch", Action::Touch)
      .Default(std::nullopt);
}

std::optional<Mode> parseMode(StringRef S) {
  return StringSwitch<std::optional<Mode>>(S)
      .Case("exclusive", Mode::Exclusive)
      .Case("shared", Mode::Shared)
      .Case("recursive-read", Mode::RecursiveRead)
      .Default(std::nullopt);
}

std::optional<Irq> parseIrq(StringRef S) {
  return StringSwitch<std::optional<Irq>>(S)
      .Case("none", Irq::None)
      .Case("disable", Irq::Disable)
      .Case("save", Irq::Save)
      .Case("bh", Irq::Bh)
      .Default(std::nullopt);
}

ArrayRef<StringLiteral> knownFlavors() { return FlavorNames; }

Mode Api::modeFor(std::optional<int64_t> ReadValue) const {
  if (ReadArg < 0 || !ReadValue)
    return M;
  switch (*ReadValue) {
  case 0:
    return Mode::Exclusive;
  case 1:
    return Mode::Shared;
  default:
    return Mode::RecursiveRead;
  }
}

bool Selector::matches(StringRef Class, StringRef Flavor,
                       ArrayRef<std::string> TagsOfLock) const {
  if (!Class.empty() && is_contained(Locks, Class))
    return true;
  if (!Flavor.empty() && is_contained(Flavors, Flavor))
    return true;
  return any_of(TagsOfLock,
                [&](const std::string &T) { return is_contained(Tags, T); });
}

const Api *RuleSet::api(StringRef Function) const {
  auto It = Apis.find(Function);
  return It == Apis.end() ? nullptr : &It->second;
}

const NameApi *RuleSet::nameApi(StringRef Function) const {
  auto It = Names.find(Function);
  return It == Names.end() ? nullptr : &It->second;
}

StringRef RuleSet::canonical(StringRef Class) const {
  StringRef Cur = Class;
  // Chains are followed a few steps; a cycle stops after the limit.
  for (unsigned Depth = 0; Depth < 8; ++Depth) {
    auto It = Aliases.find(Cur);
    if (It == Aliases.end() || It->second == Cur)
      break;
    Cur = It->second;
  }
  return Cur;
}

Error loadRuleFile(StringRef Path, RuleSet &Into) {
  std::string Real = realPath(Path);
  if (alreadyLoaded(Real, Into))
    return Error::success();

  ErrorOr<std::unique_ptr<MemoryBuffer>> Buf =
      MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return createStringError(
        Buf.getError(),
        Path + ": cannot open rules file: " + Buf.getError().message());
  Into.Files.push_back(Path.str());

  MemoryBufferRef Ref = (*Buf)->getMemBufferRef();
  if (Error E = checkSyntax(Path, Ref))
    return E;

  SourceMgr SM;
  SyntaxDiag Diag;
  SM.setDiagHandler(captureDiag, &Diag);
  yaml::Stream S(Ref, SM, /*ShowColors=*/false);
  yaml::document_iterator DI = S.begin();
  yaml::Node *Root = DI == S.end() ? nullptr : DI->getRoot();
  FileParser FP(Path, SM);
  Expected<ParsedFile> P = FP.parse(Root);
  if (!P)
    return P.takeError();

  for (auto &[Inc, Line] : P->Includes) {
    SmallString<256> Resolved;
    if (sys::path::is_absolute(Inc)) {
      Resolved = Inc;
    } else {
      Resolved = sys::path::parent_path(Path);
      sys::path::append(Resolved, Inc);
    }
    sys::fs::file_status St;
    std::error_code EC = sys::fs::status(Resolved, St);
    if (!EC && sys::fs::is_directory(St))
      EC = std::make_error_code(std::errc::is_a_directory);
    if (EC)
      return createStringError(
          EC, Path + ":" + Twine(Line) + ": key 'include': cannot open '" +
                  Inc + "' (resolved to '" + Resolved + "'): " + EC.message());
    if (Error E = loadRuleFile(Resolved, Into))
      return E;
  }
  return merge(Path, *P, Into);
}

Expected<RuleSet> loadRules(ArrayRef<std::string> Paths) {
  RuleSet RS;
  for (const std::string &P : Paths) {
    sys::fs::file_status St;
    if (std::error_code EC = sys::fs::status(P, St))
      return createStringError(EC,
                               P + ": cannot open rules file: " + EC.message());
    if (!sys::fs::is_directory(St)) {
      if (Error E = loadRuleFile(P, RS))
        return E;
      continue;
    }
    std::vector<std::string> Files;
    std::error_code EC;
    for (sys::fs::directory_iterator I(P, EC), E; I != E && !EC;
         I.increment(EC)) {
      if (sys::path::extension(I->path()) != ".yaml")
        continue;
      ErrorOr<sys::fs::basic_file_status> FS = I->status();
      if (FS && sys::fs::is_directory(*FS))
        continue;
      Files.push_back(I->path());
    }
    if (EC)
      return createStringError(
          EC, P + ": cannot read rules directory: " + EC.message());
    llvm::sort(Files, [](const std::string &A, const std::string &B) {
      return sys::path::filename(A) < sys::path::filename(B);
    });
    for (const std::string &F : Files)
      if (Error E = loadRuleFile(F, RS))
        return E;
  }
  canonicalizeRuleClasses(RS);
  return RS;
}

std::string defaultRulesDir() {
  if (std::optional<std::string> Env =
          sys::Process::GetEnv("LOCKGRAPH_RULES_DIR"))
    if (!Env->empty())
      return *Env;
  return LOCKGRAPH_RULES_DIR;
}

} // namespace lockgraph::rules
