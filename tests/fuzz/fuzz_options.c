/* Linked into every libFuzzer target: undefined behaviour stops the run like a crash does, so it
 * leaves its input as an artifact instead of one line in the log that nothing fails on. */
const char *__ubsan_default_options(void);

const char *__ubsan_default_options(void) { return "halt_on_error=1:print_stacktrace=1"; }
