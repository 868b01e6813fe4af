#include "arrival_stamper.h"

#include "arrival_time.h"
#include "schema.h"

namespace izdeu {

ArrivalStamper::ArrivalStamper(const std::string& previous_index) {
    if (previous_index.empty()) return;
    try {
        previous_.emplace(previous_index);
    } catch (const Xapian::Error&) {
        // No live index yet (a first --rebuild), or one Xapian cannot read: every article is
        // new, which is what a watch would see anyway.
        previous_.reset();
    }
}

void ArrivalStamper::stamp(Xapian::Document& document, const std::string& id_term, const std::string& content_hash,
                           const Xapian::Database& current, std::int64_t now_microseconds) {
    const Xapian::Database& source = previous_ ? *previous_ : current;
    std::string indexed_at, changed_at;
    Xapian::PostingIterator found = source.postlist_begin(id_term);
    if (found != source.postlist_end(id_term)) {
        const Xapian::Document old = source.get_document(*found, Xapian::DOC_ASSUME_VALID);
        indexed_at = old.get_value(schema::kSlotIndexedAt);
        changed_at = old.get_value(schema::kSlotChangedAt);
    }
    // A version written before the stamps existed arrived at an unknown time: now is the
    // honest answer, and what --rebuild gives an index that has none.
    if (!arrival::decode(indexed_at)) indexed_at = arrival::encode(now_microseconds);
    const bool same_content = arrival::decode(changed_at) &&
                              changed_at.size() == arrival::kDigits + content_hash.size() &&
                              changed_at.compare(arrival::kDigits, std::string::npos, content_hash) == 0;
    if (!same_content) changed_at = arrival::encode(now_microseconds) + content_hash;
    document.add_value(schema::kSlotIndexedAt, indexed_at);
    document.add_value(schema::kSlotChangedAt, changed_at);
}

}  // namespace izdeu
