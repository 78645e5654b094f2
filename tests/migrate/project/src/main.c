/* Legacy implicit-mode main loop: execute, host work while the device computes, then read. */
#include <stdio.h>
#include <stdlib.h>

#include "pipeline.h"

static double host_work(int iter) {
  double acc = 0;
  for (int i = 0; i < 10000; ++i) acc += (double)((iter + i) % 5);
  return acc;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  setenv("NEURON_RT_ASYNC_EXEC_MAX_INFLIGHT_REQUESTS", "3", 1);
  if (nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "") != NRT_SUCCESS) return 1;
  pipeline_t p;
  if (pipeline_open(&p, argv[1]) != 0) return 1;
  for (int iter = 0; iter < 5; ++iter) {
    float in[4] = {(float)iter, 1.5f, -2.0f, (float)(iter * iter)};
    if (nrt_tensor_write(p.x, in, 0, sizeof in) != NRT_SUCCESS) return 1;
    NRT_STATUS st = nrt_execute(p.model, p.in, p.out);
    double h = host_work(iter);
    if (st != NRT_SUCCESS) return 1;
    float out[4];
    if (nrt_tensor_read(p.y, out, 0, sizeof out) != NRT_SUCCESS) return 1;
    printf("step %d: %g %g %g %g (%g)\n", iter, out[0], out[1], out[2], out[3], h);
  }
  if (pipeline_step(&p) != NRT_SUCCESS) return 1;
  pipeline_close(&p);
  nrt_close();
  return 0;
}
