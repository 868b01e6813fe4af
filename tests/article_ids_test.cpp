// Who owns an article id during an incremental run (IdOwners), and the retry of reads whose
// revision the writer discarded (revision_reads.h).

#include <catch2/catch.hpp>

#include <string>

#include <xapian.h>

#include "article_ids.h"
#include "revision_reads.h"
#include "schema.h"
#include "searcher.h"
#include "test_support.h"

using izdeu::IdOwners;
using izdeu::read_reopening;
using izdeu::testing::TempDir;
namespace schema = izdeu::schema;

namespace {

Xapian::Document article_of_file(const std::string& id, const std::string& path) {
    Xapian::Document doc;
    doc.add_boolean_term(schema::id_term(id));
    doc.add_boolean_term(schema::source_file_term(path));
    return doc;
}

/// A read that fails as one of a discarded revision does its first `failures` times, then answers 7.
auto read_failing(int& calls, int failures) {
    return [&calls, failures] {
        if (++calls <= failures) throw Xapian::DatabaseModifiedError("The revision being read has been discarded");
        return 7;
    };
}

}  // namespace

TEST_CASE("An id is refused while another file gives it, and free once that file's new version drops it",
          "[article_ids]") {
    TempDir dir;
    Xapian::WritableDatabase writer(dir.str("db"), Xapian::DB_CREATE_OR_OVERWRITE);
    writer.replace_document(schema::id_term("x"), article_of_file("x", "/news/a.txt"));
    writer.commit();

    Xapian::Database reader(dir.str("db"));
    IdOwners owners(&reader, {{schema::source_file_term("/news/a.txt"), "/news/a.txt"}}, {});
    CHECK(owners.claim(schema::id_term("x"), "/news/b.txt") == "/news/a.txt");
    CHECK(owners.claim(schema::id_term("y"), "/news/b.txt").empty());

    // The run rewrites a.txt, whose new version gives the id "z" instead of "x".
    writer.delete_document(schema::id_term("x"));
    writer.replace_document(schema::id_term("z"), article_of_file("z", "/news/a.txt"));
    writer.commit();
    CHECK(owners.claim(schema::id_term("x"), "/news/b.txt") == "/news/a.txt");  // not read yet
    owners.committed();
    CHECK(owners.claim(schema::id_term("x"), "/news/b.txt").empty());
    CHECK(owners.claim(schema::id_term("z"), "/news/b.txt") == "/news/a.txt");
    // Ids this run wrote are answered from memory: the first file to claim one keeps it.
    CHECK(owners.claim(schema::id_term("x"), "/news/c.txt") == "/news/b.txt");
}

TEST_CASE("A read of a discarded revision is retried after a reopen; other errors are not", "[article_ids]") {
    int reopens = 0;
    auto reopen = [&] { ++reopens; };

    SECTION("each way a discarded revision shows") {
        for (int kind = 0; kind < 3; ++kind) {
            reopens = 0;
            int calls = 0;
            const int answer = read_reopening(reopen, [&] {
                if (++calls == 1) {
                    if (kind == 0) throw Xapian::DatabaseModifiedError("The revision being read has been discarded");
                    if (kind == 1) throw Xapian::DatabaseCorruptError("Expected block 435 to be level 1, not 0");
                    throw Xapian::DatabaseError("EOF reading block 83941382");
                }
                return 7;
            });
            CHECK(answer == 7);
            CHECK(reopens == 1);
        }
    }
    SECTION("a reopen that meets further commits is retried as well") {
        int calls = 0;
        const int answer = read_reopening(
            [&] {
                if (++reopens == 1) throw Xapian::DatabaseModifiedError("The revision being read has been discarded");
            },
            read_failing(calls, 1));
        CHECK(answer == 7);
        CHECK(reopens == 2);
        CHECK(calls == 2);
    }
    SECTION("a read slower than the commits gets more than six tries") {
        int calls = 0;
        const int answer = read_reopening(reopen, read_failing(calls, 10));
        CHECK(answer == 7);
        CHECK(calls == 11);
        CHECK(reopens == 10);
    }
    SECTION("after the quick tries, each try starts just after a commit") {
        int calls = 0, polls = 0;
        const auto reopen_moved = [&] { return ++polls % 3 == 0; };  // a commit every third look
        const int answer = read_reopening(reopen_moved, read_failing(calls, 6));
        CHECK(answer == 7);
        CHECK(calls == 7);
        // Tries 2 to 7 each reopen first (looks 1 to 6); the seventh then waits for the next
        // commit (looks 7, 8 and 9).
        CHECK(polls == 9);
    }
    SECTION("an error that persists is reported") {
        int calls = 0;
        CHECK_THROWS_AS(read_reopening(reopen,
                                       [&]() -> int {
                                           ++calls;
                                           throw Xapian::DatabaseError("EOF reading block 9");
                                       }),
                        Xapian::DatabaseError);
        CHECK(calls == 6);  // a damaged table fails every time: reported at once
        CHECK(reopens == 5);
    }
    SECTION("opening and lock errors are not a discarded revision") {
        CHECK_THROWS_AS(read_reopening(reopen, []() -> int { throw Xapian::DatabaseNotFoundError("no such db"); }),
                        Xapian::DatabaseNotFoundError);
        CHECK_THROWS_AS(read_reopening(reopen, []() -> int { throw Xapian::DatabaseLockError("locked"); }),
                        Xapian::DatabaseLockError);
        CHECK(reopens == 0);
    }
}

TEST_CASE("A reading inside another runs once: the outer one retries the whole", "[article_ids]") {
    TempDir dir;
    izdeu::testing::build_database(dir.str("db"), {{"a1", "Senate", "The senate met."}});
    izdeu::query::Searcher searcher({dir.str("db")}, "");
    int outer_calls = 0, inner_calls = 0;
    const int answer = searcher.reading([&] {
        ++outer_calls;
        return searcher.reading(read_failing(inner_calls, 1));
    });
    CHECK(answer == 7);
    CHECK(inner_calls == 2);
    CHECK(outer_calls == 2);  // the inner failure went out to the outer retry
}
