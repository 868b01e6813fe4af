#include <catch2/catch.hpp>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "stored_fields.h"

using izdeu::query::read_stored_fields;
using izdeu::query::StoredFields;

namespace {

/// The fields as nlohmann reads them: what the fast reader must agree with.
StoredFields by_nlohmann(const std::string& data, bool want_text) {
    StoredFields f;
    const nlohmann::json j = nlohmann::json::parse(data);
    auto get = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
    f.id = get("id");
    f.title = get("title");
    f.date = get("date");
    f.lang = get("lang");
    f.credit = get("credit");
    f.url = get("url");
    if (want_text) f.text = get("text");
    return f;
}

void check_same(const std::string& data, bool want_text) {
    INFO(data);
    StoredFields fast;
    REQUIRE(read_stored_fields(data, want_text, fast));
    const StoredFields slow = by_nlohmann(data, want_text);
    CHECK(fast.id == slow.id);
    CHECK(fast.title == slow.title);
    CHECK(fast.date == slow.date);
    CHECK(fast.lang == slow.lang);
    CHECK(fast.credit == slow.credit);
    CHECK(fast.url == slow.url);
    CHECK(fast.text == slow.text);
}

}  // namespace

TEST_CASE("Stored fields: the record izdeu-index writes", "[stored]") {
    // As document_builder dumps it: keys in order, UTF-8 as is, control characters escaped.
    const nlohmann::json record = {{"id", "ru/001.txt"},
                                   {"title", "Суд в \"Астане\"\\"},
                                   {"lang", "ru"},
                                   {"text", "Первый абзац.\n\nВторой\tабзац \x01 конец / \U0001F600"},
                                   {"date", "2024-02-01T10:00"},
                                   {"credit", "Akorda"},
                                   {"views", 5230},
                                   {"url", "https://example.kz/a?b=1&c=2"}};
    const std::string data = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    StoredFields f;
    REQUIRE(read_stored_fields(data, true, f));
    CHECK(f.id == "ru/001.txt");
    CHECK(f.title == "Суд в \"Астане\"\\");
    CHECK(f.text == "Первый абзац.\n\nВторой\tабзац \x01 конец / \U0001F600");
    CHECK(f.credit == "Akorda");
    CHECK(f.date == "2024-02-01T10:00");
    REQUIRE(read_stored_fields(data, false, f));
    CHECK(f.text.empty());
    CHECK(f.title == "Суд в \"Астане\"\\");
    check_same(data, true);
    check_same(data, false);
}

TEST_CASE("Stored fields: escapes, spacing and shapes the fast reader hands to nlohmann", "[stored]") {
    for (const std::string data : {
             R"({"id":"a\u0041\u00e9\u0416\ud83d\ude00\/\b\f\r","text":"x"})",
             R"(  { "id" : "spaced" , "views" : -1.5e3 , "ok" : true , "none" : null , "text" : "t" }  )",
             R"({"id":"first","id":"second"})",
             R"({})",
             // Nested values and arrays: not what the indexer writes, read by nlohmann.
             R"({"id":"n","extra":{"a":[1,2,{"b":"c"}]},"title":"after"})",
             R"({"id":"arr","tags":["x","y"],"text":"body"})",
         }) {
        check_same(data, true);
        check_same(data, false);
    }
    StoredFields f;
    for (const std::string bad : {"", "[]", "\"text\"", "{\"id\":\"unterminated}", "{\"id\":\"a\"} trailing",
                                  "{\"id\":\"\\ud800 lone\"}", "not json"}) {
        INFO(bad);
        const bool object = nlohmann::json::parse(bad, nullptr, false).is_object();
        CHECK(read_stored_fields(bad, true, f) == object);
        if (!object) CHECK(f.id.empty());
    }
}

TEST_CASE("Stored fields: random records read as nlohmann reads them", "[stored]") {
    std::mt19937 random(20261130);
    const std::string alphabet[] = {"a", "Z", " ", "\"",         "\\", "/",   "\n", "\t", "\x01", "\x1f",
                                    "Қ", "ё", "€", "\U0001F600", "u",  "\\u", "{",  "}",  ":",    ","};
    for (int n = 0; n < 500; ++n) {
        auto text = [&](int max) {
            std::string s;
            const int length = static_cast<int>(random() % static_cast<unsigned>(max));
            for (int i = 0; i < length; ++i) s += alphabet[random() % std::size(alphabet)];
            return s;
        };
        nlohmann::json record = {{"id", text(12)}, {"title", text(30)}, {"lang", "kk"}, {"text", text(400)}};
        if (random() % 2) record["credit"] = text(10);
        if (random() % 2) record["url"] = text(20);
        if (random() % 2) record["views"] = static_cast<int>(random() % 100000);
        check_same(record.dump(), random() % 2 == 0);
    }
}
