#include "runtime/neff/neff_archive.h"

#include <gtest/gtest.h>

#include "runtime/core/error.h"
#include "runtime/neff/neff_testutil.h"

namespace nrtb {
namespace {

using testutil::RawTarEnd;
using testutil::RawTarRecord;
using Members = std::map<std::string, std::string>;

Members Read(const std::string& archive, NeffCompression c, const NeffArchiveLimits& limits = {}) {
  return ReadNeffArchive(archive.data(), archive.size(), c, limits);
}

// The message of the Error(NRT_INVALID) reading throws; fails the test for anything else.
std::string InvalidMessage(const std::string& archive, NeffCompression c, const NeffArchiveLimits& limits = {}) {
  try {
    Read(archive, c, limits);
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "archive was accepted";
  return "";
}

std::string Gzip(const std::vector<NeffArchiveMember>& m) { return WriteNeffArchive(m, NeffCompression::kGzip); }

TEST(NeffArchive, RuntimeMembers) {
  for (const char* p : {"neff.json", "info.json", "kelf-0.json", "kelf-a.json", "sg00/def.json", "sg01/def.json",
                        "cpu/graph.json", "cpu/w.npy", "cpu/sub/w.npy"}) {
    EXPECT_TRUE(IsNeffRuntimeMember(p)) << p;
  }
  for (const char* p :
       {"hlo_stats.json", "sg00/PE.bin", "sg00/tensor_map.json", "sg00/sub/def.json", "x/sg00/def.json", "sg/def.json",
        "kelf-.json", "a/kelf-0.json", "cpu/", "cpu", "debug_info/neff.json", "sg00/sg-wavegraph-bin.json"}) {
    EXPECT_FALSE(IsNeffRuntimeMember(p)) << p;
  }
}

TEST(NeffArchive, GzipRoundTripKeepsOnlyRuntimeMembers) {
  const Members got = Read(Gzip({{"neff.json", "{}"},
                                 {"sg00/", ""},
                                 {"sg00/def.json", "d"},
                                 {"sg00/PE.bin", "bin"},
                                 {"cpu/graph.json", "g"},
                                 {"cpu/w.npy", std::string(3, '\0')}}),
                           NeffCompression::kGzip);
  const Members want = {
      {"neff.json", "{}"}, {"sg00/def.json", "d"}, {"cpu/graph.json", "g"}, {"cpu/w.npy", std::string(3, '\0')}};
  EXPECT_EQ(got, want);
}

TEST(NeffArchive, PlainTarRoundTrip) {
  const std::string tar = WriteNeffArchive({{"neff.json", "n"}, {"info.json", "i"}}, NeffCompression::kNone);
  EXPECT_EQ(Read(tar, NeffCompression::kNone), (Members{{"neff.json", "n"}, {"info.json", "i"}}));
}

TEST(NeffArchive, WriterIsDeterministic) {
  const std::vector<NeffArchiveMember> m = {{"neff.json", "abc"}, {"cpu/w.npy", testutil::Blob(1000, 3)}};
  EXPECT_EQ(Gzip(m), Gzip(m));
}

TEST(NeffArchive, LeadingDotSlashIsStripped) {
  EXPECT_EQ(Read(Gzip({{"./", ""}, {"./neff.json", "n"}, {"././sg00/def.json", "d"}}), NeffCompression::kGzip),
            (Members{{"neff.json", "n"}, {"sg00/def.json", "d"}}));
}

TEST(NeffArchive, ZeroPaddingAfterTheGzipStreamIsIgnored) {
  const std::string padded = Gzip({{"neff.json", "n"}}) + std::string(3000, '\0');
  EXPECT_EQ(Read(padded, NeffCompression::kGzip), (Members{{"neff.json", "n"}}));
}

TEST(NeffArchive, DirectoriesAndNonRuntimeMembersAreSkipped) {
  EXPECT_TRUE(Read(Gzip({{"cpu/", ""}, {"sg00/", ""}, {"debug/x", "x"}}), NeffCompression::kGzip).empty());
}

TEST(NeffArchive, EmptyTarHasNoMembers) { EXPECT_TRUE(Read(RawTarEnd(), NeffCompression::kNone).empty()); }

TEST(NeffArchive, PathTraversalIsRejected) {
  for (const char* p : {"../neff.json", "cpu/../../etc/passwd", "/neff.json", "./../x", "sg00/..", ".."}) {
    const std::string tar = RawTarRecord(p, 1, "x") + RawTarEnd();
    EXPECT_NE(InvalidMessage(tar, NeffCompression::kNone).find("escapes the archive"), std::string::npos) << p;
  }
}

TEST(NeffArchive, WriterRefusesEscapingPaths) {
  for (const char* p : {"../x", "/x", "", "a/../../b"}) {
    EXPECT_THROW(WriteNeffArchive({{p, "x"}}, NeffCompression::kNone), Error) << p;
  }
}

TEST(NeffArchive, DuplicateRuntimeMemberIsRejected) {
  const std::string tar = RawTarRecord("neff.json", 1, "a") + RawTarRecord("./neff.json", 1, "b") + RawTarEnd();
  EXPECT_NE(InvalidMessage(tar, NeffCompression::kNone).find("neff.json appears twice"), std::string::npos);
}

TEST(NeffArchive, GzipMagicIsRequiredForPackageVersionTwo) {
  const std::string tar = WriteNeffArchive({{"neff.json", "n"}}, NeffCompression::kNone);
  EXPECT_NE(InvalidMessage(tar, NeffCompression::kGzip).find("1f 8b"), std::string::npos);
}

TEST(NeffArchive, CorruptGzipIsInvalid) {
  std::string bad = "\x1f\x8b";
  bad += testutil::Blob(600, 5);
  InvalidMessage(bad, NeffCompression::kGzip);
  const std::string whole = Gzip({{"neff.json", testutil::Blob(2000, 1)}});
  InvalidMessage(whole.substr(0, whole.size() / 2), NeffCompression::kGzip);
}

TEST(NeffArchive, NonTarDataIsInvalid) {
  InvalidMessage(testutil::Blob(2048, 11), NeffCompression::kNone);
  InvalidMessage("x", NeffCompression::kNone);
}

TEST(NeffArchive, TruncatedMemberDataIsInvalid) {
  const std::string tar = RawTarRecord("neff.json", 4000, "only a little");
  EXPECT_NE(InvalidMessage(tar, NeffCompression::kNone).find("neff.json"), std::string::npos);
}

TEST(NeffArchive, MemberCountIsCapped) {
  NeffArchiveLimits limits;
  limits.max_members = 3;
  const std::string tar = Gzip({{"a", ""}, {"b", ""}, {"c", ""}, {"d", ""}});
  EXPECT_NE(InvalidMessage(tar, NeffCompression::kGzip, limits).find("more than 3 members"), std::string::npos);
  limits.max_members = 4;
  EXPECT_NO_THROW(Read(tar, NeffCompression::kGzip, limits));
}

TEST(NeffArchive, KeptMemberSizeIsCapped) {
  NeffArchiveLimits limits;
  limits.max_member_bytes = 100;
  EXPECT_NO_THROW(Read(Gzip({{"cpu/w", std::string(100, 'w')}}), NeffCompression::kGzip, limits));
  const std::string msg = InvalidMessage(Gzip({{"cpu/w", std::string(101, 'w')}}), NeffCompression::kGzip, limits);
  EXPECT_EQ(msg, "NEFF archive: member cpu/w is 101 bytes, over the 100-byte cap per member");
}

TEST(NeffArchive, SkippedMembersDoNotCountAgainstTheKeptCaps) {
  NeffArchiveLimits limits;
  limits.max_member_bytes = 10;
  limits.max_kept_bytes = 10;
  EXPECT_NO_THROW(Read(Gzip({{"sg00/PE.bin", std::string(1000, 'p')}}), NeffCompression::kGzip, limits));
}

TEST(NeffArchive, TotalKeptBytesAreCapped) {
  NeffArchiveLimits limits;
  limits.max_kept_bytes = 150;
  const std::string msg = InvalidMessage(Gzip({{"cpu/a", std::string(100, 'a')}, {"cpu/b", std::string(100, 'b')}}),
                                         NeffCompression::kGzip, limits);
  EXPECT_NE(msg.find("cpu/b takes the extracted data over the 150-byte cap"), std::string::npos) << msg;
}

TEST(NeffArchive, UnpackedBytesOfSkippedMembersAreCapped) {
  NeffArchiveLimits limits;
  limits.max_unpacked_bytes = 1500;
  const std::string msg =
      InvalidMessage(Gzip({{"sg00/PE.bin", std::string(1000, 'p')}, {"sg00/SP.bin", std::string(1000, 's')}}),
                     NeffCompression::kGzip, limits);
  EXPECT_NE(msg.find("sg00/SP.bin"), std::string::npos) << msg;
}

// 64 MiB of zeros compresses to ~64 KiB; the cap must stop it before it is inflated into memory.
TEST(NeffArchive, GzipBombIsRejectedByItsDeclaredSize) {
  NeffArchiveLimits limits;
  limits.max_member_bytes = 1 << 20;
  const std::string bomb = Gzip({{"neff.json", "{}"}, {"cpu/big.bin", std::string(64 << 20, '\0')}});
  ASSERT_LT(bomb.size(), 1u << 20);
  const std::string msg = InvalidMessage(bomb, NeffCompression::kGzip, limits);
  EXPECT_EQ(msg, "NEFF archive: member cpu/big.bin is 67108864 bytes, over the 1048576-byte cap per member");
}

// A header that claims 5 GiB in front of a few bytes: refused by the default caps, from the
// declaration alone (the data is never there to be read).
TEST(NeffArchive, HugeDeclaredMemberIsRejectedWithDefaultCaps) {
  const std::string tar = RawTarRecord("cpu/huge.bin", 5ull << 30, "tiny");
  const std::string msg = InvalidMessage(tar, NeffCompression::kNone);
  EXPECT_NE(msg.find("NEFF archive: member cpu/huge.bin (5368709120 bytes) takes the unpacked data over its"),
            std::string::npos)
      << msg;
}

// Defect 5: libarchive peels any number of gzip layers, so gzip(gzip(tar)) was inflated twice, each layer
// multiplying the size by up to ~1000. Refused when the archive is opened, before anything is inflated.
TEST(NeffArchive, GzipInsideGzipIsRejected) {
  const std::string inner = Gzip({{"neff.json", "{}"}, {"cpu/big.bin", std::string(16 << 20, '\0')}});
  const std::string nested = testutil::GzipBytes(inner);
  ASSERT_LT(nested.size(), inner.size());
  const std::string msg = InvalidMessage(nested, NeffCompression::kGzip);
  EXPECT_NE(msg.find("holds another compressed stream (gzip); a NEFF has one gzip layer"), std::string::npos) << msg;
}

TEST(NeffArchive, GzipInsidePlainTarPkgIsNotInflated) {
  const std::string msg = InvalidMessage(
      testutil::GzipBytes(WriteNeffArchive({{"neff.json", "{}"}}, NeffCompression::kNone)), NeffCompression::kNone);
  EXPECT_NE(msg.find("NEFF archive:"), std::string::npos) << msg;
}

// Unpacked bytes (skipped members included) are bounded by the archive's size times the ratio.
TEST(NeffArchive, CompressionRatioIsCapped) {
  NeffArchiveLimits limits;
  limits.ratio_free_bytes = 0;
  limits.max_ratio = 20;
  const std::string zeros = Gzip({{"neff.json", "{}"}, {"sg00/PE.bin", std::string(1 << 20, '\0')}});
  const std::string msg = InvalidMessage(zeros, NeffCompression::kGzip, limits);
  EXPECT_NE(msg.find("sg00/PE.bin (1048576 bytes) takes the unpacked data over its"), std::string::npos) << msg;
  EXPECT_NE(msg.find("compression ratio limit"), std::string::npos) << msg;
  // Incompressible data of the same size is well within the ratio.
  EXPECT_NO_THROW(
      Read(Gzip({{"neff.json", "{}"}, {"sg00/PE.bin", testutil::Blob(1 << 20, 5)}}), NeffCompression::kGzip, limits));
}

TEST(NeffArchive, DefaultRatioCapBoundsASmallArchive) {
  // 200 MiB of zeros compress to ~200 KiB: 64 MiB + 256 x 200 KiB is far below 200 MiB.
  const std::string zeros = Gzip({{"neff.json", "{}"}, {"sg00/PE.bin", std::string(200 << 20, '\0')}});
  ASSERT_LT(zeros.size(), 512u << 10);
  const std::string msg = InvalidMessage(zeros, NeffCompression::kGzip);
  EXPECT_NE(msg.find("compression ratio limit"), std::string::npos) << msg;
}

}  // namespace
}  // namespace nrtb
