// The audit log of a Vault (vault/audit/, docs/VAULT-FORMAT.md "Audit
// log"): enabled, its reads noted and flushed, read back, its unsealed notes
// listed and its oldest blocks pruned.
#include "vault/audit/chain.hpp"
#include "vault/audit/codec.hpp"
#include "vault/vault_state.hpp"

namespace tresor::vault {

void Vault::enable_audit() {
    state_->audit.enable();
}

void Vault::set_audit_actor(std::string_view actor) {
    state_->audit.set_actor(actor);
}

void Vault::note_read(audit::Operation operation, audit::Outcome outcome, std::string_view service,
                      std::string_view name, std::string_view detail) {
    state_->audit.note(operation, outcome, service, name, detail);
}

bool Vault::audit_due() const {
    return state_->audit.due();
}

bool Vault::flush_audit() {
    State& s = *state_;
    if (!s.audit.has_noted()) {
        return false;
    }
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    s.commit_header(tx, header);
    return true;
}

audit::ChainReport Vault::read_audit(
    const std::function<void(std::uint64_t, const audit::Event&)>& sink) {
    State& s = *state_;
    StoreTransaction snapshot(*s.store, RecordStore::Access::read);
    (void)s.load_header();  // current keys
    return audit::read_chain(*s.store, s.audit_keys(), s.vault_id, sink);
}

std::vector<audit::Event> Vault::unsealed_audit_notes() {
    std::vector<audit::Event> out;
    for (const auto& note : state_->store->audit_notes()) {
        try {
            out.push_back(audit::decode_note(note.second));
        } catch (const Error&) {
            // Anyone who can write the store can add a note: an unreadable
            // one is skipped here and sealed as unreadable by the next write.
        }
    }
    return out;
}

std::uint64_t Vault::prune_audit(std::int64_t before_ms) {
    State& s = *state_;
    s.audit.enable();  // a prune is always sealed: readers start the chain from it
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    const auto pruned = audit::prune_blocks(*s.store, s.audit_keys(), s.vault_id, before_ms);
    if (!pruned) {
        return 0;
    }
    s.audit.stage(audit::Operation::prune, {}, {}, pruned->detail);
    s.commit_header(tx, header);
    return pruned->blocks;
}

}  // namespace tresor::vault
