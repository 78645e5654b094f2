// A freed handle stays invalid forever: after free / destroy / unload, and after many more objects were
// created (whose memory may well reuse the freed object's address), the old handle is NRT_INVALID and never
// names one of the new objects. nrt-bridge's guarantee (handle values are never reused): the SDK calls the use
// of a freed handle undefined behaviour, so this is in the simulator set.
#include <set>
#include <vector>

#include "nrtest.h"
#include "nrt/nrt_async.h"

namespace {

using namespace nrtest;

constexpr int kMore = 2000;

TEST(StaleHandle, FreedTensorIsInvalidAfterManyAllocations) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "victim");
  ASSERT_NE(t, nullptr);
  nrt_tensor_t* stale = t;
  nrt_tensor_free(&t);
  std::vector<nrt_tensor_t*> more;
  for (int i = 0; i < kMore; ++i) {
    more.push_back(MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, 64, "new"));
    ASSERT_NE(more.back(), nullptr);
    ASSERT_NE(more.back(), stale) << "a freed handle value was handed out again";
  }
  uint8_t buf[64] = {};
  EXPECT_EQ(nrt_tensor_write(stale, buf, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_read(stale, buf, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_memset(stale, 0, 0, sizeof buf), NRT_INVALID);
  EXPECT_EQ(nrt_tensor_get_size(stale), 0u);
  int lnc = -1;
  EXPECT_EQ(nrt_tensor_get_lnc_index(stale, &lnc), NRT_INVALID);
  nrt_tensor_t* again = stale;
  nrt_tensor_free(&again);  // a double free changes nothing
  EXPECT_EQ(again, stale);
  for (nrt_tensor_t* x : more)
    EXPECT_EQ(nrt_tensor_get_size(x), 64u) << "a new tensor was freed through a stale handle";
  for (nrt_tensor_t*& x : more) nrt_tensor_free(&x);
}

TEST(StaleHandle, DestroyedTensorSetIsInvalidAfterManyAllocations) {
  NRTEST_INIT(rt);
  nrt_tensor_t* t = MakeTensor(NRT_TENSOR_PLACEMENT_HOST, -1, 16, "t");
  nrt_tensor_set_t* set = nullptr;
  ASSERT_EQ(nrt_allocate_tensor_set(&set), NRT_SUCCESS);
  nrt_tensor_set_t* stale = set;
  nrt_destroy_tensor_set(&set);
  std::vector<nrt_tensor_set_t*> more(kMore);
  for (auto& s : more) {
    ASSERT_EQ(nrt_allocate_tensor_set(&s), NRT_SUCCESS);
    ASSERT_NE(s, stale);
  }
  EXPECT_EQ(nrt_add_tensor_to_tensor_set(stale, "t", t), NRT_INVALID);
  nrt_tensor_t* out = nullptr;
  EXPECT_EQ(nrt_get_tensor_from_tensor_set(stale, "t", &out), NRT_INVALID);
  for (auto& s : more) nrt_destroy_tensor_set(&s);
  nrt_tensor_free(&t);
}

TEST(StaleHandle, UnloadedModelIsInvalidAfterManyLoads) {
  NRTEST_INIT(rt);
  std::vector<uint8_t> neff = ReadFileBytes(ModelPath("sync_add"));
  ASSERT_FALSE(neff.empty());
  nrt_model_t* m = nullptr;
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_SUCCESS);
  nrt_model_t* stale = m;
  ASSERT_EQ(nrt_unload(m), NRT_SUCCESS);
  std::set<nrt_model_t*> seen;
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_SUCCESS);
    ASSERT_NE(m, stale);
    ASSERT_TRUE(seen.insert(m).second) << "handle handed out twice";
    ASSERT_EQ(nrt_unload(m), NRT_SUCCESS);
  }
  ASSERT_EQ(nrt_load(neff.data(), neff.size(), 0, -1, &m), NRT_SUCCESS);
  uint32_t n = 0;
  EXPECT_EQ(nrt_get_model_nc_count(stale, &n), NRT_INVALID);
  EXPECT_EQ(nrt_unload(stale), NRT_INVALID);
  EXPECT_EQ(nrt_get_model_nc_count(m, &n), NRT_SUCCESS) << "the live model is untouched";
  EXPECT_EQ(nrt_unload(m), NRT_SUCCESS);
}

TEST(StaleHandle, DestroyedErrorTrackerIsInvalidAfterManyCreations) {
  NRTEST_INIT(rt);
  nrta_error_tracker_t* tr = nullptr;
  ASSERT_EQ(nrta_error_tracker_create(0, &tr), NRT_SUCCESS);
  nrta_error_tracker_t* stale = tr;
  nrta_error_tracker_destroy(tr);
  std::vector<nrta_error_tracker_t*> more(kMore);
  for (auto& x : more) {
    ASSERT_EQ(nrta_error_tracker_create(0, &x), NRT_SUCCESS);
    ASSERT_NE(x, stale);
  }
  const nrta_error_t* list = nullptr;
  size_t count = 0;
  EXPECT_EQ(nrta_error_tracker_get_list(stale, &list, &count), NRT_INVALID);
  for (auto* x : more) nrta_error_tracker_destroy(x);
}

}  // namespace
