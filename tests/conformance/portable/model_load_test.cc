// Models: load / unload, core choice, I/O signature, model info, malformed NEFFs, memory accounting.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

std::vector<std::string> NeffsIn(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".neff") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

uint32_t ModelVnc(const nrt_model_t* model) {
  nrt_model_info_t info{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_model_info(model, &info, sizeof info, &out), NRT_SUCCESS);
  return info.vnc;
}

uint64_t UsedBytes(uint32_t vnc) {
  nrt_vnc_memory_stats_t s{};
  size_t out = 0;
  EXPECT_EQ(nrt_get_vnc_memory_stats(vnc, &s, sizeof s, &out), NRT_SUCCESS);
  return s.bytes_used;
}

// nrt_load of a malformed image must fail cleanly (and, should it succeed, the model must unload).
void ExpectRejected(const std::vector<uint8_t>& bytes, const std::string& what) {
  nrt_model_t* model = nullptr;
  NRT_STATUS s = nrt_load(bytes.data(), bytes.size(), 0, -1, &model);
  EXPECT_TRUE(s == NRT_INVALID || s == NRT_UNSUPPORTED_NEFF_VERSION) << what << ": " << nrt_get_status_as_str(s);
  if (s == NRT_SUCCESS) {
    EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
  }
}

void PutU64(std::vector<uint8_t>& bytes, size_t offset, uint64_t v) {
  std::memcpy(bytes.data() + offset, &v, sizeof v);
}

TEST(ModelLoad, LoadsEverySampleAndConformanceModel) {
  NRTEST_INIT(rt);
  std::vector<std::string> samples = NeffsIn(SampleModelDir());
  std::vector<std::string> conformance = NeffsIn(NRTB_CONFORMANCE_MODEL_DIR);
  EXPECT_FALSE(samples.empty()) << "no sample NEFFs in " << SampleModelDir();
  EXPECT_GE(conformance.size(), 3u) << "the sync_* conformance NEFFs are missing";
  std::vector<std::string> all = samples;
  all.insert(all.end(), conformance.begin(), conformance.end());
  for (const std::string& path : all) {
    SCOPED_TRACE(path);
    nrt_model_t* model = LoadModelFile(path, -1);
    ASSERT_NE(model, nullptr);
    std::vector<IoInfo> info = GetTensorInfo(model);
    size_t inputs = 0, outputs = 0;
    for (const IoInfo& i : info) {
      (i.usage == NRT_TENSOR_USAGE_INPUT ? inputs : outputs)++;
      EXPECT_FALSE(i.name.empty());
      EXPECT_GT(i.size, 0u) << i.name;
    }
    EXPECT_GE(outputs, 1u);
    // A model runs on freshly allocated, zero-filled I/O.
    {
      ModelIo io(model, static_cast<int>(ModelVnc(model)));
      EXPECT_EQ(nrt_execute(model, io.inputs, io.outputs), NRT_SUCCESS);
    }
    EXPECT_EQ(nrt_unload(model), NRT_SUCCESS);
  }
}

TEST(ModelLoad, VncMinusOnePicksAFreeCore) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  std::vector<nrt_model_t*> models(4, nullptr);
  std::set<uint32_t> cores;
  for (auto& m : models) {
    ASSERT_EQ(nrt_load(neff.data(), neff.size(), -1, -1, &m), NRT_SUCCESS);
    cores.insert(ModelVnc(m));
  }
  EXPECT_EQ(cores, (std::set<uint32_t>{0, 1, 2, 3})) << "each load with vnc -1 took a core without a model";
  uint32_t freed = ModelVnc(models[2]);
  ASSERT_EQ(nrt_unload(models[2]), NRT_SUCCESS);
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), -1, -1, &models[2]), NRT_SUCCESS);
  EXPECT_EQ(ModelVnc(models[2]), freed) << "the only free core";
  for (auto m : models) EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, VncMinusOneSkipsCoresWithModels) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  nrt_model_t *on0 = nullptr, *on1 = nullptr, *any = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &on0), NRT_SUCCESS);
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 1, -1, &on1), NRT_SUCCESS);
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), -1, -1, &any), NRT_SUCCESS);
  EXPECT_EQ(ModelVnc(any), 2u);
  for (auto m : {on0, on1, any}) EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, ConcurrentLoadsAndUnloadsKeepCoreAccounting) {
  NRTEST_INIT(rt);
  const std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_matmul"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        nrt_model_t* m = nullptr;
        const int32_t vnc = (i % 3 == 0) ? -1 : (t + i) % 4;
        if (nrt_load(neff.data(), neff.size(), vnc, -1, &m) != NRT_SUCCESS) {
          failures++;
          continue;
        }
        if (nrt_unload(m) != NRT_SUCCESS) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (uint32_t vnc = 0; vnc < 4; ++vnc) EXPECT_EQ(UsedBytes(vnc), 0u) << "core " << vnc;
  // With every model unloaded, four loads with vnc -1 again land on four different cores.
  std::set<uint32_t> cores;
  std::vector<nrt_model_t*> models(4, nullptr);
  for (auto& m : models) {
    ASSERT_EQ(nrt_load(neff.data(), neff.size(), -1, -1, &m), NRT_SUCCESS);
    cores.insert(ModelVnc(m));
  }
  EXPECT_EQ(cores.size(), 4u);
  for (auto m : models) EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, ExplicitVncLoadsThere) {
  NRTEST_INIT(rt);
  for (int vnc = 0; vnc < 4; ++vnc) {
    nrt_model_t* m = LoadModelFile(ModelPath("sync_add"), vnc);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(ModelVnc(m), static_cast<uint32_t>(vnc));
    EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
  }
}

TEST(ModelLoad, SeveralModelsShareOneCore) {
  NRTEST_INIT(rt);
  std::vector<nrt_model_t*> models;
  for (int i = 0; i < 10; ++i) {
    models.push_back(LoadModelFile(ModelPath(i % 2 ? "sync_add" : "sync_matmul"), 1));
    ASSERT_NE(models.back(), nullptr);
  }
  EXPECT_EQ(std::set<nrt_model_t*>(models.begin(), models.end()).size(), models.size()) << "handles are distinct";
  for (auto m : models) EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, BadVncIsInvalid) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  for (int32_t vnc : {4, 5, -2, 1000, INT32_MIN, INT32_MAX}) {
    nrt_model_t* m = nullptr;
    EXPECT_EQ(nrt_load(neff.data(), neff.size(), vnc, -1, &m), NRT_INVALID) << "vnc " << vnc;
    EXPECT_EQ(m, nullptr);
  }
}

TEST(ModelLoad, VncCountIsIgnored) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  for (int32_t count : {-1, 0, 1, 2, 4, 100}) {
    nrt_model_t* m = nullptr;
    ASSERT_EQ(nrt_load(neff.data(), neff.size(), 3, count, &m), NRT_SUCCESS) << "vnc_count " << count;
    EXPECT_EQ(ModelVnc(m), 3u);
    uint32_t n = 0;
    EXPECT_EQ(nrt_get_model_vnc_count(m, &n), NRT_SUCCESS);
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(nrt_get_model_nc_count(m, &n), NRT_SUCCESS);
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
  }
}

TEST(ModelLoad, LoadRejectsNullArguments) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  nrt_model_t* m = nullptr;
  EXPECT_EQ(nrt_load(nullptr, neff.size(), 0, -1, &m), NRT_INVALID);
  EXPECT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_load(neff.data(), 0, 0, -1, &m), NRT_INVALID);
  EXPECT_EQ(m, nullptr);
}

TEST(ModelLoad, LoadCopiesTheNeffBytes) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  nrt_model_t* m = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_SUCCESS);
  std::fill(neff.begin(), neff.end(), 0xCC);
  neff.clear();
  neff.shrink_to_fit();
  {
    ModelIo io(m, 0);
    WriteAll(io.in[0], std::vector<float>(32, 1.5f));
    WriteAll(io.in[1], std::vector<float>(32, 2.0f));
    ASSERT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_SUCCESS);
    EXPECT_EQ(ReadAll<float>(io.out[0]), std::vector<float>(32, 3.5f));
  }
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, TensorInfoListsInputsThenOutputsWithShapesAndSizes) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_matmul"));
  ASSERT_NE(m, nullptr);
  std::vector<IoInfo> info = GetTensorInfo(m);
  ASSERT_EQ(info.size(), 4u);
  EXPECT_EQ(info[0].name, "x");
  EXPECT_EQ(info[0].usage, NRT_TENSOR_USAGE_INPUT);
  EXPECT_EQ(info[0].dtype, NRT_DTYPE_FLOAT32);
  EXPECT_EQ(info[0].shape, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(info[0].size, 24u);
  EXPECT_EQ(info[1].name, "w");
  EXPECT_EQ(info[1].usage, NRT_TENSOR_USAGE_INPUT);
  EXPECT_EQ(info[1].shape, (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(info[1].size, 48u);
  EXPECT_EQ(info[2].name, "y");
  EXPECT_EQ(info[2].usage, NRT_TENSOR_USAGE_OUTPUT);
  EXPECT_EQ(info[2].dtype, NRT_DTYPE_FLOAT32);
  EXPECT_EQ(info[2].shape, (std::vector<uint32_t>{2, 4}));
  EXPECT_EQ(info[2].size, 32u);
  EXPECT_EQ(info[3].name, "h");
  EXPECT_EQ(info[3].usage, NRT_TENSOR_USAGE_OUTPUT);
  EXPECT_EQ(info[3].size, 32u);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, TensorInfoDtypesUseHardwareEncodings) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_dtypes"));
  ASSERT_NE(m, nullptr);
  std::vector<IoInfo> info = GetTensorInfo(m);
  struct Expect {
    const char* name;
    nrt_tensor_usage_t usage;
    int dtype;  // raw hardware encoding, not the enumerator, so a renumbered header cannot hide a change
    size_t size;
    std::vector<uint32_t> shape;
  };
  const std::vector<Expect> expected = {
      {"in_i32", NRT_TENSOR_USAGE_INPUT, 0x8, 24, {2, 3}},   {"in_f16", NRT_TENSOR_USAGE_INPUT, 0x7, 8, {4}},
      {"in_bf16", NRT_TENSOR_USAGE_INPUT, 0x6, 8, {2, 2}},   {"in_u8", NRT_TENSOR_USAGE_INPUT, 0x3, 6, {6}},
      {"in_i8", NRT_TENSOR_USAGE_INPUT, 0x2, 5, {1, 5}},     {"out_i32", NRT_TENSOR_USAGE_OUTPUT, 0x8, 24, {2, 3}},
      {"out_f16", NRT_TENSOR_USAGE_OUTPUT, 0x7, 8, {4}},     {"out_bf16", NRT_TENSOR_USAGE_OUTPUT, 0x6, 8, {2, 2}},
      {"out_u8", NRT_TENSOR_USAGE_OUTPUT, 0x3, 6, {6}},      {"out_i8", NRT_TENSOR_USAGE_OUTPUT, 0x2, 5, {1, 5}},
      {"out_f32", NRT_TENSOR_USAGE_OUTPUT, 0xA, 24, {2, 3}},
  };
  ASSERT_EQ(info.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(info[i].name, expected[i].name);
    EXPECT_EQ(info[i].usage, expected[i].usage);
    EXPECT_EQ(static_cast<int>(info[i].dtype), expected[i].dtype);
    EXPECT_EQ(info[i].size, expected[i].size);
    EXPECT_EQ(info[i].shape, expected[i].shape);
  }
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, ZeroInputModelWithScalarOutputSignature) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_const"));
  ASSERT_NE(m, nullptr);
  std::vector<IoInfo> info = GetTensorInfo(m);
  ASSERT_EQ(info.size(), 2u);
  EXPECT_EQ(info[0].name, "total");
  EXPECT_EQ(info[0].usage, NRT_TENSOR_USAGE_OUTPUT);
  EXPECT_TRUE(info[0].shape.empty()) << "a scalar has no dimensions";
  EXPECT_EQ(info[0].size, 4u);
  EXPECT_EQ(info[1].name, "doubled");
  EXPECT_EQ(info[1].shape, (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, MaximumLengthNamesSurviveTensorInfo) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_longname"));
  ASSERT_NE(m, nullptr);
  nrt_tensor_info_array_t* a = nullptr;
  ASSERT_EQ(nrt_get_model_tensor_info(m, &a), NRT_SUCCESS);
  ASSERT_EQ(a->tensor_count, 3u);
  EXPECT_EQ(std::string(a->tensor_array[0].name, strnlen(a->tensor_array[0].name, NRT_TENSOR_NAME_MAX)),
            std::string(255, 'L'));
  EXPECT_EQ(a->tensor_array[0].name[255], '\0');
  EXPECT_EQ(std::string(a->tensor_array[1].name, strnlen(a->tensor_array[1].name, NRT_TENSOR_NAME_MAX)),
            std::string(255, 'O'));
  EXPECT_EQ(a->tensor_array[1].name[255], '\0');
  EXPECT_STREQ(a->tensor_array[2].name, "same");
  EXPECT_EQ(nrt_free_model_tensor_info(a), NRT_SUCCESS);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, TensorInfoArrayIsWellFormedAndFreeable) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(m, nullptr);
  nrt_tensor_info_array_t* a = nullptr;
  ASSERT_EQ(nrt_get_model_tensor_info(m, &a), NRT_SUCCESS);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->tensor_count, 3u);
  for (uint64_t i = 0; i < a->tensor_count; ++i) {
    const nrt_tensor_info_t& t = a->tensor_array[i];
    EXPECT_NE(std::memchr(t.name, '\0', NRT_TENSOR_NAME_MAX), nullptr);
    EXPECT_EQ(t.ndim, 2u);
    ASSERT_NE(t.shape, nullptr);
    EXPECT_EQ(t.shape[0] * t.shape[1] * 4u, t.size);
  }
  EXPECT_EQ(nrt_free_model_tensor_info(a), NRT_SUCCESS);
  // Two arrays are independent copies.
  nrt_tensor_info_array_t *b = nullptr, *c = nullptr;
  ASSERT_EQ(nrt_get_model_tensor_info(m, &b), NRT_SUCCESS);
  ASSERT_EQ(nrt_get_model_tensor_info(m, &c), NRT_SUCCESS);
  EXPECT_NE(b, c);
  EXPECT_NE(b->tensor_array[0].shape, c->tensor_array[0].shape);
  EXPECT_EQ(nrt_free_model_tensor_info(b), NRT_SUCCESS);
  EXPECT_EQ(c->tensor_array[0].shape[0], 4u);
  EXPECT_EQ(nrt_free_model_tensor_info(c), NRT_SUCCESS);
  EXPECT_EQ(nrt_free_model_tensor_info(nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_get_model_tensor_info(m, nullptr), NRT_INVALID);
  EXPECT_EQ(nrt_get_model_tensor_info(nullptr, &b), NRT_INVALID);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, ModelInfoReportsVncAndSize) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"), 3);
  ASSERT_NE(m, nullptr);
  nrt_model_info_t info{};
  size_t out = 0;
  ASSERT_EQ(nrt_get_model_info(m, &info, sizeof info, &out), NRT_SUCCESS);
  EXPECT_EQ(info.vnc, 3u);
  EXPECT_EQ(out, sizeof(nrt_model_info_t));
  // A caller with an older, smaller struct gets only what fits; the size is still reported.
  info.vnc = 0xABCD;
  out = 0;
  ASSERT_EQ(nrt_get_model_info(m, &info, 0, &out), NRT_SUCCESS);
  EXPECT_EQ(info.vnc, 0xABCDu);
  EXPECT_EQ(out, sizeof(nrt_model_info_t));
  EXPECT_EQ(nrt_get_model_info(m, nullptr, sizeof info, &out), NRT_INVALID);
  EXPECT_EQ(nrt_get_model_info(nullptr, &info, sizeof info, &out), NRT_INVALID);
  uint32_t instances = 0;
  EXPECT_EQ(nrt_get_model_instance_count(m, &instances), NRT_SUCCESS);
  EXPECT_GE(instances, 1u);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, TruncatedNeffIsRejected) {
  NRTEST_INIT(rt);
  const std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_matmul"));
  ASSERT_GT(neff.size(), 1100u);
  for (size_t len : {size_t{1}, size_t{8}, size_t{100}, size_t{1023}, size_t{1024}, size_t{1025}, size_t{1100},
                     neff.size() / 2, neff.size() - 100, neff.size() - 1}) {
    ExpectRejected(std::vector<uint8_t>(neff.begin(), neff.begin() + len), "first " + std::to_string(len) + " bytes");
  }
}

TEST(ModelLoad, ZeroFilledNeffIsRejected) {
  NRTEST_INIT(rt);
  for (size_t len : {size_t{1}, size_t{1024}, size_t{1025}, size_t{4096}, size_t{1 << 20}}) {
    ExpectRejected(std::vector<uint8_t>(len, 0), std::to_string(len) + " zero bytes");
  }
}

TEST(ModelLoad, RandomBytesAreRejected) {
  NRTEST_INIT(rt);
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> bytes(1 + rng() % 8192);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    ExpectRejected(bytes, "random buffer " + std::to_string(i));
  }
}

TEST(ModelLoad, ValidHeaderWithRandomArchiveIsRejected) {
  NRTEST_INIT(rt);
  const std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_GT(neff.size(), 1024u);
  std::mt19937_64 rng(777);
  for (int i = 0; i < 100; ++i) {
    std::vector<uint8_t> bytes = neff;
    for (size_t j = 1024 + (i % 2 ? 0 : 10); j < bytes.size(); ++j) bytes[j] = static_cast<uint8_t>(rng());
    ExpectRejected(bytes, "random archive " + std::to_string(i));
  }
}

TEST(ModelLoad, CorruptedBytesNeverCrash) {
  // Single corrupted bytes anywhere: the load may still succeed (e.g. padding or text), but it must
  // return a status, and a model it accepts must run and unload.
  NRTEST_INIT(rt);
  const std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_matmul"));
  for (size_t pos = 0; pos < neff.size(); pos += 7) {
    std::vector<uint8_t> bytes = neff;
    bytes[pos] ^= 0xFF;
    nrt_model_t* m = nullptr;
    NRT_STATUS s = nrt_load(bytes.data(), bytes.size(), 0, -1, &m);
    if (s == NRT_SUCCESS) {
      ModelIo io(m, 0);
      nrt_execute(m, io.inputs, io.outputs);
      EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
    } else {
      EXPECT_TRUE(s == NRT_INVALID || s == NRT_UNSUPPORTED_NEFF_VERSION)
          << "byte " << pos << ": " << nrt_get_status_as_str(s);
    }
  }
  EXPECT_EQ(UsedBytes(0), 0u) << "failed loads leaked device memory";
}

TEST(ModelLoad, NewerNeffVersionIsUnsupported) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_GT(neff.size(), 0x230u);
  std::vector<uint8_t> major3 = neff;
  PutU64(major3, 0x18, 3);
  nrt_model_t* m = nullptr;
  EXPECT_EQ(nrt_load(major3.data(), major3.size(), 0, -1, &m), NRT_UNSUPPORTED_NEFF_VERSION);
  std::vector<uint8_t> feature = neff;
  PutU64(feature, 0x18, 2);
  PutU64(feature, 0x220, uint64_t{1} << 27);
  EXPECT_EQ(nrt_load(feature.data(), feature.size(), 0, -1, &m), NRT_UNSUPPORTED_NEFF_VERSION)
      << "feature bit 27 is unknown to the runtime";
  EXPECT_EQ(m, nullptr);
}

TEST(ModelLoad, BadHeaderFieldsAreInvalid) {
  NRTEST_INIT(rt);
  const std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  struct Patch {
    size_t offset;
    uint64_t value;
    const char* what;
  };
  for (Patch p : {Patch{0x08, 512, "header_size 512"}, Patch{0x08, 0, "header_size 0"},
                  Patch{0x10, neff.size(), "data_size past the end"}, Patch{0x10, ~uint64_t{0}, "data_size huge"},
                  Patch{0x10, 0, "data_size 0"}, Patch{0x00, 7, "pkg_version 7"}}) {
    std::vector<uint8_t> bytes = neff;
    PutU64(bytes, p.offset, p.value);
    ExpectRejected(bytes, p.what);
  }
}

TEST(ModelLoad, ValidLoadAfterMalformedLoadsStillWorks) {
  NRTEST_INIT(rt);
  ExpectRejected(std::vector<uint8_t>(2048, 0x5A), "0x5A bytes");
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"), 0);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(ModelLoad, UnloadTwiceIsInvalid) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
  EXPECT_EQ(nrt_unload(m), NRT_INVALID);
  EXPECT_EQ(nrt_unload(nullptr), NRT_INVALID);
}

TEST(ModelLoad, UnloadedModelHandleIsRefused) {
  NRTEST_INIT(rt);
  nrt_model_t* m = LoadModelFile(ModelPath("sync_add"));
  ASSERT_NE(m, nullptr);
  ModelIo io(m, 0);
  ASSERT_EQ(nrt_unload(m), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(m, io.inputs, io.outputs), NRT_INVALID);
  nrt_tensor_info_array_t* a = nullptr;
  EXPECT_EQ(nrt_get_model_tensor_info(m, &a), NRT_INVALID);
  nrt_model_info_t info;
  size_t out;
  EXPECT_EQ(nrt_get_model_info(m, &info, sizeof info, &out), NRT_INVALID);
}

TEST(ModelLoad, NeffMemoryIsAccountedOnItsCore) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_matmul"));
  const uint64_t before = UsedBytes(2);
  nrt_model_t* m = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 2, -1, &m), NRT_SUCCESS);
  EXPECT_GE(UsedBytes(2), before + neff.size());
  EXPECT_EQ(UsedBytes(1), 0u);
  ASSERT_EQ(nrt_unload(m), NRT_SUCCESS);
  EXPECT_EQ(UsedBytes(2), before);
}

TEST(ModelLoad, LoadCollectivesChecksTheContext) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  nrt_model_t* m = nullptr;
  EXPECT_EQ(nrt_load_collectives(neff.data(), neff.size(), 0, -1, 1, 1, &m), NRT_INVALID) << "id not below count";
  EXPECT_EQ(nrt_load_collectives(neff.data(), neff.size(), 0, -1, 0, 0, &m), NRT_INVALID) << "count 0";
  ASSERT_EQ(nrt_load_collectives(neff.data(), neff.size(), 0, -1, 0, 1, &m), NRT_SUCCESS);
  EXPECT_EQ(ModelVnc(m), 0u);
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

}  // namespace
