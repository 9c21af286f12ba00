/* fuzz.h: what the fuzz targets share. Each target defines
 * LLVMFuzzerTestOneInput; built with clang's -fsanitize=fuzzer it is a
 * libFuzzer program (scripts/fuzz), built with replay.c it runs the files
 * of its corpus folder once each (ctest fuzz.*: every input found so far,
 * crashes included, stays a regression test). */
#ifndef PARLAB_FUZZ_H
#define PARLAB_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* data written to a fresh file named name in a private folder made once
 * per process; its path (static buffer). */
const char *fuzz_file(const char *name, const uint8_t *data, size_t size);
/* A check that holds for every input: abort() (a crash the fuzzer keeps) when not. */
#define FUZZ_ASSERT(c) do { if (!(c)) fuzz_fail(__FILE__, __LINE__, #c); } while (0)
void fuzz_fail(const char *file, int line, const char *what);

#endif
