// cli/ci_mask.hpp — hiding secrets in the logs of a CI runner that learns
// them at run time.
//
// On GitHub Actions (GITHUB_ACTIONS=true) every value tresor is about to
// print or hand to a program is first announced with the runner's workflow
// command "::add-mask::VALUE", one per line of the value (the runner matches
// log lines one by one, so a multi-line value is masked line by line), with
// '%' written as %25 (the runner unescapes %25, %0D and %0A in a command's
// data). The line itself carries the secret: that is the runner's protocol,
// which reads it from the step's output and never writes it to the log.
// It goes to stderr, which the runner reads for commands as it reads
// stdout, so that `$(tresor get ...)` captures the value alone; it is
// written before the value, so where both streams are one (2>&1) the order
// holds byte for byte. Other runners: README, "CI logs".
#pragma once

#include <cstdint>
#include <span>

namespace tresor::cli {

// Announces `value` to the CI runner, if there is one that takes masks.
// Throws Error{io} when stderr cannot be written (the value must then not
// be printed either).
void mask_in_ci_log(std::span<const std::uint8_t> value);

}  // namespace tresor::cli
