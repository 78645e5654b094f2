// Debug streams (ndebug_stream.h): one pollable fd per logical core, owned by the runtime, closed by
// nrt_debug_client_connect_close or nrt_close. The simulated device emits no debug events, so a
// connected stream never becomes readable and reads report NRT_QUEUE_EMPTY (see debug_stream.h).
#include "nrt/ndebug_stream.h"
#include "runtime/api/handles.h"
#include "runtime/device/debug_stream.h"

using namespace nrtb;

namespace {

// True when fd is an open connection to one of the device's streams.
bool IsConnection(Device& d, int fd) {
  for (uint32_t i = 0; i < d.lnc_count(); ++i) {
    if (d.lnc(i)->debug_stream().Connected(fd)) return true;
  }
  return false;
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_debug_client_connect(int logical_nc_idx, int* stream_fd) {
  return Guarded("nrt_debug_client_connect", [&] {
    Device& d = RequireDevice();
    RequireNonNull(stream_fd, "stream_fd");
    Lnc& l = RequireLnc(d, logical_nc_idx, "logical_nc_idx");
    *stream_fd = l.debug_stream().Connect();
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT void nrt_debug_client_connect_close(int stream_fd) {
  Guarded("nrt_debug_client_connect_close", [&] {
    Device& d = RequireDevice();
    for (uint32_t i = 0; i < d.lnc_count(); ++i) {
      if (d.lnc(i)->debug_stream().Disconnect(stream_fd)) return NRT_SUCCESS;
    }
    ThrowInvalid("stream_fd %d is not an open debug stream connection", stream_fd);
    return NRT_INVALID;
  });
}

NRTB_EXPORT NRT_STATUS nrt_debug_client_read_one_event(int stream_fd, ndebug_stream_event_header_t* header,
                                                       void** payload) {
  return Guarded("nrt_debug_client_read_one_event", [&] {
    Device& d = RequireDevice();
    RequireNonNull(header, "header");
    RequireNonNull(payload, "payload");
    if (!IsConnection(d, stream_fd)) ThrowInvalid("stream_fd %d is not an open debug stream connection", stream_fd);
    // No device code runs on the simulated device, so no event is ever queued.
    *payload = nullptr;
    return NRT_QUEUE_EMPTY;
  });
}
