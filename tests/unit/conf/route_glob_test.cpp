// conf::route_glob_matches replaced fnmatch(3) (Windows has none); on Linux
// it must answer exactly as fnmatch(pattern, service, 0) did, for every
// pattern and service below.
#include <fnmatch.h>

#include <boost/test/unit_test.hpp>

#include "conf/config.hpp"

BOOST_AUTO_TEST_SUITE(route_glob)

BOOST_AUTO_TEST_CASE(answers_as_fnmatch_without_flags) {
    const char* const patterns[] = {"",
                                    "*",
                                    "**",
                                    "a*",
                                    "*a",
                                    "a*b*c",
                                    "?",
                                    "??",
                                    "a?c",
                                    "[abc]",
                                    "[a-c]x",
                                    "[!a-c]x",
                                    "[^a-c]x",
                                    "[]]",
                                    "[!]]",
                                    "[a-]",
                                    "[-a]",
                                    "[[:digit:]]*",
                                    "[[:alpha:][:digit:]]",
                                    "[x",
                                    "\\*",
                                    "\\?",
                                    "a\\",
                                    "[\\]]",
                                    "*.work",
                                    "work-*",
                                    "*/*",
                                    "[a-c-e]",
                                    "[z-a]",
                                    "ä*",
                                    "*[!x]",
                                    "a*a*a*a*b"};
    const char* const texts[] = {"",          "a",
                                 "ab",        "abc",
                                 "bx",        "dx",
                                 "]",         "-",
                                 "x",         "7up",
                                 "[x",        "*",
                                 "?",         "a\\",
                                 "\\",        "mail.work",
                                 "work-mail", "a/b",
                                 "e",         "d",
                                 "äpfel",     "aaaaaaaaaaaaaaaaaaaaaaaac",
                                 "aaaab",     "z",
                                 "[",         "x]"};
    for (const char* pattern : patterns) {
        for (const char* text : texts) {
            const bool expected = ::fnmatch(pattern, text, 0) == 0;
            BOOST_TEST(tresor::conf::route_glob_matches(pattern, text) == expected,
                       "pattern [" << pattern << "] text [" << text << "]");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
