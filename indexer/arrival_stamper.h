#pragma once
// Stamps each written document with when its article arrived and when it last changed
// (schema.h: kSlotIndexedAt, kSlotChangedAt), keeping the stamps of the version it replaces, so
// izdeu-watch reports an article once however often it is re-indexed, and an edit only as an
// edit. A fresh build (--rebuild) looks the previous version up in the live index it replaces,
// so rebuilding keeps every watch's marks valid; an incremental run looks in the database it
// writes (where an article written earlier in the same run is visible too).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <xapian.h>

namespace izdeu {

class ArrivalStamper {
  public:
    /// previous_index: the live index a fresh build replaces (empty for an incremental run, or
    /// when there is none yet). A live index that cannot be opened stamps every article as new.
    explicit ArrivalStamper(const std::string& previous_index);

    /// Sets both slots of `document` (the article with `id_term`), now being `now_microseconds`.
    /// `current` is the database the document is about to be written to.
    void stamp(Xapian::Document& document, const std::string& id_term, const std::string& content_hash,
               const Xapian::Database& current, std::int64_t now_microseconds);

  private:
    std::optional<Xapian::Database> previous_;
};

}  // namespace izdeu
