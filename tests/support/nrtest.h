// nrtest: the public-API test kit of nrt-bridge (GoogleTest, the public headers and POSIX only), used by the
// conformance, shim and migrate tests. Include this, or only the part you need:
//   nrtest/runtime.h         Runtime (nrt_init/nrt_close), NRTEST_INIT(rt)
//   nrtest/init_rejects.h    ExpectInitRejects (a bad variable fails nrt_init with NRT_INVALID, one log line)
//   nrtest/tensor.h          Tensor, TensorSet, MakeTensor, VncMemoryStats, ReadAll/WriteAll, ReadFloats
//   nrtest/model.h           Model, LoadModelFile, GetTensorInfo, ModelIo, the async_* model helpers
//   nrtest/request.h         Req, sentinels, XuId/MakeSeq/SeqNum, WaitSeq/WaitUnit/CompletedNum
//   nrtest/eventfd.h         EventFd, Readable, ReadEventFd, DrainEventFd, FdOpen
//   nrtest/stderr_capture.h  StderrCapture, LinesWith
//   nrtest/hold.h            HoldGate (NRT_SIM_FAULTS hold=PATH: keep a request in flight until released)
//   nrtest/subprocess.h      RunSelf (a test of this binary in a fresh process), RunInFork, ExitCodeInFork,
//                            ChildResult
//   nrtest/paths.h           TempPath, ReadFileBytes, ModelPath, SampleModelDir (and nrtest/files.h)
//   nrtest/files.h           FileExists, ReadText, TryReadFileBytes, WriteFile (no GoogleTest: benchmarks too)
//   nrtest/env.h             SetEnv, UnsetEnv, ScopedEnv
//   nrtest/time.h            Clock, SecondsSince, WaitUntil, kGenerousTimeoutS
//   nrtest/process.h         OpenFdCount, ThreadCount, RssKb
//   nrtest/status_table.h    kEveryStatus (every NRT_STATUS with its name), kNotAStatus
#pragma once

// Standard headers tests commonly need (and the kit's predecessors provided), so test files written against
// them keep building.
#include <cstring>
#include <string>
#include <vector>

#include "nrtest/env.h"
#include "nrtest/eventfd.h"
#include "nrtest/hold.h"
#include "nrtest/init_rejects.h"
#include "nrtest/model.h"
#include "nrtest/paths.h"
#include "nrtest/process.h"
#include "nrtest/request.h"
#include "nrtest/runtime.h"
#include "nrtest/status_table.h"
#include "nrtest/stderr_capture.h"
#include "nrtest/subprocess.h"
#include "nrtest/tensor.h"
#include "nrtest/time.h"
