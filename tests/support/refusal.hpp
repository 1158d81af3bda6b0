// tests/support/refusal.hpp — what a parser of untrusted text says when it
// refuses: the message of the tresor::Error the call throws, checked to be
// an invalid_argument, or "<no error>" when the call returns.
#pragma once

#include <string>

#include <boost/test/unit_test.hpp>

#include "tresor/error.hpp"

namespace tresor::test {

template <typename Call>
std::string refusal(Call&& call) {
    try {
        call();
    } catch (const tresor::Error& e) {
        BOOST_TEST((e.code() == tresor::ErrorCode::invalid_argument));
        return e.what();
    }
    return "<no error>";
}

}  // namespace tresor::test
