// nrt_get_hbm_mmap_va (nrt.h): the simulated HBM, mapped into the process.
//
// The simulated host has one Neuron device (device_id 0) whose HBM regions are the device memory of
// its logical cores, one region per visible core: hbm_idx i is core i's range (memory_pool.h), from
// which that core's device tensors are carved, so the mapping aliases their bytes. As in the SDK, a
// caller walks hbm_idx = 0, 1, ... until NRT_INVALID_HANDLE ("no more HBM regions to map").
// The mapping stays valid until nrt_close.
#include "runtime/api/handles.h"

using namespace nrtb;

NRTB_EXPORT NRT_STATUS nrt_get_hbm_mmap_va(int device_id, int hbm_idx, void** addr, size_t* size) {
  return Guarded("nrt_get_hbm_mmap_va", [&] {
    Device& d = RequireDevice();
    RequireNonNull(addr, "addr");
    RequireNonNull(size, "size");
    if (device_id != 0) ThrowInvalid("neuron device %d does not exist (the simulated host has device 0)", device_id);
    if (hbm_idx < 0) ThrowInvalid("hbm_idx %d is negative", hbm_idx);
    Lnc* l = d.lnc(hbm_idx);
    // The documented end of the walk; the SDK logs nothing for it either.
    if (l == nullptr) return NRT_INVALID_HANDLE;
    MemoryPool::Region r = l->pool()->region();
    if (r.base == nullptr) ThrowStatus(NRT_FAILURE, "cannot map the device memory of logical core %d", hbm_idx);
    *addr = r.base;
    *size = r.size;
    return NRT_SUCCESS;
  });
}
