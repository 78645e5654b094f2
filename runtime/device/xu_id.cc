#include "runtime/device/xu_id.h"

namespace nrtb {

const char* XuTypeName(XuType t) {
  switch (t) {
    case XuType::kTensorOp:
      return "tensor_op";
    case XuType::kCompute:
      return "compute";
    case XuType::kCollectives:
      return "collectives";
  }
  return "unknown";
}

}  // namespace nrtb
