/*
 * nrt-bridge — asynchronous tensor send / receive between logical cores (nrt_async_sendrecv.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nrt_async_sendrecv.h (experimental in
 * the SDK: "may change across Neuron versions"): same opaque handle types and function signatures.
 * tests/abi pins them.
 *
 * On nrt-bridge (runtime/collectives/sendrecv.h, README "Collectives"): TCP between logical cores of
 * this or another process or host. After the lifecycle check (NRT_UNINITIALIZED before nrt_init,
 * NRT_CLOSED after nrt_close, NRT_FAILURE in a forked child):
 *   - NULL out-parameter, tensor or peer_ip, a peer_ip that is not IPv4 dotted-quad, a negative or
 *     foreign lnc, a range past the tensor, a send on a receive communicator (or the reverse), a
 *     request on a communicator not connected yet: NRT_INVALID;
 *   - a NULL, stale or foreign communicator or request handle: NRT_INVALID_HANDLE;
 *   - init on a core already initialised, or whose port is taken; close, flush, connect or accept on
 *     a core not initialised: NRT_FAILURE;
 *   - past the limits the getters report: NRT_RESOURCE;
 *   - not connected within NEURON_RT_EXEC_TIMEOUT: NRT_TIMEOUT; a peer that went away:
 *     NRT_EXEC_HW_ERR_COLLECTIVES (the request and its communicator).
 *
 * lnc arguments are the absolute logical-core ids of the host (unaffected by visible-core selection).
 */
#ifndef NRT_NRT_ASYNC_SENDRECV_H
#define NRT_NRT_ASYNC_SENDRECV_H

#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <stddef.h>

#include "nrt/nrt.h"
#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nrt_async_sendrecv_comm nrt_async_sendrecv_comm_t;
typedef struct nrt_async_sendrecv_request nrt_async_sendrecv_request_t;

/* Limit on communicators per logical core, in *num. */
NRT_STATUS nrt_async_sendrecv_get_max_num_communicators_per_lnc(int *num);

/* Limit on pending requests per communicator, in *num. */
NRT_STATUS nrt_async_sendrecv_get_max_num_pending_request(int *num);

/* Start send/receive on logical core lnc (runtime initialised); pair with nrt_async_sendrecv_close
 * before nrt_close. */
NRT_STATUS nrt_async_sendrecv_init(int lnc);

/* Stop send/receive on logical core lnc; its communicators and requests become invalid. */
NRT_STATUS nrt_async_sendrecv_close(int lnc);

/* Create a send communicator from lnc to (peer_ip, peer_lnc); connected once
 * nrt_async_sendrecv_test_comm reports done. NRT_RESOURCE past the per-core limit. Thread-safe. */
NRT_STATUS nrt_async_sendrecv_connect(const char *peer_ip, int peer_lnc, int lnc,
                                      nrt_async_sendrecv_comm_t **send_comm);

/* Create a receive communicator on lnc for (peer_ip, peer_lnc). As nrt_async_sendrecv_connect. */
NRT_STATUS nrt_async_sendrecv_accept(const char *peer_ip, int peer_lnc, int lnc, nrt_async_sendrecv_comm_t **recv_comm);

/* *done = the communicator is connected to its peer. NRT_TIMEOUT if it failed to connect in time. */
NRT_STATUS nrt_async_sendrecv_test_comm(nrt_async_sendrecv_comm_t *comm, bool *done);

/* Start sending length bytes of tensor from offset over a connected send communicator; *request
 * tracks it. Non-blocking, thread-safe. NRT_RESOURCE past the pending-request limit. */
NRT_STATUS nrt_async_sendrecv_send_tensor(nrt_tensor_t *tensor, size_t offset, size_t length,
                                          nrt_async_sendrecv_comm_t *send_comm, nrt_async_sendrecv_request_t **request);

/* Start receiving length bytes into tensor at offset over a connected receive communicator. As
 * nrt_async_sendrecv_send_tensor. */
NRT_STATUS nrt_async_sendrecv_recv_tensor(nrt_tensor_t *tensor, size_t offset, size_t length,
                                          nrt_async_sendrecv_comm_t *recv_comm, nrt_async_sendrecv_request_t **request);

/* *done = the request completed, *size = bytes sent / received. Not again after it reported done;
 * not concurrently for one request. NRT_TIMEOUT if the transfer failed to complete in time. */
NRT_STATUS nrt_async_sendrecv_test_request(nrt_async_sendrecv_request_t *request, bool *done, size_t *size);

/* Make the data of every receive already reported done on lnc visible in memory. */
NRT_STATUS nrt_async_sendrecv_flush(int lnc);

#ifdef __cplusplus
}
#endif

#endif /* NRT_NRT_ASYNC_SENDRECV_H */
