#ifndef C_LIB_FUZZER_H
#define C_LIB_FUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp), for a program whose `main` is its own:
/// SwiftPM gives an executable the `main` of its top-level code, which takes the place of
/// libFuzzer's. Only a build with `-sanitize=fuzzer` links the definition.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
