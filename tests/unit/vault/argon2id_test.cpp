// tresor's Argon2id (vault/argon2/) against RFC 9106's test vector and
// against libargon2, the RFC's reference implementation, with every
// compression function this CPU runs and with one thread or several.
#define BOOST_TEST_MODULE vault_argon2id
#include <argon2.h>
#include <sodium.h>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tresor/error.hpp"
#include "unit/vault/example_data.hpp"
#include "vault/argon2/argon2id.hpp"
#include "vault/detail/crypto.hpp"

using namespace tresor::vault::argon2;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes from_hex(const std::string& text) {
    Bytes out;
    std::string digits;
    for (char c : text) {
        if (c != ' ') {
            digits += c;
        }
    }
    BOOST_REQUIRE(digits.size() % 2 == 0);
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::map<std::string, std::string> rfc_vector() {
    auto out = tresor::test::example_data("rfc9106_argon2id.txt");
    BOOST_REQUIRE_EQUAL(out.size(), 34u);
    return out;
}

std::uint32_t number(const std::map<std::string, std::string>& v, const std::string& key) {
    return static_cast<std::uint32_t>(std::stoul(v.at(key)));
}

Bytes to_bytes(const tresor::SecureBytes& b) {
    return Bytes(b.begin(), b.end());
}

// libargon2's Argon2id of the same inputs (its own threads, its ref code).
Bytes reference(const Bytes& password, const Bytes& salt, const Bytes& secret, const Bytes& ad,
                const Cost& c, std::size_t tag_bytes) {
    Bytes tag(tag_bytes), pwd = password, s = salt, k = secret, x = ad;
    argon2_context ctx{};
    ctx.out = tag.data();
    ctx.outlen = static_cast<std::uint32_t>(tag.size());
    ctx.pwd = pwd.empty() ? nullptr : pwd.data();
    ctx.pwdlen = static_cast<std::uint32_t>(pwd.size());
    ctx.salt = s.data();
    ctx.saltlen = static_cast<std::uint32_t>(s.size());
    ctx.secret = k.empty() ? nullptr : k.data();
    ctx.secretlen = static_cast<std::uint32_t>(k.size());
    ctx.ad = x.empty() ? nullptr : x.data();
    ctx.adlen = static_cast<std::uint32_t>(x.size());
    ctx.t_cost = c.passes;
    ctx.m_cost = c.memory_kib;
    ctx.lanes = c.lanes;
    ctx.threads = c.lanes;
    ctx.version = ARGON2_VERSION_13;
    const int rc = argon2_ctx(&ctx, Argon2_id);
    BOOST_REQUIRE_MESSAGE(rc == ARGON2_OK, argon2_error_message(rc));
    return tag;
}

}  // namespace

BOOST_AUTO_TEST_CASE(this_cpu_runs_the_portable_kernel_and_the_best_is_last) {
    const auto kernels = available_kernels();
    BOOST_REQUIRE(!kernels.empty());
    BOOST_TEST(std::string(kernels.front().name) == "portable");
    BOOST_TEST(best_kernel().compress == kernels.back().compress);
    for (const Kernel& k : kernels) {
        BOOST_TEST_MESSAGE("kernel: " << k.name);
    }
}

// RFC 9106 section 5.3, every value it lists: H0, the words it prints after
// each pass, and the tag; for each kernel, on one thread and on four.
BOOST_AUTO_TEST_CASE(rfc_9106_argon2id_test_vector) {
    const auto v = rfc_vector();
    const Bytes password = from_hex(v.at("password")), salt = from_hex(v.at("salt")),
                secret = from_hex(v.at("secret")), ad = from_hex(v.at("associated_data"));
    const Inputs in{password, salt, secret, ad};
    const Cost cost{number(v, "memory_kib"), number(v, "passes"), number(v, "lanes")};
    const std::size_t tag_bytes = number(v, "tag_bytes");

    BOOST_TEST(to_bytes(initial_hash(in, cost, tag_bytes)) == from_hex(v.at("prehashing_digest")),
               boost::test_tools::per_element());

    for (const Kernel& kernel : available_kernels()) {
        for (unsigned threads : {1u, 4u}) {
            BOOST_TEST_CONTEXT("kernel " << kernel.name << ", " << threads << " threads") {
                std::map<std::string, std::uint64_t> seen;
                Options options;
                options.tag_bytes = tag_bytes;
                options.max_threads = threads;
                options.kernel = &kernel;
                options.after_pass = [&](std::uint32_t pass, std::span<const Block> memory) {
                    for (const auto& [block, word] : std::vector<std::pair<int, int>>{{0, 0},
                                                                                      {0, 1},
                                                                                      {0, 2},
                                                                                      {0, 3},
                                                                                      {31, 124},
                                                                                      {31, 125},
                                                                                      {31, 126},
                                                                                      {31, 127}}) {
                        seen["pass." + std::to_string(pass) + ".block." + std::to_string(block) +
                             ".word." + std::to_string(word)] =
                            memory[static_cast<std::size_t>(block)].v[word];
                    }
                };
                const Bytes tag = to_bytes(argon2id(in, cost, options));
                BOOST_TEST(tag == from_hex(v.at("tag")), boost::test_tools::per_element());
                BOOST_TEST(seen.size() == 24u);
                for (const auto& [key, word] : seen) {
                    BOOST_TEST(word == std::stoull(v.at(key), nullptr, 16), key);
                }
            }
        }
    }
}

// libargon2 called directly, over random shapes: odd memory sizes (not a
// multiple of 4 x lanes), lanes 1-8, passes 1-4, passwords, salts, secrets,
// associated data and tags of many lengths (tags above 64 bytes take H''s
// long form). TRESOR_ARGON2_SEED picks another sequence.
BOOST_AUTO_TEST_CASE(random_parameters_give_libargon2s_bytes) {
    const char* seed_text = std::getenv("TRESOR_ARGON2_SEED");
    const std::uint64_t seed = seed_text != nullptr ? std::stoull(seed_text) : 20261128;
    BOOST_TEST_MESSAGE("seed " << seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
        return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
    };
    auto random_bytes = [&](std::size_t n) {
        Bytes b(n);
        for (auto& x : b) {
            x = static_cast<std::uint8_t>(rng());
        }
        return b;
    };
    const auto kernels = available_kernels();
    for (int i = 0; i < 240; ++i) {
        const std::uint32_t lanes = pick(1, 8);
        const Cost cost{8 * lanes + pick(0, i % 4 == 0 ? 4096 : 600), pick(1, 4), lanes};
        const std::size_t tag_bytes = pick(0, 3) == 0 ? pick(65, 300) : pick(16, 64);
        const Bytes password = random_bytes(pick(0, 80)), salt = random_bytes(pick(8, 48)),
                    secret = pick(0, 2) == 0 ? random_bytes(pick(1, 32)) : Bytes{},
                    ad = pick(0, 2) == 0 ? random_bytes(pick(1, 40)) : Bytes{};
        const Kernel& kernel = kernels[static_cast<std::size_t>(i) % kernels.size()];
        Options options;
        options.tag_bytes = tag_bytes;
        options.kernel = &kernel;
        options.max_threads = pick(1, lanes);
        BOOST_TEST_CONTEXT("case " << i << ": m=" << cost.memory_kib << " t=" << cost.passes
                                   << " p=" << lanes << " tag " << tag_bytes << ", password "
                                   << password.size() << ", salt " << salt.size() << ", secret "
                                   << secret.size() << ", ad " << ad.size() << ", kernel "
                                   << kernel.name << ", threads " << options.max_threads) {
            const Bytes ours = to_bytes(argon2id({password, salt, secret, ad}, cost, options));
            BOOST_TEST(ours == reference(password, salt, secret, ad, cost, tag_bytes),
                       boost::test_tools::per_element());
        }
    }
}

// The vault's sizes: 64 MiB and 3 passes on one lane (KDF 2's 16-byte salt,
// against libsodium's crypto_pwhash too) and on two lanes.
BOOST_AUTO_TEST_CASE(the_vaults_shapes_give_libsodiums_and_libargon2s_bytes) {
    const Bytes password{'p', 'a', 's', 's'}, salt16(16, 0x5a), salt32(32, 0xa5);
    const auto one_lane = tresor::vault::detail::argon2id(password, salt16, {64 * 1024, 3, 1});
    Bytes sodium(32);
    BOOST_REQUIRE(crypto_pwhash(sodium.data(), sodium.size(),
                                reinterpret_cast<const char*>(password.data()), password.size(),
                                salt16.data(), 3, std::size_t{64} << 20,
                                crypto_pwhash_ALG_ARGON2ID13) == 0);
    BOOST_TEST(to_bytes(one_lane) == sodium, boost::test_tools::per_element());
    const auto two_lanes = tresor::vault::detail::argon2id(password, salt32, {19 * 1024, 2, 2});
    BOOST_TEST(to_bytes(two_lanes) == reference(password, salt32, {}, {}, {19 * 1024, 2, 2}, 32),
               boost::test_tools::per_element());
}

// Every kernel is G: the same output as the portable one on random blocks,
// with and without the XOR into the old block, and in place (ref == out).
BOOST_AUTO_TEST_CASE(every_kernel_computes_the_portable_compression) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 20; ++round) {
        Block prev, ref, old;
        for (std::size_t w = 0; w < kBlockWords; ++w) {
            prev.v[w] = rng();
            ref.v[w] = rng();
            old.v[w] = rng();
        }
        for (const bool xor_into_out : {false, true}) {
            Block expected = old;
            compress_portable(prev, ref, expected, xor_into_out);
            for (const Kernel& k : available_kernels()) {
                Block out = old;
                k.compress(prev, ref, out, xor_into_out);
                BOOST_TEST(std::equal(out.v, out.v + kBlockWords, expected.v), k.name);
                Block in_place = ref;
                Block in_place_expected = ref;
                compress_portable(prev, in_place_expected, in_place_expected, false);
                k.compress(prev, in_place, in_place, false);
                BOOST_TEST(std::equal(in_place.v, in_place.v + kBlockWords, in_place_expected.v),
                           k.name << " in place");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(parameters_outside_rfc_9106_are_refused) {
    const Bytes password(8, 1), salt(16, 2);
    auto refused = [&](const Cost& c, std::size_t tag_bytes) {
        Options options;
        options.tag_bytes = tag_bytes;
        try {
            (void)argon2id({password, salt}, c, options);
        } catch (const tresor::Error& e) {
            BOOST_TEST_MESSAGE(e.what());
            return e.code() == tresor::ErrorCode::invalid_argument;
        }
        return false;
    };
    BOOST_TEST(refused({64, 1, 0}, 32));               // no lane
    BOOST_TEST(refused({31, 1, 4}, 32));               // under 8 KiB per lane
    BOOST_TEST(refused({64, 0, 1}, 32));               // no pass
    BOOST_TEST(refused({64, 1, 1}, 15));               // tag below BLAKE2b's 16 in libsodium
    BOOST_TEST(refused({64, 1, 1}, 1025));             // tag above 1024
    BOOST_TEST(refused({1u << 30, 1, 1u << 24}, 32));  // lanes above 2^24 - 1
    BOOST_TEST(!refused({32, 1, 4}, 16));
}
