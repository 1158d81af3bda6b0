// core/build_tree.hpp — whether this code runs from the build tree it was
// built in (tests and the CLI before `cmake --install`), where plugins and
// the JWT signer module are found beside it instead of in the installed
// folders (docs/ARCHITECTURE.md, "Build tree without install").
#pragma once

namespace tresor::core {

// True when the module holding this function (libtresor or a program linking
// the core statically) lives inside the build tree it was built in.
[[nodiscard]] bool running_from_build_tree();

}  // namespace tresor::core
