# nrtb_add_neff_models(<target> <output dir> <graph.json>...)
# Builds one CPU NEFF per graph with nrt-neff at build time, into <output dir>/<stem>.neff.
function(nrtb_add_neff_models target out_dir)
  set(outputs)
  foreach(graph ${ARGN})
    get_filename_component(stem ${graph} NAME_WE)
    set(out ${out_dir}/${stem}.neff)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND $<TARGET_FILE:nrt-neff> build ${graph} -o ${out}
      DEPENDS nrt-neff ${graph}
      COMMENT "nrt-neff build ${stem}.neff"
      VERBATIM)
    list(APPEND outputs ${out})
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${outputs})
endfunction()
