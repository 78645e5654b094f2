// Asynchronous tensor send / receive (nrt_async_sendrecv.h). It rides the collectives machinery,
// which runtime/collectives/ has not brought yet, so every call is refused as nrta_cc_prepare is:
// lifecycle first, then the arguments, then NRT_FAILURE (the SDK's status for "errors") with one
// log line saying why. No communicator or request is ever created, so any handle passed in is
// NRT_INVALID_HANDLE, as the header documents for an invalid handle.
#include "nrt/nrt_async_sendrecv.h"
#include "runtime/api/handles.h"

using namespace nrtb;

namespace {

[[noreturn]] void RefuseUnavailable() {
  ThrowStatus(NRT_FAILURE,
              "asynchronous send/receive is not available yet in nrt-bridge (it comes with the collectives support)");
}

void RequireHandle(const void* handle, const char* what) {
  if (handle == nullptr) ThrowStatus(NRT_INVALID_HANDLE, "%s is NULL", what);
  ThrowStatus(NRT_INVALID_HANDLE, "%s %p is not a live send/receive handle (nrt-bridge has created none)", what,
              handle);
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_get_max_num_communicators_per_lnc(int* num) {
  return Guarded("nrt_async_sendrecv_get_max_num_communicators_per_lnc", [&] {
    RequireDevice();
    RequireNonNull(num, "num");
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_get_max_num_pending_request(int* num) {
  return Guarded("nrt_async_sendrecv_get_max_num_pending_request", [&] {
    RequireDevice();
    RequireNonNull(num, "num");
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_init(int lnc) {
  return Guarded("nrt_async_sendrecv_init", [&] {
    RequireDevice();
    if (lnc < 0) ThrowInvalid("lnc %d is negative", lnc);
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_close(int lnc) {
  return Guarded("nrt_async_sendrecv_close", [&] {
    RequireDevice();
    if (lnc < 0) ThrowInvalid("lnc %d is negative", lnc);
    ThrowStatus(NRT_FAILURE, "send/receive was never initialised on lnc %d (not available yet in nrt-bridge)", lnc);
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_connect(const char* peer_ip, int peer_lnc, int lnc,
                                                  nrt_async_sendrecv_comm_t** send_comm) {
  return Guarded("nrt_async_sendrecv_connect", [&] {
    RequireDevice();
    RequireNonNull(peer_ip, "peer_ip");
    RequireNonNull(send_comm, "send_comm");
    if (peer_lnc < 0 || lnc < 0) ThrowInvalid("peer_lnc %d / lnc %d must not be negative", peer_lnc, lnc);
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_accept(const char* peer_ip, int peer_lnc, int lnc,
                                                 nrt_async_sendrecv_comm_t** recv_comm) {
  return Guarded("nrt_async_sendrecv_accept", [&] {
    RequireDevice();
    RequireNonNull(peer_ip, "peer_ip");
    RequireNonNull(recv_comm, "recv_comm");
    if (peer_lnc < 0 || lnc < 0) ThrowInvalid("peer_lnc %d / lnc %d must not be negative", peer_lnc, lnc);
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_test_comm(nrt_async_sendrecv_comm_t* comm, bool* done) {
  return Guarded("nrt_async_sendrecv_test_comm", [&] {
    RequireDevice();
    RequireNonNull(done, "done");
    RequireHandle(comm, "comm");
    return NRT_INVALID_HANDLE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_send_tensor(nrt_tensor_t* tensor, size_t offset, size_t length,
                                                      nrt_async_sendrecv_comm_t* send_comm,
                                                      nrt_async_sendrecv_request_t** request) {
  return Guarded("nrt_async_sendrecv_send_tensor", [&] {
    RequireDevice();
    RequireNonNull(request, "request");
    GetTensor(tensor, "tensor");
    RequireHandle(send_comm, "send_comm");
    (void)offset;
    (void)length;
    return NRT_INVALID_HANDLE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_recv_tensor(nrt_tensor_t* tensor, size_t offset, size_t length,
                                                      nrt_async_sendrecv_comm_t* recv_comm,
                                                      nrt_async_sendrecv_request_t** request) {
  return Guarded("nrt_async_sendrecv_recv_tensor", [&] {
    RequireDevice();
    RequireNonNull(request, "request");
    GetTensor(tensor, "tensor");
    RequireHandle(recv_comm, "recv_comm");
    (void)offset;
    (void)length;
    return NRT_INVALID_HANDLE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_test_request(nrt_async_sendrecv_request_t* request, bool* done,
                                                       size_t* size) {
  return Guarded("nrt_async_sendrecv_test_request", [&] {
    RequireDevice();
    RequireNonNull(done, "done");
    RequireNonNull(size, "size");
    RequireHandle(request, "request");
    return NRT_INVALID_HANDLE;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_flush(int lnc) {
  return Guarded("nrt_async_sendrecv_flush", [&] {
    RequireDevice();
    if (lnc < 0) ThrowInvalid("lnc %d is negative", lnc);
    RefuseUnavailable();
    return NRT_FAILURE;
  });
}
