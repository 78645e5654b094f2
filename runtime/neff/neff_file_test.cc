#include "runtime/neff/neff_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "runtime/core/error.h"
#include "runtime/neff/neff_header.h"
#include "runtime/neff/neff_testutil.h"

namespace nrtb {
namespace {

using testutil::AssembleNeff;
using testutil::RealLikeMembers;
using testutil::RealLikeOptions;

struct Outcome {
  NRT_STATUS status = NRT_SUCCESS;
  std::string message;
  NeffFile file;
};

Outcome Parse(const std::string& image) {
  Outcome o;
  try {
    o.file = ParseNeff(image.data(), image.size());
  } catch (const Error& e) {
    o.status = e.status();
    o.message = e.what();
  }
  return o;
}

std::string InvalidMessage(const std::string& image) {
  const Outcome o = Parse(image);
  EXPECT_EQ(o.status, NRT_INVALID) << o.message;
  return o.message;
}

void ExpectRealLikeSignature(const NeffFile& f) {
  ASSERT_EQ(f.inputs.size(), 2u);
  EXPECT_EQ(f.inputs[0].name, "x");
  EXPECT_EQ(f.inputs[0].dtype, DType::kFloat16);
  EXPECT_EQ(f.inputs[0].shape, (std::vector<uint32_t>{128, 256}));
  EXPECT_EQ(f.inputs[0].size_bytes, 65536u);
  EXPECT_EQ(f.inputs[1].name, "y");
  EXPECT_EQ(f.inputs[1].dtype, DType::kFloat16);
  EXPECT_EQ(f.inputs[1].shape, (std::vector<uint32_t>{256, 128}));
  EXPECT_EQ(f.inputs[1].size_bytes, 65536u);
  ASSERT_EQ(f.outputs.size(), 1u);
  EXPECT_EQ(f.outputs[0].name, "output0");
  EXPECT_EQ(f.outputs[0].dtype, DType::kFloat16);
  EXPECT_EQ(f.outputs[0].shape, (std::vector<uint32_t>{128, 128}));
  EXPECT_EQ(f.outputs[0].size_bytes, 32768u);
}

std::string WithMember(const std::string& path, std::string contents) {
  auto members = RealLikeMembers();
  testutil::SetMember(members, path, std::move(contents));
  return AssembleNeff(members, RealLikeOptions());
}

std::string WithHeader(std::string image, size_t offset, uint64_t value) {
  std::memcpy(image.data() + offset, &value, sizeof value);
  return image;
}

NeffBuildSpec CpuSpec() {
  NeffBuildSpec s;
  s.name = "add";
  s.inputs = {{"a", DType::kFloat32, {2, 2}, 16}, {"b", DType::kFloat32, {2, 2}, 16}};
  s.outputs = {{"c", DType::kFloat32, {2, 2}, 16}};
  s.cpu_files = {{"graph.json", R"({"ops": []})"}, {"consts/w.npy", std::string("\x93NUMPY", 6)}};
  return s;
}

TEST(NeffFile, RealLikeNeffReportsItsSignatureAndHeader) {
  const std::string image = testutil::RealLikeNeff();
  ASSERT_EQ((image.size() - kNeffHeaderSize) % 1024, 0u);
  const NeffFile f = ParseNeff(image.data(), image.size());
  ExpectRealLikeSignature(f);
  EXPECT_EQ(f.name, "file.neff");
  EXPECT_EQ(f.pkg_version, 2u);
  EXPECT_EQ(f.neff_version_major, 2u);
  EXPECT_EQ(f.feature_bits, 0x209c00u);
  EXPECT_EQ(f.lnc_size, 2u);
  EXPECT_FALSE(f.has_cpu_graph);
  EXPECT_TRUE(f.cpu_files.empty());
}

TEST(NeffFile, PlainTarPackageIsRead) {
  auto o = RealLikeOptions();
  o.pkg_version = kNeffPkgPlainTar;
  ExpectRealLikeSignature(Parse(AssembleNeff(RealLikeMembers(), o)).file);
}

TEST(NeffFile, ZeroLncSizeIsReportedAsOne) {
  auto o = RealLikeOptions();
  o.lnc_size = 0;
  EXPECT_EQ(Parse(AssembleNeff(RealLikeMembers(), o)).file.lnc_size, 1u);
}

TEST(NeffFile, BuiltNeffRoundTrips) {
  const NeffBuildSpec spec = CpuSpec();
  const std::string image = BuildNeff(spec);
  const NeffFile f = ParseNeff(image.data(), image.size());
  EXPECT_EQ(f.name, "add");
  EXPECT_EQ(f.pkg_version, 2u);
  EXPECT_EQ(f.neff_version_major, 2u);
  EXPECT_EQ(f.lnc_size, 1u);
  EXPECT_EQ(f.feature_bits, 0u);
  ASSERT_EQ(f.inputs.size(), 2u);
  EXPECT_EQ(f.inputs[1].name, "b");
  EXPECT_EQ(f.inputs[1].size_bytes, 16u);
  ASSERT_EQ(f.outputs.size(), 1u);
  EXPECT_EQ(f.outputs[0].shape, (std::vector<uint32_t>{2, 2}));
  EXPECT_TRUE(f.has_cpu_graph);
  EXPECT_EQ(f.cpu_files, spec.cpu_files);
}

TEST(NeffFile, BuildIsDeterministic) { EXPECT_EQ(BuildNeff(CpuSpec()), BuildNeff(CpuSpec())); }

TEST(NeffFile, BuildRefusesWhatTheLoaderWouldRefuse) {
  NeffBuildSpec dup = CpuSpec();
  dup.outputs[0].name = "a";
  EXPECT_THROW(BuildNeff(dup), Error);
  NeffBuildSpec wrong_size = CpuSpec();
  wrong_size.outputs[0].size_bytes = 15;
  EXPECT_THROW(BuildNeff(wrong_size), Error);
  NeffBuildSpec unknown = CpuSpec();
  unknown.inputs[0].dtype = DType::kUnknown;
  EXPECT_THROW(BuildNeff(unknown), Error);
  NeffBuildSpec long_name = CpuSpec();
  long_name.name = std::string(300, 'n');
  EXPECT_THROW(BuildNeff(long_name), Error);
  NeffBuildSpec escaping = CpuSpec();
  escaping.cpu_files["../x"] = "x";
  EXPECT_THROW(BuildNeff(escaping), Error);
}

// Every prefix of a NEFF, with the header still claiming the full size, is refused.
TEST(NeffFile, TruncatedFilesAreInvalid) {
  const std::string image = testutil::RealLikeNeff();
  for (size_t cut = 0; cut < image.size(); cut += (cut < 1100 ? 1 : 97)) {
    EXPECT_EQ(Parse(image.substr(0, cut)).status, NRT_INVALID) << cut;
  }
}

// Prefixes whose header is patched to match: a cut inside the archive is refused, a cut in the tail
// (end-of-tar records, gzip trailer, zero padding) may still read the complete archive. Either way the
// result is NRT_INVALID or the exact signature, never anything else.
TEST(NeffFile, TruncatedArchivesAreInvalidOrComplete) {
  const std::string archive = WriteNeffArchive(RealLikeMembers(), NeffCompression::kGzip);
  const std::string image = AssembleNeff(archive, RealLikeOptions());
  for (size_t cut = 1; cut < image.size() - kNeffHeaderSize; cut += (cut < 200 ? 1 : 13)) {
    const Outcome o = Parse(WithHeader(image.substr(0, kNeffHeaderSize + cut), 0x10, cut));
    if (cut < archive.size() / 2) {
      EXPECT_EQ(o.status, NRT_INVALID) << cut << ": " << o.message;
    } else if (o.status == NRT_SUCCESS) {
      ExpectRealLikeSignature(o.file);
    } else {
      EXPECT_EQ(o.status, NRT_INVALID) << cut << ": " << o.message;
    }
  }
}

TEST(NeffFile, WrongHeaderSizeIsInvalid) {
  EXPECT_NE(InvalidMessage(WithHeader(testutil::RealLikeNeff(), 0x08, 512)).find("header_size 512"), std::string::npos);
}

TEST(NeffFile, DataSizeTooLargeIsInvalid) {
  const std::string image = testutil::RealLikeNeff();
  EXPECT_NE(InvalidMessage(WithHeader(image, 0x10, image.size())).find("exceeds"), std::string::npos);
}

TEST(NeffFile, MajorVersionThreeIsUnsupported) {
  EXPECT_EQ(Parse(WithHeader(testutil::RealLikeNeff(), 0x18, 3)).status, NRT_UNSUPPORTED_NEFF_VERSION);
}

TEST(NeffFile, FeatureBit27IsUnsupported) {
  EXPECT_EQ(Parse(WithHeader(testutil::RealLikeNeff(), 0x220, 0x209c00 | (1ull << 27))).status,
            NRT_UNSUPPORTED_NEFF_VERSION);
}

TEST(NeffFile, BadGzipIsInvalid) {
  std::string image = testutil::RealLikeNeff();
  for (size_t i = kNeffHeaderSize + 10; i < kNeffHeaderSize + 200; ++i) image[i] = static_cast<char>(i * 7);
  InvalidMessage(image);
  auto o = RealLikeOptions();
  o.pkg_version = kNeffPkgPlainTar;
  std::string tar_as_gzip = AssembleNeff(RealLikeMembers(), o);
  EXPECT_NE(InvalidMessage(WithHeader(tar_as_gzip, 0, 2)).find("1f 8b"), std::string::npos);
}

TEST(NeffFile, BadJsonIsInvalid) {
  EXPECT_NE(InvalidMessage(WithMember("./neff.json", "{\"nodes\": [")).find("neff.json: malformed JSON"),
            std::string::npos);
  EXPECT_NE(InvalidMessage(WithMember("./sg01/def.json", "[1,")).find("sg01/def.json: malformed JSON"),
            std::string::npos);
}

TEST(NeffFile, MissingNeffJsonIsInvalid) {
  auto members = RealLikeMembers();
  testutil::RemoveMember(members, "./neff.json");
  EXPECT_EQ(InvalidMessage(AssembleNeff(members, RealLikeOptions())), "NEFF archive has no neff.json");
}

TEST(NeffFile, MissingKelfIsInvalid) {
  auto members = RealLikeMembers();
  testutil::RemoveMember(members, "./kelf-0.json");
  EXPECT_EQ(InvalidMessage(AssembleNeff(members, RealLikeOptions())),
            "neff.json names kelf file kelf-0.json, which the NEFF does not contain");
}

TEST(NeffFile, DefJsonSizeDisagreeingIsInvalid) {
  EXPECT_EQ(InvalidMessage(WithMember("./sg01/def.json", testutil::RealLikeDefJson(1))),
            "sg01/def.json: output var output0 is 1 bytes, but neff.json declares 32768");
}

nlohmann::json RealLikeJson() { return nlohmann::json::parse(testutil::RealLikeNeffJson()); }

TEST(NeffFile, HugeShapesAreInvalid) {
  auto doc = RealLikeJson();
  doc["attrs"]["shape"][1][0] = {4294967295u, 4294967295u, 4294967295u};
  EXPECT_NE(InvalidMessage(WithMember("./neff.json", doc.dump())).find("overflows"), std::string::npos);
}

TEST(NeffFile, MoreThan32DimsIsInvalid) {
  auto doc = RealLikeJson();
  doc["attrs"]["shape"][1][0] = std::vector<int>(33, 1);
  EXPECT_NE(InvalidMessage(WithMember("./neff.json", doc.dump())).find("33 dimensions"), std::string::npos);
}

TEST(NeffFile, UnknownDtypeIsInvalid) {
  auto doc = RealLikeJson();
  doc["attrs"]["dltype"][1][0] = "complex64";
  EXPECT_NE(InvalidMessage(WithMember("./neff.json", doc.dump())).find("unknown dtype 'complex64'"), std::string::npos);
}

TEST(NeffFile, PathTraversalIsInvalid) {
  const std::string tar = WriteNeffArchive(RealLikeMembers(), NeffCompression::kNone);
  // Put an escaping member in front of the real ones (dropping the first record, the "./" directory).
  const std::string evil = testutil::RawTarRecord("../../etc/cron.d/x", 2, "hi") + tar.substr(512);
  auto o = RealLikeOptions();
  o.pkg_version = kNeffPkgPlainTar;
  EXPECT_NE(InvalidMessage(AssembleNeff(evil, o)).find("escapes the archive"), std::string::npos);
}

TEST(NeffFile, MemberOverTheCapIsRejectedWithoutReadingIt) {
  const std::string tar = testutil::RawTarRecord("neff.json", 5ull << 30, testutil::RealLikeNeffJson());
  auto o = RealLikeOptions();
  o.pkg_version = kNeffPkgPlainTar;
  EXPECT_NE(InvalidMessage(AssembleNeff(tar, o)).find("takes the unpacked data over its"), std::string::npos);
}

TEST(NeffFile, GarbageIsInvalid) {
  EXPECT_EQ(Parse("").status, NRT_INVALID);
  EXPECT_EQ(Parse(std::string(4096, '\0')).status, NRT_INVALID);
  EXPECT_EQ(Parse(testutil::Blob(4096, 17)).status, NRT_INVALID);
}

// Single-byte corruption anywhere in a plain-tar NEFF (where every byte is meaningful) yields a
// parsed NEFF or an nrtb::Error, nothing else.
TEST(NeffFile, CorruptedBytesNeverEscapeAsOtherExceptions) {
  auto o = RealLikeOptions();
  o.pkg_version = kNeffPkgPlainTar;
  const std::string image = AssembleNeff(RealLikeMembers(), o);
  for (size_t i = 0; i < image.size(); i += 7) {
    std::string bad = image;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    try {
      ParseNeff(bad.data(), bad.size());
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace nrtb
