# cmake -DPROGRAM=... -DARGS="a;b" -DOUTPUT=... -P run_to_file.cmake: runs PROGRAM with ARGS
# and writes its stdout to OUTPUT (how the man page and bash completion are made from the
# binary's own option definitions, without a shell redirection in the build rules).
execute_process(COMMAND ${PROGRAM} ${ARGS} OUTPUT_FILE ${OUTPUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE ${OUTPUT})
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed: ${status}")
endif()
