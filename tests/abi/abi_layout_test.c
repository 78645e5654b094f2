/* Compile-time ABI checks of the public headers from C11 (see abi_layout_checks.h). Building this file
 * is the test; main() only lets CTest run it. */
#include <stddef.h>
#include <stdint.h>

#define ABI_SIZE(T, n) _Static_assert(sizeof(T) == (n), "sizeof(" #T ") != " #n)
#define ABI_OFF(T, f, n) _Static_assert(offsetof(T, f) == (n), "offsetof(" #T ", " #f ") != " #n)
#define ABI_FIELD(T, f, o, n) \
  _Static_assert(offsetof(T, f) == (o) && sizeof(((T *)0)->f) == (n), #T "." #f ": offset != " #o " or size != " #n)
#define ABI_VAL(e, n) _Static_assert((e) == (n), #e " != " #n)
#define ABI_SIG(fn, R, ARGS) _Static_assert(_Generic((&fn), R(*) ARGS : 1, default : 0), "signature of " #fn)
#define ABI_TYPE(T, U) _Static_assert(_Generic((T *)0, U * : 1, default : 0), #T " is not " #U)
#define ABI_FNPTR(T, R, ARGS) _Static_assert(_Generic((T)0, R(*) ARGS : 1, default : 0), #T " is not " #R " (*)" #ARGS)

#include "abi_layout_checks.h"
#include "abi_trace_checks.h"
#include "abi_layout_checks_aux.h"

int main(void) { return 0; }
