// The tresor CLI on the Secret Service beside the programs people already
// keep secrets with, all on one real gnome-keyring (with_keyring.sh), one
// suite per program: Bun.secrets (Bun from the npm registry), Python's keyring
// (Debian's python3-keyring, its SecretService backend), secret-tool, and
// keytar and keyring-rs as small C programs making the calls they make
// (peers/). For each program, each way round: the other reads, lists,
// overwrites (and the first reads the new value) and removes.
#define BOOST_TEST_MODULE secret_service_interop
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>

#include "integration/secret_service/keyring_items.hpp"
#include "support/run_process.hpp"
#include "support/test_support.hpp"

using namespace tresor::test;

namespace {

using Names = std::vector<std::string>;

std::string unique(const std::string& what) {
    return "tresor-interop-" + what + "-" + std::to_string(::getpid());
}

// The names in a `tresor ls --json` or a program's listing.
bool lists(const Names& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

Names lines_of(const std::string& text) {
    Names out;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        out.push_back(text.substr(start, end - start));
    }
    return out;
}

// A program keeping secrets, driven through its command line. An error
// (anything but found / not found) fails the test with its stderr.
class Program {
  public:
    virtual ~Program() = default;
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual std::optional<std::string> get(const std::string& service,
                                                         const std::string& account) const = 0;
    virtual void set(const std::string& service, const std::string& account,
                     const std::string& value) const = 0;
    virtual bool remove(const std::string& service, const std::string& account) const = 0;
    // nullopt: the program has no way to list a service's entries.
    [[nodiscard]] virtual std::optional<Names> list(const std::string& service) const = 0;
    // Python's keyring deletes only the first item it finds; the others
    // remove every item of the entry they see.
    [[nodiscard]] virtual bool removes_every_item() const { return true; }

  protected:
    // Exit 0: true, 1: false, anything else fails.
    static bool found(const ProcessResult& r, const std::string& what) {
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0 || r.exit_status == 1,
                              what << " exited " << r.exit_status << ": " << r.err);
        return r.exit_status == 0;
    }
};

// The peers' shared command line: PROGRAM... get|set|delete SERVICE NAME,
// list SERVICE (peers/*).
class PeerProgram : public Program {
  public:
    PeerProgram(std::string name, std::vector<std::string> command, bool lists,
                bool removes_every_item = true)
        : name_(std::move(name)),
          command_(std::move(command)),
          lists_(lists),
          removes_every_item_(removes_every_item) {}

    [[nodiscard]] std::string name() const override { return name_; }
    [[nodiscard]] std::optional<std::string> get(const std::string& service,
                                                 const std::string& account) const override {
        const ProcessResult r = run({"get", service, account});
        return found(r, name_ + " get") ? std::optional(r.out) : std::nullopt;
    }
    void set(const std::string& service, const std::string& account,
             const std::string& value) const override {
        const ProcessResult r = run({"set", service, account}, value);
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0, name_ << " set: " << r.err);
    }
    bool remove(const std::string& service, const std::string& account) const override {
        return found(run({"delete", service, account}), name_ + " delete");
    }
    [[nodiscard]] std::optional<Names> list(const std::string& service) const override {
        if (!lists_) {
            return std::nullopt;
        }
        const ProcessResult r = run({"list", service});
        return found(r, name_ + " list") ? lines_of(r.out) : Names{};
    }
    [[nodiscard]] bool removes_every_item() const override { return removes_every_item_; }

  private:
    [[nodiscard]] ProcessResult run(std::vector<std::string> args,
                                    const std::string& input = "") const {
        args.insert(args.begin(), command_.begin(), command_.end());
        return run_process(args, input);
    }

    std::string name_;
    std::vector<std::string> command_;
    bool lists_, removes_every_item_;
};

class SecretTool : public Program {
  public:
    [[nodiscard]] std::string name() const override { return "secret-tool"; }
    [[nodiscard]] std::optional<std::string> get(const std::string& service,
                                                 const std::string& account) const override {
        const ProcessResult r =
            run_process({kTool, "lookup", "service", service, "account", account}, "");
        return found(r, "secret-tool lookup") ? std::optional(r.out) : std::nullopt;
    }
    void set(const std::string& service, const std::string& account,
             const std::string& value) const override {
        const ProcessResult r = run_process({kTool, "store", "--label=" + service + " " + account,
                                             "service", service, "account", account},
                                            value);
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0, "secret-tool store: " << r.err);
    }
    bool remove(const std::string& service, const std::string& account) const override {
        return found(run_process({kTool, "clear", "service", service, "account", account}, ""),
                     "secret-tool clear");
    }
    [[nodiscard]] std::optional<Names> list(const std::string& service) const override {
        // search prints each attribute on stderr ("attribute.account = N").
        const ProcessResult r = run_process({kTool, "search", "--all", "service", service}, "");
        Names names;
        for (const std::string& line : lines_of(r.err)) {
            const std::string prefix = "attribute.account = ";
            if (line.rfind(prefix, 0) == 0) {
                names.push_back(line.substr(prefix.size()));
            }
        }
        return names;
    }

  private:
    static constexpr const char* kTool = "/usr/bin/secret-tool";
};

// tresor's CLI on a chain of the Secret Service alone, writing new entries
// in `schema`'s convention (the default when empty).
class Tresor {
  public:
    explicit Tresor(const std::string& schema = "") {
        std::string toml =
            "chain = [\"keyring\"]\n[backend.keyring]\nplugin = \"secret-service\"\n";
        if (!schema.empty()) {
            toml += "schema = \"" + schema + "\"\n";
        }
        config_ = dir_.write("config.toml", toml);
    }

    [[nodiscard]] std::optional<std::string> get(const std::string& service,
                                                 const std::string& name) const {
        const ProcessResult r = run({"get", service, name, "--raw"});
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0 || r.exit_status == 1, "tresor get: " << r.err);
        return r.exit_status == 0 ? std::optional(r.out) : std::nullopt;
    }
    void set(const std::string& service, const std::string& name, const std::string& value) const {
        const ProcessResult r = run({"set", service, name}, value);
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0, "tresor set: " << r.err);
    }
    [[nodiscard]] bool remove(const std::string& service, const std::string& name) const {
        const ProcessResult r = run({"rm", service, name});
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0 || r.exit_status == 1, "tresor rm: " << r.err);
        return r.exit_status == 0;
    }
    // The names `tresor ls SERVICE --json` shows, once per entry shown.
    [[nodiscard]] Names list(const std::string& service) const {
        const ProcessResult r = run({"ls", service, "--json"});
        BOOST_REQUIRE_MESSAGE(r.exit_status == 0, "tresor ls: " << r.err);
        Names names;
        const std::string key = "\"name\":\"";
        for (std::size_t at = r.out.find(key); at != std::string::npos;
             at = r.out.find(key, at + 1)) {
            const std::size_t start = at + key.size();
            names.push_back(r.out.substr(start, r.out.find('"', start) - start));
        }
        return names;
    }

  private:
    [[nodiscard]] ProcessResult run(std::vector<std::string> args,
                                    const std::string& input = "") const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config_.string()});
        return run_process(args, input);
    }

    TempDir dir_;
    std::filesystem::path config_;
};

const std::string kPeers = TRESOR_TEST_PEERS_DIR;

std::unique_ptr<Program> bun_program() {
    BOOST_REQUIRE_MESSAGE(std::filesystem::exists(TRESOR_TEST_BUN),
                          "no Bun at " TRESOR_TEST_BUN ": run scripts/install-deps --test");
    return std::make_unique<PeerProgram>(
        "Bun.secrets", std::vector<std::string>{TRESOR_TEST_BUN, kPeers + "/bun_peer.js"}, false);
}
std::unique_ptr<Program> python_keyring_program() {
    return std::make_unique<PeerProgram>(
        "Python keyring",
        std::vector<std::string>{"/usr/bin/python3", kPeers + "/python_keyring_peer.py"}, true,
        false);
}
std::unique_ptr<Program> keytar_program() {
    return std::make_unique<PeerProgram>("keytar", std::vector<std::string>{TRESOR_TEST_KEYTAR},
                                         true);
}
std::unique_ptr<Program> keyring_rs_program() {
    return std::make_unique<PeerProgram>("keyring-rs",
                                         std::vector<std::string>{TRESOR_TEST_KEYRING_RS}, false);
}

std::size_t items_of(const std::string& service) {
    return keyring_items(service).size();
}

// The program writes first; tresor reads, lists, overwrites (the program
// reads tresor's value from the one item left) and removes.
void program_writes_first(const Program& program, const Tresor& tresor) {
    const std::string service = unique("theirs");
    program.set(service, "alice", "from " + program.name());
    BOOST_TEST(tresor.get(service, "alice").value_or("<none>") == "from " + program.name());
    BOOST_TEST(tresor.list(service) == Names{"alice"}, boost::test_tools::per_element());
    tresor.set(service, "alice", "from tresor");
    BOOST_TEST(items_of(service) == 1u);
    BOOST_TEST(program.get(service, "alice").value_or("<none>") == "from tresor");
    if (const auto listed = program.list(service)) {
        BOOST_TEST(lists(*listed, "alice"), program.name() << " lists no alice");
    }
    BOOST_TEST(tresor.remove(service, "alice"));
    BOOST_TEST(!program.get(service, "alice").has_value());
    BOOST_TEST(items_of(service) == 0u);
    BOOST_TEST(!tresor.remove(service, "alice"));
}

// tresor writes first; the program reads, lists, overwrites (tresor reads the
// program's value) and removes (tresor then finds nothing).
void tresor_writes_first(const Program& program, const Tresor& tresor) {
    const std::string service = unique("ours");
    tresor.set(service, "alice", "from tresor");
    BOOST_TEST(program.get(service, "alice").value_or("<none>") == "from tresor");
    if (const auto listed = program.list(service)) {
        BOOST_TEST(lists(*listed, "alice"), program.name() << " lists no alice");
    }
    program.set(service, "alice", "from " + program.name());
    BOOST_TEST(tresor.get(service, "alice").value_or("<none>") == "from " + program.name());
    BOOST_TEST(tresor.list(service) == Names{"alice"}, boost::test_tools::per_element());
    // After an overwrite that left two items (Python's keyring matches its
    // own `application` attribute when it replaces), its delete takes only
    // one of them: it removes an entry tresor wrote that it did not overwrite.
    const std::string removed = program.removes_every_item() ? "alice" : "bob";
    if (removed != "alice") {
        tresor.set(service, removed, "from tresor");
    }
    BOOST_TEST(program.remove(service, removed));
    BOOST_TEST(!tresor.get(service, removed).has_value());
    BOOST_TEST(!tresor.remove(service, removed));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bun_secrets)

BOOST_AUTO_TEST_CASE(bun_writes_tresor_reads_overwrites_and_removes) {
    program_writes_first(*bun_program(), Tresor());
}

// Bun sees only items of its own schema name: tresor writes them with
// schema = "bun".
BOOST_AUTO_TEST_CASE(tresor_writes_with_schema_bun_and_bun_reads_overwrites_and_removes) {
    tresor_writes_first(*bun_program(), Tresor("bun"));
}

// The stale read of issue 21: with the default schema, Bun's write over
// tresor's entry makes a second item (Bun's replace matches its own schema
// name). gnome-keyring lists the two in an order of its own (a hash of their
// paths), and tresor read whichever came first: so pairs are made until the
// daemon lists tresor's older item first (at most 16 tries), and tresor must
// read Bun's. tresor's next write leaves one item, in Bun's convention, which
// Bun reads.
BOOST_AUTO_TEST_CASE(tresor_reads_bun_s_newer_item_beside_its_own_and_replaces_both) {
    const auto program = bun_program();
    const Tresor tresor;
    std::string service;
    for (int attempt = 0; attempt < 16 && service.empty(); ++attempt) {
        const std::string candidate = unique("stale-" + std::to_string(attempt));
        tresor.set(candidate, "alice", "old, from tresor");
        program->set(candidate, "alice", "new, from Bun");
        const auto items = keyring_items(candidate);
        BOOST_REQUIRE(items.size() == 2u);
        if (items.front().secret == "old, from tresor") {
            service = candidate;
        }
    }
    BOOST_REQUIRE_MESSAGE(!service.empty(), "gnome-keyring never listed the older item first");
    BOOST_TEST(tresor.get(service, "alice").value_or("<none>") == "new, from Bun");
    BOOST_TEST(tresor.list(service) == Names{"alice"}, boost::test_tools::per_element());
    tresor.set(service, "alice", "newest, from tresor");
    const auto items = keyring_items(service);
    BOOST_REQUIRE(items.size() == 1u);
    BOOST_TEST(items.front().attributes.at("xdg:schema") == "com.oven-sh.bun.Secret");
    BOOST_TEST(program->get(service, "alice").value_or("<none>") == "newest, from tresor");
}

// Two programs' items for one entry, neither tresor's (Bun's with `account`,
// Python keyring's with `username`): the one modified last answers, by the
// daemon's Modified time (whole seconds, so each write waits for the next).
BOOST_AUTO_TEST_CASE(of_two_programs_items_the_one_modified_last_answers) {
    const auto bun = bun_program();
    const auto python = python_keyring_program();
    const Tresor tresor;
    const std::string service = unique("newest");
    bun->set(service, "alice", "first, from Bun");
    tresor::test::wait_for_next_second();
    python->set(service, "alice", "second, from Python keyring");
    BOOST_REQUIRE(items_of(service) == 2u);
    BOOST_TEST(tresor.get(service, "alice").value_or("<none>") == "second, from Python keyring");
    tresor::test::wait_for_next_second();
    bun->set(service, "alice", "third, from Bun");
    BOOST_REQUIRE(items_of(service) == 2u);  // Bun's own item, written over
    BOOST_TEST(tresor.get(service, "alice").value_or("<none>") == "third, from Bun");
    BOOST_TEST(tresor.list(service) == Names{"alice"}, boost::test_tools::per_element());
    BOOST_TEST(tresor.remove(service, "alice"));
    BOOST_TEST(items_of(service) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(python_keyring)

BOOST_AUTO_TEST_CASE(keyring_writes_tresor_reads_overwrites_and_removes) {
    program_writes_first(*python_keyring_program(), Tresor());
}

BOOST_AUTO_TEST_CASE(tresor_writes_keyring_reads_overwrites_and_removes) {
    tresor_writes_first(*python_keyring_program(), Tresor());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secret_tool)

BOOST_AUTO_TEST_CASE(secret_tool_writes_tresor_reads_overwrites_and_removes) {
    program_writes_first(SecretTool(), Tresor());
}

BOOST_AUTO_TEST_CASE(tresor_writes_secret_tool_reads_overwrites_and_removes) {
    tresor_writes_first(SecretTool(), Tresor());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keytar)

BOOST_AUTO_TEST_CASE(keytar_writes_tresor_reads_overwrites_and_removes) {
    program_writes_first(*keytar_program(), Tresor());
}

BOOST_AUTO_TEST_CASE(tresor_writes_keytar_reads_overwrites_and_removes) {
    tresor_writes_first(*keytar_program(), Tresor());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keyring_rs)

BOOST_AUTO_TEST_CASE(keyring_rs_writes_tresor_reads_overwrites_and_removes) {
    program_writes_first(*keyring_rs_program(), Tresor());
}

BOOST_AUTO_TEST_CASE(tresor_writes_keyring_rs_reads_overwrites_and_removes) {
    tresor_writes_first(*keyring_rs_program(), Tresor());
}

BOOST_AUTO_TEST_SUITE_END()
