# nrtb_add_validated_test(NAME <name> COMMAND <cmd> [args...] [ENVIRONMENT <VAR=value>...])
# A test that runs <cmd> under validation mode (NRT_SIM_VALIDATE=1) and passes only when it exits 0, reports
# no finding ("nrt-validate: [" lines) and printed the no-findings summary (so validation really ran). This is
# how a sample, a shim program or a migrated program shows that it waits where it must.
set(NRTB_RUN_VALIDATED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/RunValidated.cmake)

function(nrtb_add_validated_test)
  cmake_parse_arguments(V "" "NAME" "COMMAND;ENVIRONMENT" ${ARGN})
  add_test(NAME ${V_NAME}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${V_COMMAND}" "-DENVIRONMENT=${V_ENVIRONMENT}"
                   -P ${NRTB_RUN_VALIDATED_SCRIPT})
endfunction()
