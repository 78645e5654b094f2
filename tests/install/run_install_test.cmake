# cmake -P script: install, then build and run the consumer both ways.
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/nrt/nrt.h include/nrt/nrt_async.h include/nrt/nrt_experimental.h include/nrt/nrt_version.h
          include/nrt/nrt_status.h lib/libnrt.so.1 lib/cmake/nrt-bridge/nrt-bridge-config.cmake
          lib/pkgconfig/nrt.pc bin/nrt-neff
          lib/libnrt-gloo.so.1 lib/libnrt-implicit-async.so bin/nrt-implicit-async bin/nrt-trace bin/nrt-migrate)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "installed tree lacks ${f}")
  endif()
endforeach()
# The SDK's auxiliary headers, nds/ included (include/nrt is installed recursively).
foreach(f include/nrt/ndebug_stream.h include/nrt/nrt_async_sendrecv.h include/nrt/nec.h include/nrt/nds/neuron_ds.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "installed tree lacks ${f}")
  endif()
endforeach()

# 1. find_package(nrt-bridge) -> nrt::nrt
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/cmake-consumer -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run(${WORK_DIR}/cmake-consumer/consumer)
if(NOT last_output MATCHES "consumer ok")
  message(FATAL_ERROR "cmake consumer printed: ${last_output}")
endif()

# 2. pkg-config
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(pkg-config --cflags --libs nrt)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} -std=c11 ${SOURCE_DIR}/consumer.c ${flags} -Wl,-rpath,${prefix}/lib -o ${WORK_DIR}/pc-consumer)
run(${WORK_DIR}/pc-consumer)
if(NOT last_output MATCHES "consumer ok")
  message(FATAL_ERROR "pkg-config consumer printed: ${last_output}")
endif()

# 3. The installed launcher finds the installed shim (../lib beside its bin/) and the shim really loads
#    under a program built against the installed tree (--require-shim fails the run if it did not).
run(${prefix}/bin/nrt-implicit-async --print-config --max-inflight 3 -- ${WORK_DIR}/pc-consumer)
if(NOT last_output MATCHES "${prefix}/lib/libnrt-implicit-async.so")
  message(FATAL_ERROR "installed launcher does not use the installed shim: ${last_output}")
endif()
run(${prefix}/bin/nrt-implicit-async --require-shim --max-inflight 3 -- ${WORK_DIR}/pc-consumer)
if(NOT last_output MATCHES "consumer ok")
  message(FATAL_ERROR "pkg-config consumer under the installed shim printed: ${last_output}")
endif()
message(STATUS "install tree consumers ok")
