/* A mixed implicit-mode program: straight_line's execution could have the inline form, but the slot rotation's
 * executions (tensor sets reached through an array across iterations) stay on the request table. The table keeps
 * the depth (2) and waits at unload and close for the requests it holds, and would do neither for an inline
 * request: every execution of the program goes on the table. straight_line runs while the rotation still has
 * two requests pending; the migrated program, traced with 2 ms executions, never has more than two in flight
 * (max_inflight). Runs add_one.neff. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"
/* nrt-migrate: the implicit-mode request table (nrt-migrate --explain NRTM1060) */
#include "nrtm_inflight.h"

#define CHECK(call)                                       \
  do {                                                    \
    NRT_STATUS s_ = (call);                               \
    if (s_ != NRT_SUCCESS) {                              \
      fprintf(stderr, "%s failed: %d\n", #call, (int)s_); \
      exit(1);                                            \
    }                                                     \
  } while (0)

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 20000; ++i) acc += (iter * i) % 7;
  return acc;
}

static void print_out(const char *what, int iter, const float *out, double h) {
  printf("%s %d: %g %g %g %g (host %.0f)\n", what, iter, out[0], out[1], out[2], out[3], h);
}

/* Slot rotation: the sets are reached through an array across iterations; the table keeps two in flight. */
struct slot {
  nrt_tensor_t *x, *y;
  nrt_tensor_set_t *in, *out;
};

/* Leaves the last two executions pending: they are read in slots_finish. */
static void slots_start(nrt_model_t *model, struct slot *slots) {
  for (int i = 0; i < 2; ++i) {
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &slots[i].x));
    CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &slots[i].y));
    CHECK(nrt_allocate_tensor_set(&slots[i].in));
    CHECK(nrt_allocate_tensor_set(&slots[i].out));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].in, "x", slots[i].x));
    CHECK(nrt_add_tensor_to_tensor_set(slots[i].out, "y", slots[i].y));
  }
  for (int iter = 0; iter < 6; ++iter) {
    struct slot *s = &slots[iter % 2];
    if (iter >= 2) {
      float out[4];
      CHECK(nrtm_inflight_tensor_read(s->y, out, 0, sizeof out));
      print_out("slot", iter - 2, out, 0);
    }
    float in[4] = {(float)iter, 1, 2, 3};
    CHECK(nrtm_inflight_tensor_write(s->x, in, 0, sizeof in));
    nrtm_inflight_execute(model, s->in, s->out);
    host_work(iter);
  }
}

static void slots_finish(struct slot *slots) {
  for (int i = 0; i < 2; ++i) {
    float out[4];
    CHECK(nrtm_inflight_tensor_read(slots[i].y, out, 0, sizeof out));
    print_out("slot tail", i, out, 0);
    nrtm_inflight_destroy_tensor_set(&slots[i].in);
    nrtm_inflight_destroy_tensor_set(&slots[i].out);
    nrtm_inflight_tensor_free(&slots[i].x);
    nrtm_inflight_tensor_free(&slots[i].y);
  }
}

/* Straight line: the status of the scheduling is kept in a variable, as implicit mode returned it. */
static int straight_line(nrt_model_t *model) {
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *in_set = NULL, *out_set = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&in_set));
  CHECK(nrt_allocate_tensor_set(&out_set));
  CHECK(nrt_add_tensor_to_tensor_set(in_set, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(out_set, "y", y));
  float in[4] = {1, 2, 3, 4};
  CHECK(nrtm_inflight_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS st = nrtm_inflight_execute(model, in_set, out_set);
  double h = host_work(7);
  float out[4];
  CHECK(nrtm_inflight_tensor_read(y, out, 0, sizeof out));
  print_out("straight", (int)st, out, h);
  nrtm_inflight_destroy_tensor_set(&in_set);
  nrtm_inflight_destroy_tensor_set(&out_set);
  nrtm_inflight_tensor_free(&x);
  nrtm_inflight_tensor_free(&y);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  nrtm_inflight_set_depth(2);
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  void *neff = malloc((size_t)size);
  if (fread(neff, 1, (size_t)size, f) != (size_t)size) return 2;
  fclose(f);
  CHECK(nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", ""));
  nrt_model_t *model = NULL;
  CHECK(nrt_load(neff, (size_t)size, -1, -1, &model));
  free(neff);
  struct slot slots[2];
  slots_start(model, slots);
  straight_line(model);
  slots_finish(slots);
  CHECK(nrtm_inflight_unload(model));
  nrtm_inflight_close();
  return 0;
}
