// Models loaded while implicit mode is on: the logical core each runs on (nrt_get_model_info, else the vnc
// given to nrt_load) and the model_id the callback reports (1, 2, ... in load order).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "nrt/nrt.h"

namespace nrt_shim {

class ModelRegistry {
 public:
  struct Record {
    uint32_t id = 0;
    int lnc = 0;
  };
  // Records a loaded model (vnc as given to nrt_load: -1 = the runtime chose).
  Record Add(const nrt_model_t* model, int32_t vnc);
  // The model's record, if it was loaded while implicit mode was on (nrt_init precedes every load, so any
  // other handle is invalid, and the runtime should say so).
  std::optional<Record> Find(const nrt_model_t* model);
  void Remove(const nrt_model_t* model);
  void Clear();

 private:
  std::mutex mu_;
  std::unordered_map<const nrt_model_t*, Record> models_;
  uint32_t next_id_ = 1;
};

}  // namespace nrt_shim
