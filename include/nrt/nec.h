/*
 * nrt-bridge — Neuron Elastic Collectives interface (nec.h).
 *
 * Written for nrt-bridge from the Neuron SDK's public nec.h and its documentation: the runtime side
 * of the contract between libnrt and the collectives library (libnccom). The collectives library
 * calls the nec_* functions below back into libnrt to learn the device topology, size dynamic
 * transfers and signal the device; the structures describe what the two exchange.
 *
 * What is here, ABI-identical to the SDK's header (tests/abi pins sizes, offsets, values and
 * signatures): the constants, every enumeration, the structures exchanged through the functions
 * (host memory descriptors, peer / ring / kangaring / communicator info, device info, proxy FIFO
 * entries, version info) and all function declarations.
 *
 * What is not here: the SDK header also carries the runtime's own collectives state (struct
 * enc_net_connector, enc_channel, enc_alg_metaring, enc_alg_mesh_subtype, enc_alg_mesh,
 * enc_alg_hier, enc_comm, enc_glb_comm) and the unprefixed helper macros KiB / MiB / GiB. Those
 * describe the internals of the SDK's collectives engine rather than anything passed across this
 * interface, their layouts depend on driver types that are not public, and nrt-bridge does not
 * implement that engine; they are left out. A client that uses them does not compile against this
 * header (rather than compiling against a guessed layout).
 *
 * Behaviour on nrt-bridge: every nec_* function is about the hardware (PCI devices, MLAs, routing
 * ids, pod links, semaphore registers, the kernel log), which the simulated device does not have.
 * Each call logs one line naming the function and returns its error value: NRT_FAILURE for
 * NRT_STATUS functions, -1 for int functions (0 and false where those are the only failure values:
 * the size_t and bool functions). Before nrt_init the NRT_STATUS functions return NRT_UNINITIALIZED,
 * after nrt_close NRT_CLOSED.
 */
#ifndef NRT_NEC_H
#define NRT_NEC_H

#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nrt/nrt_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NEC_MAX_CHANNELS 32          /* as NCCL's MAXCHANNELS */
#define NEC_MAX_NR_CHANNEL_CHUNKS 32 /* channel buffers of a reduce operation */
#define NEC_MAX_FOLD_N 8
#define NEC_MAX_COMM_N 12                        /* replica groups a NEFF may use */
#define NEC_MAX_NET_BUFFERS (2 * NEC_MAX_COMM_N) /* hierarchical and ring, per replica group */
#define NEC_CACHE_LINE_SIZE 128

#define NEC_NET_CONNECTOR_RANK -1 /* rank id of a network connector */
#define NEC_NET_MLA_DEV -1        /* MLA device id of a network connector */
#define NEC_POD_MLA_DEV -2        /* MLA device id of a pod connector */
#define NEC_UNKNOWN_RANK -3       /* rank id of a connector that may be unreachable */
#define NEC_UNKNOWN_MLA_DEV -3    /* MLA device id of a connector that may be unreachable */

#define NEC_HIER_CC_PIPELINE_STAGE_N (3) /* stages of the hierarchical collectives pipeline */
#define NCCL_NET_NEURON_MAX_REQUESTS 128 /* outstanding requests of a send / receive proxy */
#define NEC_MAX_STREAM_N 4               /* collectives executions that may run at once */

/* Communicator kinds held by a send / receive proxy. */
typedef enum ofi_comm_type {
  NET_SEND_COMM,
  NET_RECV_COMM,
  NET_RECV_LISTEN_COMM,
  LOCAL_RECV_COMM,
  LOCAL_SEND_COMM
} ofi_comm_type_t;

typedef enum nec_op_type {
  NEC_OP_ADD = 0x0,
  NEC_OP_FMA = 0x1,
  NEC_OP_MAX = 0x2,
  NEC_OP_MIN = 0x3,
  NEC_OP_INVALID = 0xF,
} nec_op_type_t;

/* Element types, in the hardware encoding (as nrt_dtype_t). */
typedef enum nec_data_type {
  NEC_DTYPE_INVALID = 0x0,
  NEC_DTYPE_FP8_E3 = 0xD,
  NEC_DTYPE_FP8_E4 = 0xE,
  NEC_DTYPE_FP8_E5 = 0xF,
  NEC_DTYPE_FP16 = 0x7,
  NEC_DTYPE_BFLOAT16 = 0x6,
  NEC_DTYPE_FP32 = 0xA,
  NEC_DTYPE_UINT8 = 0x3,
  NEC_DTYPE_UINT16 = 0x5,
  NEC_DTYPE_UINT32 = 0x9,
  NEC_DTYPE_UINT64 = 0x1,
  NEC_DTYPE_INT8 = 0x2,
  NEC_DTYPE_INT16 = 0x4,
  NEC_DTYPE_INT32 = 0x8,
  NEC_DTYPE_INT64 = 0xC,
} nec_data_type_t;

/* Pod type, as the driver reports it. */
typedef enum nec_pod_type {
  NEC_POD_TYPE_NONE,
  NEC_POD_TYPE_P2P,
  NEC_POD_TYPE_SWITCH,
  NEC_POD_TYPE_INVALID
} nec_pod_type_t;

typedef struct enc_comm *nec_comm_t;
typedef struct enc_channel *nec_channel_t;
typedef uint64_t dma_addr_t;

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic" /* anonymous unions (C99), flexible array member (C++) */
#endif

/* One host index, alone on its cache line. */
struct enc_net_host_memory_index {
  union {
    volatile uint32_t index;
    char pad[NEC_CACHE_LINE_SIZE];
  };
};

/* Host memory shared by the device and a network proxy thread: per fold, the index up to which the
 * device has posted buffers to send (sender) or to receive into (receiver). */
struct enc_net_host_memory {
  union {
    struct {
      struct enc_net_host_memory_index post_recv[NEC_MAX_FOLD_N];
    } recv;
    struct {
      struct enc_net_host_memory_index post_send[NEC_MAX_FOLD_N];
    } send;
  };
};

/* A DMA-able host buffer. */
typedef struct enc_host_mem {
  void *mem_handle;
  void *va;
  dma_addr_t pa;
  size_t size;
} enc_host_mem_t;

typedef struct enc_host_mem_shared {
  enc_host_mem_t mem;
  int refcnt;
} enc_host_mem_shared_t;

typedef enum enc_pattern { ENC_PATTERN_RING, ENC_PATTERN_MESH, ENC_PATTERN_INVALID } enc_pattern_t;

typedef enum enc_net_connectivity {
  ENC_CONNECTIVITY_MESH,
  ENC_CONNECTIVITY_RDH,
  ENC_CONNECTIVITY_DEFAULT
} enc_net_connectivity_t;

struct enc_peer_info {
  int neuron_dev;
  int rid;
  int tpb_index;
  int pod_node_id;
};

typedef enum enc_topology_mode {
  ENC_TOPO_NULL = 0,
  ENC_TOPO_4_DEVS_IN_ROW,
  ENC_TOPO_4_DEVS_IN_COLUMN
} enc_topology_mode_t;

/* Cluster information of a communicator. */
struct enc_comm_info {
  int neuron_dev;
  int rank;
  int rank_n;
  int local_rank_n;
  int node;
  int node_n;
  enc_topology_mode_t enc_topo_mode;
  bool enable_pod;
  int pod;
  int pod_n;
  int pod_node;
  int pod_node_n;
  struct enc_peer_info *peers;
};

struct enc_ring {
  int prev;
  int next;
  int *user_ranks;
  bool duplicate; /* one-rank-per-device rings only */
};

#define NEC_KANGARING_MAX_NUM_RANKS (128)
#define KANGARING_NUM_SENG_PER_DEV (4)
#define KANGARING_NUM_TPB_PER_DEV (8)
#define KANGARING_MAX_SECONDARIES (3)

enum SEngine { S0 = 0, S1 = 1, S2 = 2, S3 = 3, SENGS_PER_DIE = 2, SENGS_PER_MLA = 4 };

/* One rank's place on a kangaring path. */
struct enc_kangaring {
  int vnc; /* logical core size */
  int logical_path[NEC_KANGARING_MAX_NUM_RANKS];
  int prev;
  int next;
  int port;       /* port towards next */
  int peer_rmtv;  /* LNC size 2: the only peer; LNC size 1: the peer over rmtv with the same tpb index */
  int peer_rmtv2; /* LNC size 1: the peer over rmtv with another tpb index */
  int peer_local; /* LNC size 1: the local peer with another tpb index */
  int next_peer_rmtv;
  bool is_primary;   /* on the data path */
  bool is_next_pcie; /* next primary reached over PCIe rather than die-to-die */
  bool duplicate;
  bool pattern2;
};

typedef enum metaring_type { RING, KANGARING, SINGLE_CYCLE_RING, RDH, INVALID_METARING } metaring_type_t;

/* Mesh algorithm events. The order is part of the contract: common events, then mesh-only,
 * all-to-all-only and RDH-only events, each section starting where the previous one ends. */
typedef enum enc_mesh_event_type {
  EVT_SYNC,
  EVT_GLOBAL_HNDSHK,
  EVT_LOCAL_HNDSHK,
  EVT_INTER_GRP_BRDCST,
  EVT_FUNCTION_BARRIER_FIRST_COLL,
  EVT_FUNCTION_BARRIER_LAST_COLL,
  EVT_REDUCE_LOCAL_HNDSHK,
  EVT_INTRA_GRP_BRDCST,
  ENC_COMMON_NUM_EVENT_TYPE,

  ENC_MESH_NUM_EVENT_START = ENC_COMMON_NUM_EVENT_TYPE,
  EVT_REDUCE_COPY = ENC_COMMON_NUM_EVENT_TYPE,
  EVT_REDUCE_WRITE,
  EVT_INTER_GRP_BRDCST_2,
  ENC_MESH_NUM_EVENT_TYPE,

  ENC_A2A_NUM_EVENT_START = ENC_MESH_NUM_EVENT_TYPE,
  EVT_LOCAL_HNDSHK_1 = ENC_MESH_NUM_EVENT_TYPE,
  EVT_LOCAL_HNDSHK_2,
  EVT_GLOBAL_HNDSHK_1,
  EVT_INTER_GRP_BRDCST_1,
  EVT_INTRA_GRP_BRDCST_1,
  EVT_2DEV_BRDCST,
  EVT_2DEV_HNDSHK,
  EVT_COPY_FROM_HOST,
  ENC_A2A_NUM_EVENT_TYPE,

  ENC_RDH_NUM_EVENT_START = ENC_A2A_NUM_EVENT_TYPE,
  EVT_RH_STEP_0 = ENC_A2A_NUM_EVENT_TYPE,
  EVT_RH_STEP_1,
  EVT_RH_STEP_2,
  EVT_RH_STEP_3,
  EVT_RH_STEP_4,
  EVT_RH_STEP_5,
  EVT_RH_STEP_6,
  EVT_RH_STEP_7,
  EVT_RH_STEP_8,
  EVT_RH_STEP_9,
  EVT_RDH_LOCAL_HANDSHAKE = EVT_RH_STEP_9,
  EVT_RDH_AXES_HANDSHAKE,
  EVT_RD_STEP_0,
  EVT_RD_STEP_1,
  EVT_RD_STEP_2,
  EVT_RD_STEP_3,
  EVT_RD_STEP_4,
  EVT_RD_STEP_5,
  EVT_RD_STEP_6,
  EVT_RDH_AXES_HANDSHAKE_2,
  EVT_1DEV_RDH_STEP_1,
  EVT_1DEV_RDH_STEP_2,
  EVT_1DEV_RD_STEP_1,
  EVT_1DEV_RD_STEP_2,
  EVT_1DEV_RH_STEP_1,
  EVT_2DEV_RD_STEP_0,
  EVT_2DEV_RD_STEP_1,
  EVT_2DEV_RD_STEP_2,
  EVT_2DEV_RD_STEP_3,
  EVT_2DEV_RD_STEP_4,
  EVT_RDH_LOCAL_PEER_HANDSHAKE,
  ENC_RDH_NUM_EVENT_TYPE /* each event is used at most once */
} enc_mesh_event_type_t;

#define ENC_MESH_MAX_NUM_EVENTS 64
#define ENC_MESH_CHANNEL_BUF_MAX_SIZE (8 * 1024 * 1024)

struct enc_mesh_nbr_grp {
  int *ranks;
  int ranks_n;
};

struct enc_mesh_event {
  struct enc_mesh_nbr_grp src_neighbor_grp;
  struct enc_mesh_nbr_grp dst_neighbor_grp;
  bool valid;
  enc_mesh_event_type_t evt_type;
};

typedef enum enc_alg_mesh_type {
  ENC_ALG_FULL_MESH,
  ENC_ALG_GROUPED_MESH,
  ENC_ALG_MESH_TRN2,
  ENC_ALG_MESH_INVALID
} enc_alg_mesh_type_t;

#define ENC_MAX_OP_TYPES (13)
#define ENC_MAX_MESH_SUBTYPES (20)
#define ENC_MESH_MAX_NUM_DEVICES (128)

/* Communicator information the runtime queries from the collectives library. */
typedef struct nccl_comm_info {
  uint64_t cluster_id; /* random id of the cluster, for metrics */
  time_t epoch;        /* start of the initial barrier, shared by all ranks */
  int neuron_dev;
  int rank;
  int rank_n;
  int local_rank_n;
  int node;
  int node_n;
  bool enable_pod;
  int pod;
  int pod_n;
  int pod_node;
  int pod_node_n;
  struct enc_peer_info *peers; /* caller-allocated, or NULL when peers are not wanted */
  int channel_n;               /* ring algorithm */
  struct enc_ring rings[NEC_MAX_CHANNELS];
  int kangaring_channel_n; /* kangaring algorithm */
  int *kangaring_paths[NEC_MAX_CHANNELS];
  int mla_cycle_n; /* Hamiltonian cycles of MLAs, for one-rank-per-MLA rings */
  int *mla_cycles[NEC_MAX_CHANNELS];
} nccl_comm_info_t;

typedef struct enc_nccl_comm_node {
  void *nccl_comm;
  char *key;
  size_t key_sz;
  bool disable_graph; /* only ever goes from true to false */
  bool global_nccl_comm_node;
  int refcnt;
  uint32_t stream_id;
  uint32_t num_local_participants;
  uint32_t num_local_leaders;
  uint32_t my_local_leader;
  uint32_t *local_participants;
  uint32_t *local_leaders;
  struct bp_barrier *local_barrier;
  bool intra_pod_interface; /* the execution barrier cannot be skipped */
} enc_nccl_comm_node_t;

#define ENC_PROXY_HISTOGRAM_OUTPUT_PATH_LENGTH_MAX (128)
typedef struct enc_proxy_histogram_config {
  bool enable;
  size_t bucket_usecs;
  size_t num_buckets;
  size_t per_neff_warmup;
  size_t warmup;
  char output_path[ENC_PROXY_HISTOGRAM_OUTPUT_PATH_LENGTH_MAX];
} enc_proxy_histogram_config_t;

/* What the runtime tells the collectives library about a device to build communicators. */
typedef struct enc_neuron_device_info {
  int nec_dev_id;
  int mla_idx;
  int tpb_idx;
  int host_device_id;
  int routing_id;
  uint64_t pod_id;
  nec_pod_type_t pod_type;
  uint32_t pod_node_id;
  uint32_t virtual_server_id;
  enc_proxy_histogram_config_t histogram_config;
} enc_neuron_device_info_t;

/* Network transport FIFOs: recorded when a collectives operation is loaded, read by the host proxy
 * threads during execution. */
typedef enum net_addr_mark {
  NET_TRANSFER,    /* a data transfer over the network */
  NET_OP_COMPLETE, /* end of one collectives operation */
  EXEC_COMPLETE    /* end of one collectives execution */
} net_addr_mark_t;

typedef struct net_src_addr {
  uint32_t net_op_idx;
  int complete;
  dma_addr_t dev_addr;
  void *host_addr;
  void *nccl_mhandle;
  uint32_t size;
  net_addr_mark_t mark;
  void *proxy_histogram_tag;
  int dst_rank; /* mesh only */
} net_src_addr_t;

typedef struct net_dest_addr {
  uint32_t net_op_idx;
  int complete;
  dma_addr_t dev_addr;
  void *host_addr;
  void *nccl_mhandle;
  uint32_t size;
  net_addr_mark_t mark;
  int src_rank; /* mesh only */
} net_dest_addr_t;

typedef struct net_ops_info {
  uint16_t sema_shift_offset;
  bool early_send_completion;
  bool early_recv_posting;
  volatile uint32_t *inc_send_handshake;
  volatile uint32_t *inc_send_complete;
  volatile uint32_t *inc_recv_handshake;
  volatile uint32_t *inc_recv_complete;
  uint32_t tx_entry_cnt;
  uint32_t rx_entry_cnt;
  uint32_t net_idx_loop_size;
  uint32_t initial_send_credits;
  uint32_t ending_recv_credits;
  size_t data_type_sz;
  bool is_dynamic_send_recv_sz;
  bool is_recv_sz_known_by_dst;
  bool variable_peer;
  bool add_to_histogram;
  void *enc_channel; /* the connector of this operation's FIFO entries */
} net_ops_info_t;

typedef struct nec_version_info {
  uint64_t major;
  uint64_t minor;
  uint64_t patch;
  uint64_t maintenance;
  char git_hash[16];
  uint64_t compatibility_version;
  uint8_t future_fields[]; /* fields added later go here; the ones above never change */
} nec_version_info_t;

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Add val to the device semaphore whose increment register is mapped at sem_inc_addr. */
void nec_inc_semaphore(volatile uint32_t *sem_inc_addr, uint32_t val);

/* Size / offset of a transfer whose size is known only at execution time, from the execution's
 * dynamic input. */
size_t nec_get_dynamic_send_size_bytes(enc_host_mem_t *dyn_input, size_t data_type_sz, int dst_rank, int rank_n);
size_t nec_get_dynamic_send_offset_bytes(enc_host_mem_t *dyn_input, size_t data_type_sz, int dst_rank, int rank_n);
size_t nec_get_dynamic_recv_size_bytes(enc_host_mem_t *dyn_input, size_t data_type_sz, int src_rank, int rank_n);
size_t nec_get_dynamic_recv_offset_bytes(enc_host_mem_t *dyn_input, size_t data_type_sz, int src_rank, int rank_n);
void nec_set_recv_size_bytes(enc_host_mem_t *dyn_input, size_t recv_size_bytes, size_t data_type_sz, int src_rank,
                             int rank_n);

/* Device queries: ids of the available devices (count returned), and a device's PCI address. */
int nec_get_device_count(int *available_devices_array, uint32_t array_size);
int nec_get_device_pci_bdf(int neuron_dev, uint32_t *domain, uint32_t *bus_num, uint8_t *pci_slot, uint8_t *dev_func);

/* Physical cores per logical (virtual) core. */
NRT_STATUS nec_get_virtual_core_size(uint32_t *virtual_core_size);

NRT_STATUS nec_get_version_info(nec_version_info_t *version_info);

/* MLA / routing-id topology of the local devices. */
NRT_STATUS nec_build_port_and_rid_map(int local_nec_dev_id, int *mla_indexes, int *host_device_ids, int count);
bool nec_is_mla_available(int local_nec_dev_id, int mla_idx);
int nec_mla_idx_to_rid(int local_nec_dev_id, int mla_idx);
int nec_rid_to_mla_idx(int local_nec_dev_id, int rid);
int nec_get_peer_mla_idx(int local_nec_dev_id, int mla_idx, int port);

/* Pod topology. */
int nec_get_p2p_pod_peer_node(uint32_t nec_dev_id, int node, uint32_t port_distance, int *peer_node);
NRT_STATUS nec_pod_node_can_access_peer_node(nec_pod_type_t pod_type, uint32_t local_rid, uint32_t local_node_id,
                                             uint32_t remote_rid, uint32_t remote_node_id, int *can_access_peer);

/* Write size bytes of str to the kernel log through the Neuron driver. */
void nec_ndl_printk(char *str, uint32_t size, uint32_t action);

#ifdef __cplusplus
}
#endif

#endif /* NRT_NEC_H */
