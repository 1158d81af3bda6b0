// Argon2id as RFC 9106 section 3 gives it, with the reference
// implementation's names for the steps: the memory is p lanes of q blocks,
// each lane four segments (one per slice); a slice is filled by every lane at
// once, each on its own thread, and no lane reads another's current segment,
// so the only synchronisation is a barrier between slices.
#include "vault/argon2/argon2id.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "platform/process.hpp"
#include "platform/secure_memory.hpp"
#include "platform/wiped_pages.hpp"
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault::argon2 {
namespace {

static_assert(std::endian::native == std::endian::little,
              "a block's bytes are its words in memory order");
static_assert(sizeof(Block) == kBlockBytes);

constexpr std::uint32_t kVersion = 0x13;
constexpr std::uint32_t kArgon2id = 2;  // y
constexpr std::uint32_t kSlices = 4;    // SL, the synchronisation points of a pass
constexpr std::uint32_t kMaxLanes = (1u << 24) - 1;
constexpr std::size_t kMinTagBytes = crypto_generichash_blake2b_BYTES_MIN;
constexpr std::size_t kMaxTagBytes = 1024;

[[noreturn]] void invalid(const std::string& what) {
    throw Error(ErrorCode::invalid_argument, "Argon2id: " + what);
}

// BLAKE2b of `out_bytes` (1..64) through libsodium, its state wiped after.
class Blake2b {
  public:
    explicit Blake2b(std::size_t out_bytes) {
        crypto_generichash_blake2b_init(&state_, nullptr, 0, out_bytes);
    }
    ~Blake2b() { platform::wipe(&state_, sizeof(state_)); }
    Blake2b(const Blake2b&) = delete;
    Blake2b& operator=(const Blake2b&) = delete;

    void update(std::span<const std::uint8_t> bytes) {
        crypto_generichash_blake2b_update(&state_, bytes.data(), bytes.size());
    }
    void update_le32(std::uint32_t v) {
        const std::uint8_t le[4] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
                                    static_cast<std::uint8_t>(v >> 16),
                                    static_cast<std::uint8_t>(v >> 24)};
        update(le);
    }
    // A length-prefixed field of H0.
    void update_field(std::span<const std::uint8_t> bytes) {
        update_le32(static_cast<std::uint32_t>(bytes.size()));
        update(bytes);
    }
    void final(std::span<std::uint8_t> out) {
        crypto_generichash_blake2b_final(&state_, out.data(), out.size());
    }

  private:
    crypto_generichash_blake2b_state state_;
};

std::span<std::uint8_t> bytes_of(Block& b) {
    return {reinterpret_cast<std::uint8_t*>(b.v), kBlockBytes};
}

// m' = 4p × floor(m / 4p) blocks: p lanes of q = m'/p, four segments each.
struct Geometry {
    std::uint32_t lanes;
    std::uint32_t passes;
    std::uint32_t segment_length;
    std::uint32_t lane_length;
    std::uint32_t blocks;

    explicit Geometry(const Cost& c)
        : lanes(c.lanes),
          passes(c.passes),
          segment_length(c.memory_kib / (kSlices * c.lanes)),
          lane_length(segment_length * kSlices),
          blocks(lane_length * c.lanes) {}
};

// Section 3.4.2: where block i of this segment takes its reference from,
// within lane ref_lane, given J1.
std::uint32_t reference_index(const Geometry& g, std::uint32_t pass, std::uint32_t slice,
                              std::uint32_t i, std::uint32_t j1, bool same_lane) {
    // The blocks it may reference: every finished one (of this pass's
    // earlier slices, and of the previous pass's other slices), and the
    // blocks of this segment before i when in its own lane; never the block
    // just before i (it is the other input).
    const std::uint32_t finished =
        pass == 0 ? slice * g.segment_length : g.lane_length - g.segment_length;
    const std::uint32_t area = same_lane ? finished + i - 1 : finished - (i == 0 ? 1 : 0);
    std::uint64_t x = j1;
    x = (x * x) >> 32;
    const std::uint32_t relative =
        area - 1 - static_cast<std::uint32_t>((std::uint64_t{area} * x) >> 32);
    const std::uint32_t start =
        pass != 0 && slice != kSlices - 1 ? (slice + 1) * g.segment_length : 0;
    return (start + relative) % g.lane_length;
}

class Filler {
  public:
    Filler(std::span<Block> memory, const Geometry& g, const Kernel& kernel)
        : memory_(memory), g_(g), compress_(kernel.compress) {}

    // Blocks 0 and 1 of a lane: H'^1024(H0 || LE32(0 or 1) || LE32(lane)).
    void first_blocks(std::span<const std::uint8_t> h0, std::uint32_t lane) {
        std::uint8_t input[64 + 8];
        std::copy(h0.begin(), h0.end(), input);
        for (std::uint32_t k = 0; k < 2; ++k) {
            for (int b = 0; b < 4; ++b) {
                input[64 + b] = static_cast<std::uint8_t>(k >> (8 * b));
                input[68 + b] = static_cast<std::uint8_t>(lane >> (8 * b));
            }
            long_hash(bytes_of(block(lane, k)), input);
        }
        platform::wipe(input, sizeof(input));
    }

    // Section 3.4: one lane's segment of one slice.
    void segment(std::uint32_t pass, std::uint32_t lane, std::uint32_t slice) {
        // Argon2i's indexing for the first half of the first pass: the
        // references come from address blocks, not from the data.
        const bool independent = pass == 0 && slice < kSlices / 2;
        Block input{}, address{};
        if (independent) {
            input.v[0] = pass;
            input.v[1] = lane;
            input.v[2] = slice;
            input.v[3] = g_.blocks;
            input.v[4] = g_.passes;
            input.v[5] = kArgon2id;
        }
        const std::uint32_t first = pass == 0 && slice == 0 ? 2 : 0;
        for (std::uint32_t i = first; i < g_.segment_length; ++i) {
            const std::uint32_t index = slice * g_.segment_length + i;
            const Block& prev = block(lane, index == 0 ? g_.lane_length - 1 : index - 1);
            std::uint64_t pseudo_random;
            if (independent) {
                if (i == first || i % kBlockWords == 0) {
                    next_addresses(input, address);
                }
                pseudo_random = address.v[i % kBlockWords];
            } else {
                pseudo_random = prev.v[0];
            }
            // J2 picks the lane; the first slice of the first pass stays in its own.
            const std::uint32_t ref_lane =
                pass == 0 && slice == 0
                    ? lane
                    : static_cast<std::uint32_t>((pseudo_random >> 32) % g_.lanes);
            const std::uint32_t ref_index = reference_index(
                g_, pass, slice, i, static_cast<std::uint32_t>(pseudo_random), ref_lane == lane);
            compress_(prev, block(ref_lane, ref_index), block(lane, index), pass != 0);
        }
    }

    // C, the XOR of every lane's last block.
    void last_column(Block& out) const {
        out = block(0, g_.lane_length - 1);
        for (std::uint32_t lane = 1; lane < g_.lanes; ++lane) {
            const Block& b = block(lane, g_.lane_length - 1);
            for (std::size_t w = 0; w < kBlockWords; ++w) {
                out.v[w] ^= b.v[w];
            }
        }
    }

    void wipe_lane(std::uint32_t lane) const {
        platform::wipe(&block(lane, 0), std::size_t{g_.lane_length} * kBlockBytes);
    }

  private:
    Block& block(std::uint32_t lane, std::uint32_t index) const {
        return memory_[std::size_t{lane} * g_.lane_length + index];
    }

    // The next address block: G(0, G(0, input)) with the counter incremented.
    void next_addresses(Block& input, Block& address) const {
        static const Block zero{};
        ++input.v[6];
        compress_(zero, input, address, false);
        compress_(zero, address, address, false);
    }

    std::span<Block> memory_;
    Geometry g_;
    CompressFunction compress_;
};

// The workers' meeting point at the end of each slice. The last to arrive
// runs `done` and releases the others. Those waiting spin first, for up to
// kSpinLimit, and only then sleep on a futex (std::atomic::wait): lanes
// reach the end of a slice close together, and waking a sleeper costs more
// on a virtual machine, whose idle virtual CPU the host deschedules.
// libstdc++'s std::barrier spins a few dozen times before it sleeps; this
// one took two lanes at 64 MiB from 1.53 to 1.66 cores of 2 and 36.8 to
// 34.7 ms (medians of six, docs/PERFORMANCE.md). With more workers than
// CPUs (a caller's max_threads) a spinner would hold the CPU the worker it
// waits for needs, so they sleep at once.
template <typename Done>
class SliceBarrier {
  public:
    SliceBarrier(std::uint32_t workers, Done& done)
        : workers_(workers), spin_(workers <= platform::usable_cpu_count()), done_(done) {}

    void arrive_and_wait() {
        const std::uint32_t phase = phase_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_) {
            done_();
            arrived_.store(0, std::memory_order_relaxed);
            phase_.store(phase + 1, std::memory_order_release);
            phase_.notify_all();
            return;
        }
        const auto deadline = std::chrono::steady_clock::now() + kSpinLimit;
        for (unsigned spins = 1; spin_; ++spins) {
            if (phase_.load(std::memory_order_acquire) != phase) {
                return;
            }
            pause();
            if (spins % 256 == 0 && std::chrono::steady_clock::now() > deadline) {
                break;
            }
        }
        while (phase_.load(std::memory_order_acquire) == phase) {
            phase_.wait(phase, std::memory_order_acquire);
        }
    }

  private:
    static constexpr std::chrono::microseconds kSpinLimit{2000};

    static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        asm volatile("yield");
#endif
    }

    const std::uint32_t workers_;
    const bool spin_;
    Done& done_;
    std::atomic<std::uint32_t> arrived_{0};
    std::atomic<std::uint32_t> phase_{0};
};

void check(const Inputs& in, const Cost& c, std::size_t tag_bytes) {
    if (c.lanes < 1 || c.lanes > kMaxLanes) {
        invalid("lanes " + std::to_string(c.lanes) + " outside 1.." + std::to_string(kMaxLanes));
    }
    if (c.memory_kib < 8 * c.lanes) {
        invalid("memory " + std::to_string(c.memory_kib) + " KiB below 8 KiB per lane");
    }
    if (c.passes < 1) {
        invalid("passes must be at least 1");
    }
    if (tag_bytes < kMinTagBytes || tag_bytes > kMaxTagBytes) {
        invalid("tag of " + std::to_string(tag_bytes) + " bytes outside " +
                std::to_string(kMinTagBytes) + ".." + std::to_string(kMaxTagBytes));
    }
    for (const auto& field : {in.password, in.salt, in.secret, in.associated_data}) {
        if (field.size() > 0xffffffffu) {
            invalid("an input longer than 2^32 - 1 bytes");
        }
    }
}

}  // namespace

SecureBytes initial_hash(const Inputs& in, const Cost& c, std::size_t tag_bytes) {
    Blake2b h(crypto_generichash_blake2b_BYTES_MAX);
    h.update_le32(c.lanes);
    h.update_le32(static_cast<std::uint32_t>(tag_bytes));
    h.update_le32(c.memory_kib);
    h.update_le32(c.passes);
    h.update_le32(kVersion);
    h.update_le32(kArgon2id);
    h.update_field(in.password);
    h.update_field(in.salt);
    h.update_field(in.secret);
    h.update_field(in.associated_data);
    SecureBytes h0(crypto_generichash_blake2b_BYTES_MAX);
    h.final(h0);
    return h0;
}

void long_hash(std::span<std::uint8_t> out, std::span<const std::uint8_t> in) {
    const auto length = static_cast<std::uint32_t>(out.size());
    constexpr std::size_t kFull = crypto_generichash_blake2b_BYTES_MAX;  // 64
    if (out.size() <= kFull) {
        Blake2b h(out.size());
        h.update_le32(length);
        h.update(in);
        h.final(out);
        return;
    }
    // V1 = H^64(LE32(T) || in), V(k+1) = H^64(Vk); the first half of each
    // V is output, and the last V, of the remaining 33..64 bytes, whole.
    std::uint8_t v[kFull];
    {
        Blake2b h(kFull);
        h.update_le32(length);
        h.update(in);
        h.final(v);
    }
    std::size_t done = 0;
    while (out.size() - done > kFull) {
        std::copy(v, v + kFull / 2, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += kFull / 2;
        Blake2b h(std::min(kFull, out.size() - done));
        h.update(v);
        h.final(std::span(v, std::min(kFull, out.size() - done)));
    }
    std::copy(v, v + (out.size() - done), out.begin() + static_cast<std::ptrdiff_t>(done));
    platform::wipe(v, sizeof(v));
}

SecureBytes argon2id(const Inputs& in, const Cost& cost, const Options& options) {
    check(in, cost, options.tag_bytes);
    detail::initialize_sodium();
    const Geometry g(cost);
    platform::WipedPages pages(std::size_t{g.blocks} * kBlockBytes);
    const std::span<Block> memory(static_cast<Block*>(pages.data()), g.blocks);
    Filler filler(memory, g, options.kernel != nullptr ? *options.kernel : best_kernel());
    const SecureBytes h0 = initial_hash(in, cost, options.tag_bytes);

    // Threads: lane l is filled by worker l mod n. Workers that the system
    // will not start are done without: the others take their lanes.
    const unsigned wanted = std::min<unsigned>(
        g.lanes, options.max_threads != 0 ? options.max_threads : platform::usable_cpu_count());
    // Run by the last worker to reach each slice's end, the others waiting:
    // after the last slice, C is taken before the workers wipe their lanes.
    std::uint32_t slices_done = 0;
    Block c;
    auto slice_end = [&]() noexcept {
        ++slices_done;
        if (options.after_pass && slices_done % kSlices == 0) {
            options.after_pass(slices_done / kSlices - 1, memory);
        }
        if (slices_done == g.passes * kSlices) {
            filler.last_column(c);
        }
    };
    std::optional<SliceBarrier<decltype(slice_end)>> slice_barrier;
    unsigned workers = 1;
    std::latch go(1);
    auto work = [&](unsigned worker) {
        // A lane's pages are first touched by its own worker, from its first
        // blocks on: the kernel zeroes each lane's memory on that lane's
        // thread, not all of it on one.
        for (std::uint32_t lane = worker; lane < g.lanes; lane += workers) {
            filler.first_blocks(h0, lane);
        }
        for (std::uint32_t pass = 0; pass < g.passes; ++pass) {
            for (std::uint32_t slice = 0; slice < kSlices; ++slice) {
                for (std::uint32_t lane = worker; lane < g.lanes; lane += workers) {
                    filler.segment(pass, lane, slice);
                }
                slice_barrier->arrive_and_wait();
            }
        }
        // Each worker zeroes its own lanes: at 256 MiB the wipe is a tenth
        // of a two-lane derivation.
        for (std::uint32_t lane = worker; lane < g.lanes; lane += workers) {
            filler.wipe_lane(lane);
        }
    };
    {
        std::vector<std::jthread> helpers;
        helpers.reserve(wanted - 1);
        try {
            for (unsigned k = 1; k < wanted; ++k) {
                helpers.emplace_back([&go, &work, k] {
                    go.wait();
                    work(k);
                });
            }
        } catch (...) {
            // No more threads to be had (std::system_error, bad_alloc):
            // fewer workers, the same bytes.
        }
        workers = static_cast<unsigned>(helpers.size()) + 1;
        slice_barrier.emplace(workers, slice_end);
        go.count_down();
        work(0);
    }  // the helpers are joined here
    pages.zeroed_by_owner();

    SecureBytes tag(options.tag_bytes);
    long_hash(tag, bytes_of(c));
    platform::wipe(&c, sizeof(c));
    return tag;
}

}  // namespace tresor::vault::argon2
