// Executing a model again after its tensor sets, or the tensors in them, changed: every execution binds what the
// sets hold at that moment (the runtime may remember an earlier binding, it must never use a stale one).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "nrtest.h"

namespace {

using namespace nrtest;

constexpr size_t kN = 32;  // sync_add: out[4,8] = a[4,8] + b[4,8], float32

std::vector<float> Filled(float v) { return std::vector<float>(kN, v); }

// out == a + b for the values each tensor was filled with.
void ExpectSum(nrt_tensor_t* out, float a, float b, const std::string& where) {
  std::vector<float> got = ReadAll<float>(out);
  ASSERT_EQ(got.size(), kN) << where;
  for (size_t i = 0; i < kN; ++i) ASSERT_EQ(got[i], a + b) << where << ", element " << i;
}

class TensorSetRebind : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(rt_.status(), NRT_SUCCESS) << "nrt_init";
    model_ = LoadModelFile(ModelPath("sync_add"));
    ASSERT_NE(model_, nullptr);
  }
  void TearDown() override {
    if (model_ != nullptr) {
      EXPECT_EQ(nrt_unload(model_), NRT_SUCCESS);
    }
  }
  // Fills the io's inputs with a and b, executes, and checks the output.
  void ExecuteAndCheck(ModelIo& io, float a, float b, const std::string& where) {
    WriteAll(io.in[0], Filled(a));
    WriteAll(io.in[1], Filled(b));
    ASSERT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_SUCCESS) << where;
    ExpectSum(io.out[0], a, b, where);
  }

  Runtime rt_;
  nrt_model_t* model_ = nullptr;
};

TEST_F(TensorSetRebind, ReplacedInputIsBoundByTheNextExecute) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 2, "first");
  nrt_tensor_t* other = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "other");
  WriteAll(other, Filled(40));
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), other), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_SUCCESS);
  ExpectSum(io.out[0], 40, 2, "after replacing input a");
  // And back: the first tensor is bound again.
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), io.in[0]), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_SUCCESS);
  ExpectSum(io.out[0], 1, 2, "after putting a back");
  nrt_tensor_free(&other);
}

TEST_F(TensorSetRebind, ReplacedOutputIsWrittenByTheNextScheduledExecution) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 3, 4, "first");
  nrt_tensor_t* other = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[2].size, "other out");
  WriteAll(other, Filled(-1));
  WriteAll(io.out[0], Filled(-2));
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, io.info[2].name.c_str(), other), NRT_SUCCESS);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = 0;
  ASSERT_EQ(nrta_execute_schedule(model_, io.inputs, io.outputs, 0, &ret, &seq), NRT_SUCCESS);
  ASSERT_TRUE(WaitSeq(seq));
  EXPECT_EQ(ret, NRT_SUCCESS);
  ExpectSum(other, 3, 4, "the new output");
  ExpectSum(io.out[0], -2, 0, "the replaced output, untouched");
  nrt_tensor_free(&other);
}

TEST_F(TensorSetRebind, NameAddedAfterAnExecuteMakesTheNextOneInvalid) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 1, "first");
  nrt_tensor_t* extra = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "extra");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, "not_an_input", extra), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_INVALID);
  NRT_STATUS ret = kSentinelStatus;
  nrta_seq_t seq = 0;
  EXPECT_EQ(nrta_execute_schedule(model_, io.inputs, io.outputs, 0, &ret, &seq), NRT_INVALID);
  nrt_tensor_free(&extra);
}

TEST_F(TensorSetRebind, AttachedBufferIsReadByTheNextExecute) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 2, "first");
  std::vector<float> mine = Filled(7);
  ASSERT_EQ(nrt_tensor_attach_buffer(io.in[0], mine.data(), mine.size() * sizeof(float)), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_SUCCESS);
  ExpectSum(io.out[0], 7, 2, "after attach_buffer");
  // A buffer of another size no longer fits the model's input.
  std::vector<float> small(kN / 2, 1.0f);
  ASSERT_EQ(nrt_tensor_attach_buffer(io.in[0], small.data(), small.size() * sizeof(float)), NRT_SUCCESS);
  EXPECT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_INVALID);
}

TEST_F(TensorSetRebind, TwoPairsOfSetsAlternatingOnOneModelEachBindTheirOwn) {
  ModelIo first(model_, 0), second(model_, 0);
  for (int i = 0; i < 4; ++i) {
    ExecuteAndCheck(first, 1.0f + i, 10, "first pair, round " + std::to_string(i));
    ExecuteAndCheck(second, 100.0f + i, 20, "second pair, round " + std::to_string(i));
  }
}

TEST_F(TensorSetRebind, SetDestroyedAndAllocatedAgainBindsItsNewTensors) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 2, "first");
  nrt_destroy_tensor_set(&io.inputs);
  ASSERT_EQ(nrt_allocate_tensor_set(&io.inputs), NRT_SUCCESS);
  nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "new a");
  nrt_tensor_t* b = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[1].size, "new b");
  WriteAll(a, Filled(50));
  WriteAll(b, Filled(60));
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), a), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[1].name.c_str(), b), NRT_SUCCESS);
  ASSERT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_SUCCESS);
  ExpectSum(io.out[0], 50, 60, "the new set");
  nrt_tensor_free(&a);
  nrt_tensor_free(&b);
}

// A set destroyed after executions that bound it: its handle is refused from then on, although the model still
// remembers the binding and the set's tensors are alive (a binding found by the sets' handles must not outlive them).
TEST_F(TensorSetRebind, ADestroyedSetsHandleIsRefusedAfterExecutionsThatBoundIt) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 2, "first");
  ExecuteAndCheck(io, 3, 4, "second, same sets");
  nrt_tensor_set_t* const destroyed = io.outputs;
  nrt_destroy_tensor_set(&io.outputs);
  // (nrt_execute only: under the implicit-async shim a destroy may be deferred until the shim's executions of the
  // set complete, so a direct nrta_execute_schedule could still find it.)
  EXPECT_EQ(nrt_execute(model_, io.inputs, destroyed), NRT_INVALID);
  ASSERT_EQ(nrt_allocate_tensor_set(&io.outputs), NRT_SUCCESS);
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.outputs, io.info[2].name.c_str(), io.out[0]), NRT_SUCCESS);
  ExecuteAndCheck(io, 5, 6, "a new output set");
}

// A tensor freed while its set still names it: the next execution is refused (a remembered binding must not keep
// the freed tensor), and a tensor put in its place is bound by the one after.
TEST_F(TensorSetRebind, AFreedInputIsRefusedAndItsReplacementBound) {
  ModelIo io(model_, 0);
  ExecuteAndCheck(io, 1, 2, "first");
  ExecuteAndCheck(io, 3, 4, "second, same sets");
  nrt_tensor_free(&io.in[0]);
  EXPECT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_INVALID) << "an input was freed";
  io.in[0] = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "replacement a");
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), io.in[0]), NRT_SUCCESS);
  ExecuteAndCheck(io, 5, 6, "after the replacement");
}

// Unloading a model and loading others (whose objects may take the unloaded one's memory): each binds the unchanged
// sets afresh. A model of another signature refuses them, the same NEFF loaded again computes from them.
TEST_F(TensorSetRebind, ModelsLoadedAfterAnUnloadBindTheSameSetsAfresh) {
  ModelIo io(model_, 0);
  for (int round = 0; round < 3; ++round) {
    const std::string where = "round " + std::to_string(round);
    ExecuteAndCheck(io, 1.0f + round, 2, where);
    ASSERT_EQ(nrt_unload(model_), NRT_SUCCESS);
    model_ = LoadModelFile(ModelPath("passthrough"));  // input a only: the set's b is not one of its inputs
    ASSERT_NE(model_, nullptr);
    EXPECT_EQ(nrt_execute(model_, io.inputs, io.outputs), NRT_INVALID) << where;
    ASSERT_EQ(nrt_unload(model_), NRT_SUCCESS);
    model_ = LoadModelFile(ModelPath("sync_add"));
    ASSERT_NE(model_, nullptr);
  }
  ExecuteAndCheck(io, 7, 8, "last");
}

// Each thread executes the shared model with sets of its own and, every round, puts a new tensor into its input
// set and frees the one before: other threads' frees and replacements happen between any two of its executions,
// and the result must always be computed from the tensor its set held.
TEST_F(TensorSetRebind, ThreadsReplacingAndFreeingTheirInputsAlwaysBindTheCurrentOne) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 60;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ModelIo io(model_, 0);
      WriteAll(io.in[1], Filled(0.5f));
      for (int r = 0; r < kRounds && failures[t] == 0; ++r) {
        const float v = static_cast<float>(t * 1000 + r);
        nrt_tensor_t* a = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "a");
        WriteAll(a, Filled(v));
        if (nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), a) != NRT_SUCCESS) ++failures[t];
        nrt_tensor_free(&io.in[0]);
        io.in[0] = a;
        if (r % 2 == 0) {
          if (nrt_execute(model_, io.inputs, io.outputs) != NRT_SUCCESS) ++failures[t];
        } else {
          NRT_STATUS ret = kSentinelStatus;
          nrta_seq_t seq = 0;
          if (nrta_execute_schedule(model_, io.inputs, io.outputs, 0, &ret, &seq) != NRT_SUCCESS || !WaitSeq(seq) ||
              ret != NRT_SUCCESS)
            ++failures[t];
        }
        for (float got : ReadAll<float>(io.out[0])) {
          if (got != v + 0.5f) ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

// Executions on several threads share one input set while another thread keeps switching its tensor `a` between
// two (a = 1 or 2, b = 0.5): each execution binds one of them, never a mix, and never a tensor no longer there.
TEST_F(TensorSetRebind, ExecutionsSharingASetWhileAnotherThreadSwitchesItsTensorBindOneOrTheOther) {
  ModelIo shared(model_, 0);
  nrt_tensor_t* other = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, shared.info[0].size, "a2");
  WriteAll(shared.in[0], Filled(1));
  WriteAll(other, Filled(2));
  WriteAll(shared.in[1], Filled(0.5f));
  constexpr int kExecutors = 3;
  constexpr int kRounds = 100;
  std::atomic<int> running{kExecutors};
  std::vector<int> failures(kExecutors + 1, 0);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; running.load() > 0; ++i) {
      nrt_tensor_t* a = i % 2 == 0 ? other : shared.in[0];
      if (nrt_add_tensor_to_tensor_set(shared.inputs, shared.info[0].name.c_str(), a) != NRT_SUCCESS) ++failures[0];
    }
  });
  for (int t = 1; t <= kExecutors; ++t) {
    threads.emplace_back([&, t] {
      nrt_tensor_set_t* out = nullptr;
      nrt_tensor_t* y = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, shared.info[2].size, "y");
      if (nrt_allocate_tensor_set(&out) != NRT_SUCCESS ||
          nrt_add_tensor_to_tensor_set(out, shared.info[2].name.c_str(), y) != NRT_SUCCESS)
        ++failures[t];
      for (int r = 0; r < kRounds && failures[t] == 0; ++r) {
        if (nrt_execute(model_, shared.inputs, out) != NRT_SUCCESS) ++failures[t];
        std::vector<float> got = ReadAll<float>(y);
        if (got.empty() || (got[0] != 1.5f && got[0] != 2.5f)) ++failures[t];
        for (float g : got) {
          if (g != got[0]) ++failures[t];
        }
      }
      running.fetch_sub(1);
      nrt_destroy_tensor_set(&out);
      nrt_tensor_free(&y);
    });
  }
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < failures.size(); ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  nrt_tensor_free(&other);
}

// One thread keeps putting a new tensor `a` (filled with its round number) into the input set while another executes
// with it: each execution binds a tensor at least as new as the last one whose put had returned when it started (a
// binding remembered by the sets' handles must not outlive a change to the set). The putting thread waits for an
// execution to end after each put, so a bind meets at most one put (several in a row make nrt_execute give up with
// NRT_INVALID, "keep changing", by design).
TEST_F(TensorSetRebind, AnExecutionBindsATensorAtLeastAsNewAsTheLastPutBeforeItStarted) {
  ModelIo io(model_, 0);
  constexpr int kPuts = 100;
  std::vector<nrt_tensor_t*> rounds(kPuts + 1);
  for (int r = 0; r <= kPuts; ++r) {
    rounds[r] = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, io.info[0].size, "a");
    WriteAll(rounds[r], Filled(static_cast<float>(r)));
  }
  ASSERT_EQ(nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), rounds[0]), NRT_SUCCESS);
  WriteAll(io.in[1], Filled(0.5f));
  std::atomic<int> put_round{0};
  std::atomic<int> executions{0};
  std::atomic<bool> stop{false};
  int put_failures = 0;
  std::thread putter([&] {
    for (int r = 1; r <= kPuts; ++r) {
      const int before = executions.load(std::memory_order_acquire);
      if (nrt_add_tensor_to_tensor_set(io.inputs, io.info[0].name.c_str(), rounds[r]) != NRT_SUCCESS) ++put_failures;
      put_round.store(r, std::memory_order_release);
      while (executions.load(std::memory_order_acquire) == before && !stop.load()) std::this_thread::yield();
    }
  });
  int failures = 0;
  for (int seen = 0; seen < kPuts && failures == 0;) {
    seen = put_round.load(std::memory_order_acquire);
    if (nrt_execute(model_, io.inputs, io.outputs) != NRT_SUCCESS) ++failures;
    executions.fetch_add(1, std::memory_order_release);
    std::vector<float> got = ReadAll<float>(io.out[0]);
    if (got.empty() || got[0] - 0.5f < static_cast<float>(seen)) {
      ADD_FAILURE() << "after put " << seen << " the execution bound the tensor of put " << (got.empty() ? -1 : got[0]);
      ++failures;
    }
    for (float g : got) {
      if (g != got[0]) ++failures;
    }
  }
  stop.store(true);  // the putter may wait for an execution that is not coming (the loop stopped on a failure)
  putter.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(put_failures, 0);
  for (nrt_tensor_t*& a : rounds) nrt_tensor_free(&a);
}

// The same with nrt_tensor_attach_buffer switching the input tensor's memory between two buffers of the model's
// size: an attach fails while an execution uses the tensor (NRT_INVALID), and an execution that binds the tensor
// after an attach reads the new buffer, never the old one or a half-changed layout.
TEST_F(TensorSetRebind, ExecutionsWhileAnotherThreadAttachesBuffersToTheirInputReadOneBufferOrTheOther) {
  ModelIo shared(model_, 0);
  std::vector<float> one = Filled(1), two = Filled(2);
  const size_t bytes = one.size() * sizeof(float);
  ASSERT_EQ(nrt_tensor_attach_buffer(shared.in[0], one.data(), bytes), NRT_SUCCESS);
  WriteAll(shared.in[1], Filled(0.5f));
  constexpr int kExecutors = 3;
  constexpr int kRounds = 100;
  std::atomic<int> running{kExecutors};
  std::atomic<int> attached{0};
  std::vector<int> failures(kExecutors + 1, 0);
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    for (int i = 0; running.load() > 0; ++i) {
      NRT_STATUS s = nrt_tensor_attach_buffer(shared.in[0], i % 2 == 0 ? two.data() : one.data(), bytes);
      if (s == NRT_SUCCESS) {
        attached.fetch_add(1);
      } else if (s != NRT_INVALID) {
        ++failures[0];
      }
    }
  });
  for (int t = 1; t <= kExecutors; ++t) {
    threads.emplace_back([&, t] {
      nrt_tensor_set_t* out = nullptr;
      nrt_tensor_t* y = MakeTensor(NRT_TENSOR_PLACEMENT_DEVICE, 0, shared.info[2].size, "y");
      if (nrt_allocate_tensor_set(&out) != NRT_SUCCESS ||
          nrt_add_tensor_to_tensor_set(out, shared.info[2].name.c_str(), y) != NRT_SUCCESS)
        ++failures[t];
      while (attached.load() == 0) std::this_thread::yield();  // the first switch is before any execution
      for (int r = 0; r < kRounds && failures[t] == 0; ++r) {
        if (nrt_execute(model_, shared.inputs, out) != NRT_SUCCESS) ++failures[t];
        std::vector<float> got = ReadAll<float>(y);
        if (got.empty() || (got[0] != 1.5f && got[0] != 2.5f)) ++failures[t];
        for (float g : got) {
          if (g != got[0]) ++failures[t];
        }
      }
      running.fetch_sub(1);
      nrt_destroy_tensor_set(&out);
      nrt_tensor_free(&y);
    });
  }
  for (auto& th : threads) th.join();
  for (size_t t = 0; t < failures.size(); ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
