// Asynchronous tensor send / receive (nrt_async_sendrecv.h) on runtime/collectives/sendrecv.h: lifecycle
// first, then the arguments, then one call on the session's SendRecv, whose errors carry the status.
#include "nrt/nrt_async_sendrecv.h"
#include "runtime/api/handles.h"

using namespace nrtb;

namespace {

uintptr_t Value(const void* handle, const char* what) {
  if (handle == nullptr) ThrowStatus(NRT_INVALID_HANDLE, "%s is NULL", what);
  return reinterpret_cast<uintptr_t>(handle);
}

SendRecv& Hub() { return RequireSession().sendrecv(); }

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_get_max_num_communicators_per_lnc(int* num) {
  return Guarded("nrt_async_sendrecv_get_max_num_communicators_per_lnc", [&] {
    RequireDevice();
    RequireNonNull(num, "num");
    *num = SendRecv::kMaxCommsPerLnc;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_get_max_num_pending_request(int* num) {
  return Guarded("nrt_async_sendrecv_get_max_num_pending_request", [&] {
    RequireDevice();
    RequireNonNull(num, "num");
    *num = SendRecv::kMaxPendingRequests;
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_init(int lnc) {
  return Guarded("nrt_async_sendrecv_init", [&] {
    Hub().Init(lnc);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_close(int lnc) {
  return Guarded("nrt_async_sendrecv_close", [&] {
    Hub().Close(lnc);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_connect(const char* peer_ip, int peer_lnc, int lnc,
                                                  nrt_async_sendrecv_comm_t** send_comm) {
  return Guarded("nrt_async_sendrecv_connect", [&] {
    SendRecv& hub = Hub();
    RequireNonNull(peer_ip, "peer_ip");
    RequireNonNull(send_comm, "send_comm");
    *send_comm = reinterpret_cast<nrt_async_sendrecv_comm_t*>(hub.Connect(peer_ip, peer_lnc, lnc));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_accept(const char* peer_ip, int peer_lnc, int lnc,
                                                 nrt_async_sendrecv_comm_t** recv_comm) {
  return Guarded("nrt_async_sendrecv_accept", [&] {
    SendRecv& hub = Hub();
    RequireNonNull(peer_ip, "peer_ip");
    RequireNonNull(recv_comm, "recv_comm");
    *recv_comm = reinterpret_cast<nrt_async_sendrecv_comm_t*>(hub.Accept(peer_ip, peer_lnc, lnc));
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_test_comm(nrt_async_sendrecv_comm_t* comm, bool* done) {
  return Guarded("nrt_async_sendrecv_test_comm", [&] {
    SendRecv& hub = Hub();
    RequireNonNull(done, "done");
    *done = false;
    *done = hub.TestComm(Value(comm, "comm"));
    return NRT_SUCCESS;
  });
}

namespace {

NRT_STATUS Post(const char* api, bool send, nrt_tensor_t* tensor, size_t offset, size_t length,
                nrt_async_sendrecv_comm_t* comm, nrt_async_sendrecv_request_t** request) {
  return Guarded(api, [&] {
    SendRecv& hub = Hub();
    RequireNonNull(request, "request");
    TensorUse use = UseTensor(tensor, "tensor");
    *request = reinterpret_cast<nrt_async_sendrecv_request_t*>(
        hub.Post(send, std::move(use), offset, length, Value(comm, send ? "send_comm" : "recv_comm")));
    return NRT_SUCCESS;
  });
}

}  // namespace

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_send_tensor(nrt_tensor_t* tensor, size_t offset, size_t length,
                                                      nrt_async_sendrecv_comm_t* send_comm,
                                                      nrt_async_sendrecv_request_t** request) {
  return Post("nrt_async_sendrecv_send_tensor", true, tensor, offset, length, send_comm, request);
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_recv_tensor(nrt_tensor_t* tensor, size_t offset, size_t length,
                                                      nrt_async_sendrecv_comm_t* recv_comm,
                                                      nrt_async_sendrecv_request_t** request) {
  return Post("nrt_async_sendrecv_recv_tensor", false, tensor, offset, length, recv_comm, request);
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_test_request(nrt_async_sendrecv_request_t* request, bool* done,
                                                       size_t* size) {
  return Guarded("nrt_async_sendrecv_test_request", [&] {
    SendRecv& hub = Hub();
    RequireNonNull(done, "done");
    RequireNonNull(size, "size");
    hub.TestRequest(Value(request, "request"), done, size);
    return NRT_SUCCESS;
  });
}

NRTB_EXPORT NRT_STATUS nrt_async_sendrecv_flush(int lnc) {
  return Guarded("nrt_async_sendrecv_flush", [&] {
    Hub().Flush(lnc);
    return NRT_SUCCESS;
  });
}
