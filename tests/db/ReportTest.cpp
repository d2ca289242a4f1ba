//===- ReportTest.cpp - Report helpers ------------------------------------===//

#include "db/Report.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

TEST(Report, SubsystemsComeFromWitnessFilesNotHeaders) {
  LockGraph G;
  Edge E;
  E.File = "mm/util.c";
  E.Chain = {Hop{"vm_mmap_pgoff", "mm/util.c", 1, "", ""},
             Hop{"call_mmap", "include/linux/fs.h", 2, "", ""},
             Hop{"ext4_file_mmap", "fs/ext4/file.c", 3, "file_operations.mmap", ""},
             Hop{"touch_atime", "fs/inode.c", 4, "", ""},
             Hop{"drm_x", "drivers/gpu/drm/drm_x.c", 5, "", ""}};
  G.Edges = {E};
  Finding F;
  F.Edges = {0};
  EXPECT_EQ(subsystemsOf(G, F),
            (std::vector<std::string>{"drivers/gpu", "fs", "fs/ext4", "mm"}));
}

} // namespace
