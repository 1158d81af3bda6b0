// tests/support/doc_text.hpp — what a test reads from a document of docs/.
// A document an independent program is written from (docs/VAULT-FORMAT.md)
// is checked as it is written, not through a copy of its formulas or
// examples: a test of it fails when the document is wrong.
#pragma once

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tresor::test {

inline std::string doc_text(const std::string& name) {
    std::ifstream in(std::string(TRESOR_DOCS_DIR) + "/" + name, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read docs/" + name);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The text of the section "## TITLE", up to the next "## " heading.
inline std::string doc_section(const std::string& doc, const std::string& title) {
    const std::string heading = "\n## " + title + "\n";
    const std::size_t start = doc.find(heading);
    if (start == std::string::npos) {
        throw std::runtime_error("no section '" + title + "' in the document");
    }
    const std::size_t end = doc.find("\n## ", start + heading.size());
    return doc.substr(start + heading.size(),
                      end == std::string::npos ? std::string::npos : end - start - heading.size());
}

// The "NAME VALUE" lines of the fenced blocks of a section, as the worked
// examples write them: NAME (no spaces), spaces, VALUE; a line that starts
// with spaces continues the VALUE above it (joined with one space).
inline std::map<std::string, std::string> doc_example(const std::string& section) {
    std::map<std::string, std::string> out;
    std::istringstream lines(section);
    std::string line, last;
    bool fenced = false;
    while (std::getline(lines, line)) {
        if (line.rfind("```", 0) == 0) {
            fenced = !fenced;
        } else if (fenced && !line.empty() && line[0] == ' ' && !last.empty()) {
            out[last] += " " + line.substr(line.find_first_not_of(' '));
        } else if (const std::size_t gap = line.find(' '); fenced && gap != std::string::npos) {
            last = line.substr(0, gap);
            out[last] = line.substr(line.find_first_not_of(' ', gap));
        }
    }
    return out;
}

// The hex digits of a VALUE, spaces left out, as bytes.
template <class Bytes>
Bytes doc_hex(const std::string& value) {
    std::string digits;
    for (char c : value) {
        if (c != ' ') {
            digits += c;
        }
    }
    Bytes out;
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        unsigned byte = 0;
        const char* end = digits.data() + std::min(i + 2, digits.size());
        if (i + 2 > digits.size() || std::from_chars(digits.data() + i, end, byte, 16).ptr != end) {
            throw std::runtime_error("not hex bytes: " + value);
        }
        out.push_back(static_cast<typename Bytes::value_type>(byte));
    }
    return out;
}

}  // namespace tresor::test
