// Where the password comes from: env, file, fd, systemd credentials, key
// files and the prompt, and a clear "locked" error when nothing yields.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "unit/vault/vault_fixture.hpp"
#include "vault/unlock.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

std::string text(const Credential& c) {
    return std::string(c.bytes.begin(), c.bytes.end());
}

const PasswordPrompt kNoPrompt = [](const std::string&, std::string& reason) {
    reason = "no terminal to prompt on";
    return std::optional<SecureBytes>();
};

Credential obtain(const std::string& spec, const PasswordPrompt& prompt = kNoPrompt,
                  Purpose purpose = Purpose::unlock) {
    return obtain_credential(parse_unlock_spec(spec), prompt, purpose, "/v.db");
}

}  // namespace

BOOST_AUTO_TEST_CASE(sources_are_tried_in_order) {
    TempDir dir;
    const auto file = dir.write("pw", "from file\n");
    ScopedEnv unset("TRESOR_TEST_UNSET", std::nullopt);
    ScopedEnv set("TRESOR_TEST_PW", "from env");
    BOOST_TEST(text(obtain("env:TRESOR_TEST_UNSET,file:" + file.string())) == "from file");
    BOOST_TEST(text(obtain("env:TRESOR_TEST_PW,file:" + file.string())) == "from env");
}

BOOST_AUTO_TEST_CASE(systemd_credentials_and_file_descriptors) {
    TempDir dir;
    dir.write("creds/vault-password", "from systemd\n");
    ScopedEnv creds("CREDENTIALS_DIRECTORY", (dir / "creds").string());
    BOOST_TEST(text(obtain("systemd:vault-password")) == "from systemd");
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    BOOST_REQUIRE(::write(fds[1], "from fd\n", 8) == 8);
    ::close(fds[1]);
    BOOST_TEST(text(obtain("fd:" + std::to_string(fds[0]))) == "from fd");
    ::close(fds[0]);
}

BOOST_AUTO_TEST_CASE(key_file_source_gives_a_key_file_credential) {
    TempDir dir;
    const auto keyfile = dir.write("key", std::string(32, 'k'));
    const Credential c = obtain("keyfile:" + keyfile.string());
    BOOST_TEST((c.kind == Credential::Kind::keyfile));
    BOOST_TEST(c.bytes.size() == 32u);
}

BOOST_AUTO_TEST_CASE(nothing_available_is_locked_at_once_saying_what_was_tried) {
    ScopedEnv unset("TRESOR_TEST_UNSET", std::nullopt);
    BOOST_CHECK_EXCEPTION((void)obtain("env:TRESOR_TEST_UNSET,prompt"), Error, [](const Error& e) {
        const std::string m = e.what();
        return e.code() == ErrorCode::locked && m.starts_with("vault locked: no unlock source") &&
               m.find("$TRESOR_TEST_UNSET is not set") != std::string::npos &&
               m.find("no terminal to prompt on") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(a_new_password_is_asked_twice_and_must_match) {
    int asked = 0;
    PasswordPrompt same = [&](const std::string&, std::string&) {
        ++asked;
        return std::optional<SecureBytes>(SecureBytes{'p', 'w'});
    };
    BOOST_TEST(text(obtain("prompt", same, Purpose::create)) == "pw");
    BOOST_TEST(asked == 2);
    PasswordPrompt differ = [&](const std::string&, std::string&) {
        ++asked;
        return std::optional<SecureBytes>(SecureBytes(static_cast<std::size_t>(asked), 'x'));
    };
    BOOST_CHECK_EXCEPTION((void)obtain("prompt", differ, Purpose::create), Error,
                          [](const Error& e) { return e.code() == ErrorCode::invalid_argument; });
}

BOOST_AUTO_TEST_CASE(malformed_specs_name_the_bad_entry) {
    for (const char* bad : {"", "env:", "bogus:x", "fd:minus", "prompt,nope"}) {
        BOOST_CHECK_EXCEPTION((void)parse_unlock_spec(bad), Error, [](const Error& e) {
            return e.code() == ErrorCode::invalid_argument;
        });
    }
}
