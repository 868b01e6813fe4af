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

#include <chrono>
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
/// it again, five times more; while Xapian says the revision was discarded (only commits do
/// that), for at least a second, so that a read as slow as two commits of an indexer
/// committing every few articles still gets its turn (a phrase query in izdeu-serve lost six
/// tries in a row to one committing every 10 articles). A real corruption or I/O error
/// persists through the retries and is reported. A reopen that itself meets further commits
/// (it reads the new revision's roots) counts as an attempt too.
template <typename Reopen, typename Read>
auto read_reopening(Reopen&& reopen, Read&& read) -> decltype(read()) {
    constexpr int kQuickAttempts = 6;
    constexpr auto kPatience = std::chrono::seconds(1);
    const auto started = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
        try {
            if (attempt > 0) reopen();
            return read();
        } catch (const Xapian::DatabaseError& e) {
            if (!revision_was_discarded(e)) throw;
            if (attempt + 1 >= kQuickAttempts && (e.get_type() != std::string("DatabaseModifiedError") ||
                                                  std::chrono::steady_clock::now() - started >= kPatience))
                throw;
        }
    }
}

}  // namespace izdeu
