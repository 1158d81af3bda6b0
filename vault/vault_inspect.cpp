// What a Vault says of itself: verify (every record, the manifest and the
// audit chain checked) and info (format, slots, admin, store).
#include "vault/audit/chain.hpp"
#include "vault/vault_state.hpp"

namespace tresor::vault {

namespace {

const char* kind_name(SlotKind kind) {
    switch (kind) {
        case SlotKind::keyfile:
            return "keyfile";
        case SlotKind::recipient:
            return "recipient";
        case SlotKind::password:
            break;
    }
    return "password";
}

}  // namespace

VerifyReport Vault::verify() {
    State& s = *state_;
    VerifyReport report;
    report.problems = s.store->check_integrity();
    // One snapshot, safe from concurrent writers.
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    const Header header = s.load_header();
    Bytes manifest(kMacBytes, 0);
    s.store->scan(nullptr, true, [&](const Row& row) {
        ++report.records_checked;
        const std::string where = "record " + to_hex(row.record_id);
        try {
            const Metadata m = s.open_metadata(row);
            if (!aead_open(s.keys.record, row.value,
                           record_associated_data(s.identity(row), Field::value))) {
                report.problems.push_back(where + ": value failed authentication");
            }
            if (name_index(s.keys, m.service, m.name) != row.name_index ||
                service_index(s.keys, m.service) != row.service_index) {
                report.problems.push_back(where + ": index does not match its contents");
            }
        } catch (const Error& e) {
            report.problems.push_back(where + ": " + e.what());
        }
        xor_into(manifest, s.entry_of(row));
        return true;
    });
    // The manifest covers the audit log's last block too.
    const audit::ChainReport chain =
        audit::read_chain(*s.store, s.audit_keys(), s.vault_id, [](auto, const auto&) {});
    report.audit_blocks_checked = chain.blocks;
    report.audit_events_checked = chain.events;
    report.audit_problems = chain.problems;
    if (!chain.head.empty()) {
        xor_into(manifest, chain.head);
    }
    report.manifest_matches = report.records_checked == header.record_count &&
                              equal_in_constant_time(manifest, header.manifest);
    if (!report.manifest_matches) {
        report.problems.push_back(
            chain.blocks == 0
                ? "the records do not match the authenticated manifest (a record was added, "
                  "removed, rolled back or replaced outside tresor)"
                : "the records or the audit log do not match the authenticated manifest (a record "
                  "was added, removed, rolled back or replaced outside tresor, or the audit log's "
                  "newest blocks were removed)");
    }
    return report;
}

Info Vault::info() {
    State& s = *state_;
    const Header header = s.load_header();
    Info info;
    info.format_version = format_version(header);
    info.vault_id = to_hex(header.vault_id);
    info.generation = header.generation;
    info.record_count = header.record_count;
    if (header.admin) {
        info.admin = admin_identity_text(header.admin->admin_public_key);
        info.key_epoch = header.admin->key_epoch;
        if (header.admin->handover) {
            info.handed_over_from = admin_identity_text(header.admin->handover->previous_admin);
        }
    }
    info.admin_pinned = s.trust.pinned();
    for (const Slot& slot : header.slots) {
        info.slots.push_back(
            {kind_name(slot.kind),
             slot.id,
             {slot.params.memory_kib, slot.params.iterations, slot.params.parallelism},
             slot.label,
             slot.kind == SlotKind::recipient ? public_key_text(slot.recipient_public_key) : ""});
    }
    info.file_bytes = s.store->size_bytes();
    info.location = s.store->location();
    info.store = s.store->traits();
    return info;
}

}  // namespace tresor::vault
