#include "runtime/neff/neff_header.h"

#include <gtest/gtest.h>

#include <cstring>

#include "runtime/core/error.h"

namespace nrtb {
namespace {

// A header for a file holding `data_size` archive bytes, plus that many zero bytes.
std::string Image(const NeffHeader& h, size_t file_data = 16) {
  return SerializeNeffHeader(h) + std::string(file_data, '\0');
}

NeffHeader ValidHeader() {
  NeffHeader h = MakeNeffHeader();
  h.pkg_version = kNeffPkgGzipTar;
  h.data_size = 16;
  h.neff_version_major = 2;
  h.neff_version_minor = 0;
  h.feature_bits = 0x209c00;
  h.lnc_size = 2;
  return h;
}

NRT_STATUS StatusOf(const std::string& image, std::string* message = nullptr) {
  try {
    ParseNeffHeader(image.data(), image.size());
  } catch (const Error& e) {
    if (message != nullptr) *message = e.what();
    return e.status();
  }
  return NRT_SUCCESS;
}

uint64_t U64At(const std::string& bytes, size_t off) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + off, sizeof v);
  return v;
}

TEST(NeffHeader, SerializedFieldsSitAtTheDocumentedOffsets) {
  NeffHeader h = ValidHeader();
  SetNeffHeaderText(h.name, sizeof h.name, "file.neff", "name");
  const std::string bytes = SerializeNeffHeader(h);
  ASSERT_EQ(bytes.size(), 1024u);
  EXPECT_EQ(U64At(bytes, 0x000), 2u);
  EXPECT_EQ(U64At(bytes, 0x008), 1024u);
  EXPECT_EQ(U64At(bytes, 0x010), 16u);
  EXPECT_EQ(U64At(bytes, 0x018), 2u);
  EXPECT_EQ(U64At(bytes, 0x220), 0x209c00u);
  EXPECT_EQ(static_cast<uint8_t>(bytes[0x228]), 2);
  EXPECT_EQ(bytes.substr(0x0DC, 9), "file.neff");
}

TEST(NeffHeader, ParsesAValidHeader) {
  const NeffHeader h = ParseNeffHeader(Image(ValidHeader()).data(), 1024 + 16);
  EXPECT_EQ(h.pkg_version, 2u);
  EXPECT_EQ(h.data_size, 16u);
  EXPECT_EQ(h.feature_bits, 0x209c00u);
  EXPECT_EQ(h.lnc_size, 2u);
}

TEST(NeffHeader, DataMayBeFollowedByMoreBytes) { EXPECT_EQ(StatusOf(Image(ValidHeader(), 100)), NRT_SUCCESS); }

TEST(NeffHeader, FileShorterThanTheHeaderIsInvalid) {
  std::string msg;
  EXPECT_EQ(StatusOf(SerializeNeffHeader(ValidHeader()).substr(0, 1023), &msg), NRT_INVALID);
  EXPECT_NE(msg.find("smaller than the 1024-byte header"), std::string::npos) << msg;
  EXPECT_EQ(StatusOf(""), NRT_INVALID);
}

TEST(NeffHeader, WrongHeaderSizeIsInvalid) {
  for (uint64_t size : {0ull, 1023ull, 1025ull, 4096ull, ~0ull}) {
    NeffHeader h = ValidHeader();
    h.header_size = size;
    std::string msg;
    EXPECT_EQ(StatusOf(Image(h), &msg), NRT_INVALID) << size;
    EXPECT_NE(msg.find("header_size"), std::string::npos) << msg;
  }
}

TEST(NeffHeader, DataSizeBeyondTheFileIsInvalid) {
  NeffHeader h = ValidHeader();
  h.data_size = 17;
  std::string msg;
  EXPECT_EQ(StatusOf(Image(h), &msg), NRT_INVALID);
  EXPECT_EQ(msg, "NEFF header: data_size 17 exceeds the 16 bytes after the header (file size 1040)");
  h.data_size = ~0ull;
  EXPECT_EQ(StatusOf(Image(h)), NRT_INVALID);
}

TEST(NeffHeader, EmptyDataIsInvalid) {
  NeffHeader h = ValidHeader();
  h.data_size = 0;
  EXPECT_EQ(StatusOf(Image(h)), NRT_INVALID);
}

TEST(NeffHeader, MajorVersionAboveTwoIsUnsupported) {
  NeffHeader h = ValidHeader();
  h.neff_version_major = 3;
  std::string msg;
  EXPECT_EQ(StatusOf(Image(h), &msg), NRT_UNSUPPORTED_NEFF_VERSION);
  EXPECT_NE(msg.find("NEFF version 3.0 is not supported"), std::string::npos) << msg;
  h.neff_version_major = 1;
  EXPECT_EQ(StatusOf(Image(h)), NRT_SUCCESS);
}

TEST(NeffHeader, UnknownFeatureBitsAreUnsupportedForVersionTwo) {
  for (int bit = 27; bit <= 62; ++bit) {
    NeffHeader h = ValidHeader();
    h.feature_bits |= 1ull << bit;
    std::string msg;
    EXPECT_EQ(StatusOf(Image(h), &msg), NRT_UNSUPPORTED_NEFF_VERSION) << bit;
    EXPECT_NE(msg.find("newer version of the Neuron compiler"), std::string::npos) << msg;
  }
}

TEST(NeffHeader, KnownFeatureBitsAndBit63AreAccepted) {
  NeffHeader h = ValidHeader();
  h.feature_bits = 0x7FFFFFFull | (1ull << 63);
  EXPECT_EQ(StatusOf(Image(h)), NRT_SUCCESS);
}

TEST(NeffHeader, FeatureBitsAreOnlyCheckedForVersionTwo) {
  NeffHeader h = ValidHeader();
  h.neff_version_major = 1;
  h.feature_bits = 1ull << 27;
  EXPECT_EQ(StatusOf(Image(h)), NRT_SUCCESS);
}

TEST(NeffHeader, UnknownPackageVersionIsInvalid) {
  for (uint64_t pkg : {0ull, 3ull, 100ull}) {
    NeffHeader h = ValidHeader();
    h.pkg_version = pkg;
    EXPECT_EQ(StatusOf(Image(h)), NRT_INVALID) << pkg;
  }
}

TEST(NeffHeader, VersionIsReportedBeforePackageFormat) {
  NeffHeader h = ValidHeader();
  h.neff_version_major = 3;
  h.pkg_version = 3;
  EXPECT_EQ(StatusOf(Image(h)), NRT_UNSUPPORTED_NEFF_VERSION);
}

TEST(NeffHeader, TextFieldsNeedNotBeTerminated) {
  NeffHeader h = MakeNeffHeader();
  std::memset(h.name, 'a', sizeof h.name);
  EXPECT_EQ(NeffHeaderText(h.name, sizeof h.name), std::string(256, 'a'));
  SetNeffHeaderText(h.name, sizeof h.name, "m", "name");
  EXPECT_EQ(NeffHeaderText(h.name, sizeof h.name), "m");
}

TEST(NeffHeader, TextThatDoesNotFitIsRejected) {
  NeffHeader h = MakeNeffHeader();
  EXPECT_NO_THROW(SetNeffHeaderText(h.name, sizeof h.name, std::string(255, 'n'), "name"));
  try {
    SetNeffHeaderText(h.name, sizeof h.name, std::string(256, 'n'), "name");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), NRT_INVALID);
    EXPECT_STREQ(e.what(), "NEFF header: name is 256 bytes, the field holds at most 255");
  }
}

}  // namespace
}  // namespace nrtb
