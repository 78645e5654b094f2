/*
 * nrt-bridge — Neuron datastore interface (nds/neuron_ds.h).
 *
 * Written for nrt-bridge; ABI-identical to the Neuron SDK's nds/neuron_ds.h: same type names,
 * constants, struct layouts (LP64) and function signatures. tests/abi pins them.
 *
 * The Neuron datastore (NDS) is a shared-memory area the Neuron driver keeps per device and per
 * process: the runtime publishes per-core / per-device counters, loaded-model and process
 * information into it, and monitoring tools (neuron-top, neuron-monitor) read it through these
 * functions.
 *
 * Differences from the SDK's header:
 *   - The SDK's header includes <neuron/ndl.h> (the driver library's header, not part of
 *     include/nrt) only for ndl_device_t, which it also forward-declares; this one relies on the
 *     forward declaration alone, so it compiles by itself.
 *   - Public analyses of the SDK 2.31 libnrt find no nds_* exports (its datastore code is internal);
 *     nrt-bridge exports them (ELF version NRT_2.0.0) so that every function of the public headers
 *     links.
 *
 * Behaviour on nrt-bridge: the simulated device has no Neuron driver and therefore no datastore.
 * Every call logs one line naming the function and returns its failure value: non-zero (-1) for the
 * int functions, NULL for the handle and pointer functions. Nothing is ever opened or created.
 */
#ifndef NRT_NDS_NEURON_DS_H
#define NRT_NDS_NEURON_DS_H

#ifndef __cplusplus
#include <stdbool.h>
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Handle of one NDS object. */
typedef void *nds_obj_handle_t;

/* NDS object types (nds_obj_new). */
#define OBJECT_TYPE_MODEL_NODE_INFO (0)
#define OBJECT_TYPE_PROCESS_INFO (1)
#define OBJECT_TYPE_PROCESS_INFO_EXT (2)

/* Memory locations per usage type of a model node. */
#define MODEL_MEM_USAGE_LOCATION_COUNT 2

/* Slots for memory usage types in the datastore (fixed at 12 by its format; runtime usage types are
 * aggregated into the first five). */
enum {
  NDS_DMA_MEM_USAGE_SLOT_CODE,
  NDS_DMA_MEM_USAGE_SLOT_TENSORS,
  NDS_DMA_MEM_USAGE_SLOT_CONSTANTS,
  NDS_DMA_MEM_USAGE_SLOT_SCRATCHPAD,
  NDS_DMA_MEM_USAGE_SLOT_MISC,
  NDS_DMA_MEM_USAGE_SLOT_COUNT = 12
};

/* Total of all chunks of one usage type and location. */
typedef struct nds_mem_usage_info {
  uint64_t total_size;
  uint32_t chunk_count;
} nds_mem_usage_info_t;

/* One loaded model node. */
typedef struct nds_model_node_info {
  uint32_t model_id; /* the model it belongs to */
  uint32_t model_node_id;
  char name[256];
  char uuid[16];
  uint8_t nc_index;
  uint8_t sg_index; /* subgraph */
} nds_model_node_info_t;

/* Memory usage of one loaded model node, per location and usage slot. */
typedef struct nds_model_node_mem_usage_info {
  nds_mem_usage_info_t model_mem_usage[MODEL_MEM_USAGE_LOCATION_COUNT][NDS_DMA_MEM_USAGE_SLOT_COUNT];
} nds_model_node_mem_usage_info_t;

typedef struct nds_version_info {
  uint8_t major;
  uint8_t minor;
  uint32_t build;
} nds_version_info_t;

/* The process using the device. */
typedef struct nds_process_info {
  int8_t framework_type;
  char tag[32];
  nds_version_info_t framework_version;
  nds_version_info_t fal_version;
  nds_version_info_t runtime_version;
} nds_process_info_t;

typedef struct nds_process_info_ext {
  char tag[256];
} nds_process_info_ext_t;

typedef struct nds_instance nds_instance_t;
typedef struct ndl_device ndl_device_t;

/* Bit indexes of the feature bitmap counter. */
typedef enum feature_bitmap_bit_index {
  BIT_INDEX_TEST_FEATURE = 0,
  BIT_INDEX_MULTICORE_FEATURE = 1,
  BIT_INDEX_COUNT = BIT_INDEX_MULTICORE_FEATURE + 1
} feature_bitmap_bit_index_t;

/* Open the datastore of process pid on device: pid 0 = this process, read-write; any other pid,
 * read-only. *inst receives the instance. Non-zero on error. */
int nds_open(ndl_device_t *device, pid_t pid, nds_instance_t **inst);

/* Release an instance (readers must). Non-zero on error; the instance is gone either way. */
int nds_close(nds_instance_t *inst);

/* Per-NeuronCore counters. 0 on success. */
int nds_increment_nc_counter(nds_instance_t *inst, int nc_index, uint32_t counter_index, uint64_t increment);
int nds_decrement_nc_counter(nds_instance_t *inst, int nc_index, uint32_t counter_index, uint64_t decrement);
int nds_get_nc_counter(nds_instance_t *inst, int nc_index, uint32_t counter_index, uint64_t *value);
int nds_set_nc_counter(nds_instance_t *inst, int nc_index, uint32_t counter_index, uint64_t *value);

/* Per-device counters (they may wrap). nds_or_nd_counter ORs bit_index's mask into the counter.
 * 0 on success. */
int nds_increment_nd_counter(nds_instance_t *inst, uint32_t counter_index, uint64_t increment);
int nds_decrement_nd_counter(nds_instance_t *inst, uint32_t counter_index, uint64_t decrement);
int nds_or_nd_counter(nds_instance_t *inst, uint32_t counter_index, uint64_t bit_index);
int nds_get_nd_counter(nds_instance_t *inst, uint32_t counter_index, uint64_t *value);
int nds_set_nd_counter(nds_instance_t *inst, uint32_t counter_index, uint64_t *value);

/* Objects: create (type OBJECT_TYPE_*), write to the datastore, delete. */
int nds_obj_commit(nds_obj_handle_t obj);
nds_obj_handle_t nds_obj_new(nds_instance_t *inst, int type);
int nds_obj_delete(nds_obj_handle_t obj);

/* Views of an object's data for reading and writing; NULL when obj is not of that type. */
nds_model_node_info_t *nds_obj_handle_to_model_node_info(nds_obj_handle_t obj);
nds_model_node_mem_usage_info_t *nds_obj_handle_to_model_node_mem_usage(nds_obj_handle_t obj);
nds_process_info_t *nds_obj_handle_to_process_info(nds_obj_handle_t obj);
nds_process_info_ext_t *nds_obj_handle_to_process_info_ext(nds_obj_handle_t obj);

/* All model nodes: *models receives an array of *count handles that the caller frees. 0 on
 * success. */
int nds_read_all_model_nodes(nds_instance_t *inst, nds_obj_handle_t **models, size_t *count);

/* The process information objects; NULL on error. */
nds_obj_handle_t nds_read_process_info(nds_instance_t *inst);
nds_obj_handle_t nds_read_process_info_ext(nds_instance_t *inst);

#ifdef __cplusplus
}
#endif

#endif /* NRT_NDS_NEURON_DS_H */
