/*
 * nrt-bridge — status codes of the Neuron Runtime C API.
 * Values are the SDK's (stable since 2022); 8 and 12 are unused there too.
 */
#ifndef NRT_STATUS_H
#define NRT_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  NRT_SUCCESS = 0,
  NRT_FAILURE = 1,                        /* non-specific failure */
  NRT_INVALID = 2,                        /* invalid argument, NEFF or state */
  NRT_INVALID_HANDLE = 3,                 /* invalid handle */
  NRT_RESOURCE = 4,                       /* out of device memory or another resource */
  NRT_TIMEOUT = 5,                        /* operation timed out */
  NRT_HW_ERROR = 6,                       /* hardware failure */
  NRT_QUEUE_FULL = 7,                     /* submission queue full; nothing was queued */
  NRT_LOAD_NOT_ENOUGH_NC = 9,             /* not enough NeuronCores for the model */
  NRT_UNSUPPORTED_NEFF_VERSION = 10,      /* NEFF built by an unsupported compiler */
  NRT_FAIL_HOST_MEM_ALLOC = 11,           /* kept for compatibility; not returned */
  NRT_UNINITIALIZED = 13,                 /* nrt_init has not been called */
  NRT_CLOSED = 14,                        /* nrt_close has been called */
  NRT_QUEUE_EMPTY = 15,                   /* queue is empty */
  NRT_EXEC_UNIT_UNRECOVERABLE = 101,      /* execution unit hit a fatal error */
  NRT_EXEC_BAD_INPUT = 1002,              /* invalid input */
  NRT_EXEC_COMPLETED_WITH_NUM_ERR = 1003, /* numerical error (NaN) */
  NRT_EXEC_COMPLETED_WITH_ERR = 1004,     /* completed with a non-numerical error */
  NRT_EXEC_NC_BUSY = 1005,                /* NeuronCore busy */
  NRT_EXEC_OOB = 1006,                    /* out-of-bounds access */
  NRT_COLL_PENDING = 1100,                /* collective operation pending */
  NRT_EXEC_HW_ERR_COLLECTIVES = 1200,
  NRT_EXEC_HW_ERR_HBM_UE = 1201,
  NRT_EXEC_HW_ERR_NC_UE = 1202,
  NRT_EXEC_HW_ERR_DMA_ABORT = 1203,
  NRT_EXEC_SW_NQ_OVERFLOW = 1204,
  NRT_EXEC_HW_ERR_REPAIRABLE_HBM_UE = 1205,
  NRT_NETWORK_PROXY_FAILURE = 1206
} NRT_STATUS;

/* Name of a status ("NRT_QUEUE_FULL"), or "UNKNOWN STATUS". Never NULL. */
const char *nrt_get_status_as_str(NRT_STATUS status);

#ifdef __cplusplus
}
#endif

#endif /* NRT_STATUS_H */
