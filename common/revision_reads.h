#pragma once
// Reading a Xapian database that an indexer commits to meanwhile.
//
// A reader keeps the revision it opened. Glass lets the writer reuse that revision's blocks
// once two newer ones are committed, and a read then fails in one of three ways: Xapian
// notices the newer block (DatabaseModifiedError), it finds a block of the wrong kind
// (DatabaseCorruptError: "Expected block N to be level L"), or it follows a pointer out of a
// block rewritten under it (a plain DatabaseError: "EOF reading block N"). All three mean "the
// revision you read is gone", and a reopen answers from the latest one; each was seen in
// tests/reliability_test.py.

#include <string>

#include <xapian.h>

namespace izdeu {

/// True for the errors a read of a discarded revision raises (above). Opening, lock and other
/// errors are not retried.
inline bool revision_was_discarded(const Xapian::DatabaseError& e) {
    const std::string type = e.get_type();
    return type == "DatabaseModifiedError" || type == "DatabaseCorruptError" || type == "DatabaseError";
}

/// Runs `read`; when it fails as a read of a discarded revision does, calls `reopen` and runs
/// it again, up to five times more: a real corruption or I/O error persists through the
/// retries and is reported. A reopen that itself meets further commits (it reads the new
/// revision's roots) counts as an attempt too.
template <typename Reopen, typename Read>
auto read_reopening(Reopen&& reopen, Read&& read) -> decltype(read()) {
    for (int attempt = 0;; ++attempt) {
        try {
            if (attempt > 0) reopen();
            return read();
        } catch (const Xapian::DatabaseError& e) {
            if (attempt >= 5 || !revision_was_discarded(e)) throw;
        }
    }
}

}  // namespace izdeu
