/* An implicit-mode program (the variable set in code, no callback) whose executions nrt-migrate can see whole:
 * a straight-line function, a loop with host work between the execution and the read, an early break and an
 * early return between them. Every execution gets the inline form, so the reads, writes and releases stay plain
 * calls and no file needs the support header (implicit_mixed_c adds an execution the table keeps). Runs
 * add_one.neff. */
#include <stdio.h>
#include <stdlib.h>

#include "nrt/nrt.h"
#include "nrt/nrt_experimental.h"

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
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
  NRT_STATUS st = nrt_execute(model, in_set, out_set);
  double h = host_work(7);
  float out[4];
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  print_out("straight", (int)st, out, h);
  nrt_destroy_tensor_set(&in_set);
  nrt_destroy_tensor_set(&out_set);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return 0;
}

/* A loop with host work between the execution and the read, and an early break between them. */
static void loop_with_break(nrt_model_t *model, int stop_at) {
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *inputs = NULL, *outputs = NULL;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&inputs));
  CHECK(nrt_allocate_tensor_set(&outputs));
  CHECK(nrt_add_tensor_to_tensor_set(inputs, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outputs, "y", y));
  for (int iter = 0; iter < 6; ++iter) {
    float in[4] = {(float)iter, (float)iter * 2, (float)-iter, 0.5f};
    CHECK(nrt_tensor_write(x, in, 0, sizeof in));
    nrt_execute(model, inputs, outputs);
    double h = host_work(iter);
    if (iter == stop_at) break;
    float out[4];
    CHECK(nrt_tensor_read(y, out, 0, sizeof out));
    print_out("loop", iter, out, h);
  }
  /* The last execution before the break was never read: its output is still what the device wrote. */
  float last[4];
  CHECK(nrt_tensor_read(y, last, 0, sizeof last));
  print_out("after break", stop_at, last, 0);
  nrt_destroy_tensor_set(&inputs);
  nrt_destroy_tensor_set(&outputs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
}

/* An early return between the execution and the read: the tensors leak on that path on purpose (legacy code
 * does), but the request must still have completed before the function returns. */
static int early_return(nrt_model_t *model, int give_up) {
  nrt_tensor_t *x = NULL, *y = NULL;
  nrt_tensor_set_t *ins = NULL, *outs = NULL;
  NRT_STATUS st = NRT_SUCCESS;
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "x", &x));
  CHECK(nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, 0, 16, "y", &y));
  CHECK(nrt_allocate_tensor_set(&ins));
  CHECK(nrt_allocate_tensor_set(&outs));
  CHECK(nrt_add_tensor_to_tensor_set(ins, "x", x));
  CHECK(nrt_add_tensor_to_tensor_set(outs, "y", y));
  float in[4] = {10, 20, 30, 40};
  CHECK(nrt_tensor_write(x, in, 0, sizeof in));
  st = nrt_execute(model, ins, outs);
  double h = host_work(3);
  if (give_up) return (int)st - 1;
  float out[4];
  CHECK(nrt_tensor_read(y, out, 0, sizeof out));
  print_out("early", give_up, out, h);
  nrt_destroy_tensor_set(&ins);
  nrt_destroy_tensor_set(&outs);
  nrt_tensor_free(&x);
  nrt_tensor_free(&y);
  return (int)st;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "2", 1);
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
  straight_line(model);
  loop_with_break(model, 3);
  printf("early return: %d\n", early_return(model, 1));
  printf("no early return: %d\n", early_return(model, 0));
  CHECK(nrt_unload(model));
  nrt_close();
  return 0;
}
