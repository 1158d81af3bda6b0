// tests/unit/vault/example_data.hpp — reads a worked example's data file
// from tests/data/vault/: "name: value" lines, '#' comments.
#pragma once

#include <fstream>
#include <map>
#include <string>

namespace tresor::test {

inline std::map<std::string, std::string> example_data(const std::string& file) {
    std::ifstream in(std::string(TRESOR_TEST_DATA_DIR) + "/vault/" + file);
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (!line.empty() && line[0] != '#' && colon != std::string::npos) {
            out[line.substr(0, colon)] = line.substr(colon + 2);
        }
    }
    return out;
}

}  // namespace tresor::test
