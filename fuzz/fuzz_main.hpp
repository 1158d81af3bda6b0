// fuzz/fuzz_main.hpp — the harness every target shares: each target defines
// fuzz_one(bytes); an exception of the type the code under test documents
// (tresor::Error) is an accepted answer, anything else — another exception,
// a crash, a leak, undefined behaviour — is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tresor/error.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        fuzz_one({data, size});
    } catch (const tresor::Error&) {
        // A typed refusal is the correct answer to bad input.
    }
    return 0;
}
