#include "file_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace nrtm {
namespace {

class FileWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nrtm_writer_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "f.c").string();
    std::ofstream(path_) << "old\n";
  }
  void TearDown() override {
    chmod(dir_.c_str(), 0755);
    std::filesystem::remove_all(dir_);
  }
  std::string Read(const std::string& p) {
    std::string s;
    EXPECT_TRUE(ReadFile(p, &s));
    return s;
  }
  size_t Entries() { return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir_), {})); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(FileWriter, ReplacesAndKeepsABackupAndTheMode) {
  chmod(path_.c_str(), 0640);
  WriteResult r = ReplaceFile(path_, "old\n", "new\n", true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(Read(path_), "new\n");
  EXPECT_EQ(Read(path_ + ".orig"), "old\n");
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(Entries(), 2u);  // no temporary file left
}

TEST_F(FileWriter, AnExistingBackupIsTheFirstOriginal) {
  ASSERT_TRUE(ReplaceFile(path_, "old\n", "mid\n", true).ok);
  ASSERT_TRUE(ReplaceFile(path_, "mid\n", "new\n", true).ok);
  EXPECT_EQ(Read(path_ + ".orig"), "old\n");
}

TEST_F(FileWriter, RefusesAFileChangedSinceItWasRead) {
  WriteResult r = ReplaceFile(path_, "what the tool read\n", "new\n", false);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.changed_on_disk);
  EXPECT_EQ(Read(path_), "old\n");
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(FileWriter, RefusesAReadOnlyFileEvenForRoot) {
  chmod(path_.c_str(), 0444);
  WriteResult r = ReplaceFile(path_, "old\n", "new\n", true);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("read-only"), std::string::npos) << r.error;
  EXPECT_EQ(Read(path_), "old\n");
  EXPECT_EQ(Entries(), 1u);  // no backup, no temporary
}

// create_only (the support header --write-support adds): a new file appears whole; one that exists, e.g. made
// by another run since the tool looked, is kept and named, and no temporary stays behind.
TEST_F(FileWriter, CreateOnlyNeverReplacesAFile) {
  std::string fresh = (dir_ / "new.h").string();
  WriteResult made = WriteAtomically(fresh, "table\n", /*create_only=*/true);
  EXPECT_TRUE(made.ok) << made.error;
  EXPECT_EQ(Read(fresh), "table\n");
  WriteResult again = WriteAtomically(path_, "table\n", /*create_only=*/true);
  EXPECT_FALSE(again.ok);
  EXPECT_TRUE(again.changed_on_disk);
  EXPECT_NE(again.error.find("appeared during the run"), std::string::npos) << again.error;
  EXPECT_EQ(Read(path_), "old\n");
  EXPECT_EQ(Entries(), 2u);  // f.c and new.h: no temporary
}

TEST_F(FileWriter, UnwritableDirectoryLeavesNothingBehind) {
  std::string missing = (dir_ / "no" / "such" / "dir" / "f.c").string();
  WriteResult r = WriteAtomically(missing, "x");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("temporary"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace nrtm
