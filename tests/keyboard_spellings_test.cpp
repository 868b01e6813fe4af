// The walk that finds the Kazakh spellings of a word typed on a Russian keyboard among the
// index's terms: a golden table over a small term list.
#include <catch2/catch.hpp>

#include "keyboard_spellings.h"
#include "test_support.h"

using namespace izdeu;
using namespace izdeu::query;

namespace {

std::string joined(const KeyboardSpellings& found) {
    std::string out;
    for (const std::string& t : found.terms) out += (out.empty() ? "" : " ") + t;
    return out + (found.truncated ? " +" : "");
}

}  // namespace

TEST_CASE("The keyboard walk finds the terms whose fold is what was typed", "[keyboard]") {
    testing::TempDir dir;
    {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_CREATE);
        Xapian::Document doc;
        for (const char* term : {"қазақстан", "қазақстанда", "казакстан", "казахстан", "қазан", "кітап", "китап",
                                 "sқазақстан", "sказахстан", "xcақорда", "үкімет", "ұкімет", "өнер", "с", "сү"}) {
            doc.add_term(term);
        }
        db.add_document(doc);
        db.commit();
    }
    Xapian::Database db(dir.str("db"));
    struct Case {
        const char* prefix;
        const char* folded;
        bool starting;
        const char* expected;  // the terms in term order; " +" when cut at the limit
    };
    const Case cases[] = {
        // every spelling whose fold it is, the typed one too, in term order
        {"", "казакстан", false, "казакстан қазақстан"},
        {"", "китап", false, "китап кітап"},
        // ұ and ү are both typed with у
        {"", "укимет", false, "үкімет ұкімет"},
        {"", "онер", false, "өнер"},
        // one letter, and a whole word only: no longer words, no other prefix's terms
        {"", "с", false, "с"},
        {"", "су", false, "сү"},
        {"", "казак", false, ""},
        {"s", "казакстан", false, "sқазақстан"},
        {"xc", "акорда", false, "xcақорда"},
        // as a wildcard: every term whose fold starts with it
        {"", "казак", true, "казакстан қазақстан қазақстанда"},
        {"", "каза", true, "казакстан казахстан қазан қазақстан қазақстанда"},
        {"s", "каза", true, "sказахстан sқазақстан"},
        {"", "мектеп", true, ""},
    };
    for (const Case& c : cases) {
        INFO("prefix '" << c.prefix << "', folded '" << c.folded << "'" << (c.starting ? " *" : ""));
        CHECK(joined(keyboard_spellings(db, c.prefix, c.folded, c.starting, 100)) == c.expected);
    }
    // The limit cuts the list and says so.
    CHECK(joined(keyboard_spellings(db, "", "каза", true, 2)) == "казакстан казахстан +");
}
