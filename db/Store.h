//===- Store.h - The SQLite database of facts and findings ------*- C++ -*-===//
//
// Per-TU facts (tu, tu_function, field_store) are keyed by
// TU so one TU can be replaced alone; function bodies (function, call) are
// stored once per distinct body and shared by the TUs that have it; the
// global step's output (lock_class,
// edge, witness, finding, finding_edge) is rebuilt on every scan. The schema
// is documented in docs/schema.md.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_STORE_H
#define LOCKGRAPH_DB_STORE_H

#include "db/Facts.h"
#include "db/Graph.h"
#include "db/Sqlite.h"
#include <memory>

namespace lockgraph {

/// The schema version this build reads and writes (PRAGMA user_version).
constexpr int SchemaVersion = 4;

/// A function definition as stored, with its parsed body and every TU
/// that has this very definition (a header's static inline function is
/// stored once for all TUs that include it).
struct StoredFunction {
  int64_t Id = 0;
  std::vector<int64_t> TUs;
  FunctionFacts Facts;
};

/// A function stored into a struct field, with the TU that stored it.
struct StoredFieldStore {
  int64_t TU = 0;
  FieldStore Store;
};

/// One analysed (or failed) translation unit.
struct TURecord {
  std::string File;
  std::string Directory;
  std::string Command;
  std::string Hash;
  bool Ok = true;
  std::string Error;
  double ParseSeconds = 0;
  /// Peak resident memory of the worker that parsed it, in KiB.
  uint64_t PeakKB = 0;
  /// Every file the TU read, for the incremental hash.
  std::vector<std::string> Inputs;
};

class Store {
public:
  /// Creates a new database at Path (which must not exist) with the schema.
  static llvm::Expected<std::unique_ptr<Store>> create(llvm::StringRef Path);
  /// Upgrades a database of schema version 3 at Path to this version in
  /// place: its facts stay, its global-step output is dropped (the next
  /// scan writes it again). Anything else is left alone for open() to
  /// judge.
  static llvm::Error upgrade(llvm::StringRef Path);
  /// Opens an existing database; fails with a one-line cause when the file
  /// is not a lockgraph database or has another schema version.
  static llvm::Expected<std::unique_ptr<Store>> open(llvm::StringRef Path,
                                                     bool ReadOnly);

  Database &db() { return *Db; }

  llvm::Error begin();
  llvm::Error commit();
  llvm::Error rollback();

  /// Adds a TU and its facts (Facts may be null for a failed TU). Replaces
  /// an earlier TU with the same file.
  llvm::Expected<int64_t> putTU(const TURecord &TU, const TUFacts *Facts);
  /// Every stored TU, ok or failed, by file name.
  /// WithInputs: also every TU's input files (a thousand headers each),
  /// which only the re-scan's change check needs.
  llvm::Expected<std::vector<TURecord>> loadTUs(bool WithInputs = true);
  llvm::Error removeTU(llvm::StringRef File);

  llvm::Expected<std::vector<StoredFunction>> loadFunctions();
  /// Deletes function bodies no TU refers to any more.
  llvm::Error collectGarbage();
  llvm::Expected<std::vector<StoredFieldStore>> loadFieldStores();

  /// A digest of everything the global step reads from the store: which
  /// function bodies each ok TU links (by TU file, not by id) and the field
  /// stores. Equal digests mean equal global-step input.
  llvm::Expected<std::string> factsDigest();
  /// The same without lines: which function shapes (FunctionFacts::shape)
  /// each stored body has and which TUs share it, and the field stores.
  /// When only this digest is unchanged, the global step's output differs
  /// from the last one in its lines alone (moveResults()).
  llvm::Expected<std::string> shapeDigest();

  /// Drops everything the global step wrote.
  llvm::Error clearGlobal();
  /// Writes the global step's output (after clearGlobal()).
  llvm::Error putResults(const LockGraph &G, const std::vector<Finding> &F);
  /// Which witness chains loadResults() reads: the whole kernel's 527,000
  /// edges have 14.6 million hops (in 1.5 million witness rows).
  enum class Chains {
    /// None: the caller reads those it shows with loadChains().
    None,
    /// Those of the findings' edges.
    Findings,
    /// Every edge's (`path` reads only the edges it prints, with
    /// loadChains()).
    All,
  };
  /// Reads the global step's output back, findings in rank order.
  llvm::Error loadResults(LockGraph &G, std::vector<Finding> &F,
                          Chains Which = Chains::Findings);
  /// Reads the chains of these edges of G (indices into G.Edges) that
  /// have none yet.
  llvm::Error loadChains(LockGraph &G, llvm::ArrayRef<size_t> Edges);
  /// Inside an open transaction: commits it, runs Fn in a transaction of
  /// its own without foreign key checks (the pragma works between
  /// transactions only), and opens a new one.
  llvm::Error withoutForeignKeys(llvm::function_ref<llvm::Error()> Fn);
  llvm::Error setMeta(llvm::StringRef Key, llvm::StringRef Value);
  llvm::Expected<std::string> meta(llvm::StringRef Key);

private:
  explicit Store(std::unique_ptr<Database> Db) : Db(std::move(Db)) {}
  std::unique_ptr<Database> Db;
};

} // namespace lockgraph

#endif
