#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "article_parser.h"
#include "errors.h"

using izdeu::parse_article_text;

namespace {

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("Article parser reads the seed article", "[parser]") {
    // The seed article lives outside the repository (../shared/seed); it is not copied in.
    const std::filesystem::path seed_dir = std::filesystem::path(IZDEU_SOURCE_DIR) / ".." / "shared" / "seed";
    if (!std::filesystem::exists(seed_dir)) {
        WARN("no ../shared/seed beside the checkout; seed test skipped");
        return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(seed_dir)) {
        izdeu::Article a = parse_article_text(read_all(entry.path()));
        CHECK(a.title == "Head of State Tokayev meets with ombudsmen and human rights leaders");
        CHECK(a.credit == "Akorda");
        REQUIRE(a.published);
        CHECK(a.published->iso() == "2023-08-29T16:29");
        REQUIRE(a.views);
        CHECK(*a.views == 2086);
        CHECK(a.body.rfind("Kazakh Head of State Kassym-Jomart Tokayev met with", 0) == 0);
        CHECK(a.body.find("Subscribe") == std::string::npos);
        CHECK(a.body.find("Telegram") == std::string::npos);
        CHECK(a.warnings.empty());
    }
}

TEST_CASE("Article parser handles each part of the format", "[parser]") {
    struct Case {
        const char* name;
        const char* text;
        const char* title;
        const char* credit;
        const char* date;  // iso, or "" when none
        long long views;   // -1 when none
        const char* body_start;
        const char* body_end;
        std::size_t warnings;
    };
    const Case cases[] = {
        {"full article",
         "Budget adopted\n\nBudget adopted\nPhoto: Kazinform 05.03.2024 10:05 731\n\nThe Senate adopted the "
         "budget.\n\nTelegram Subscribe to our Telegram channel and be the first to know the news!\n",
         "Budget adopted", "Kazinform", "2024-03-05T10:05", 731, "The Senate", "the budget.", 0},
        {"CRLF line endings",
         "Budget adopted\r\n\r\nBudget adopted\r\nPhoto: Kazinform 05.03.2024 10:05 731\r\n\r\nFirst "
         "paragraph.\r\n\r\nSecond paragraph.\r\n",
         "Budget adopted", "Kazinform", "2024-03-05T10:05", 731, "First paragraph.", "Second paragraph.", 0},
        {"odd spacing in the metadata line",
         "Title here\n\nTitle here\nPhoto:  Senate press   service   05.03.2024  10:05   731  \n\nBody.\n",
         "Title here", "Senate press service", "2024-03-05T10:05", 731, "Body.", "Body.", 0},
        {"no repeated title", "Only once\nФото: Akorda 01.02.2023 09:00 10\n\nТекст статьи.\n", "Only once", "Akorda",
         "2023-02-01T09:00", 10, "Текст статьи.", "Текст статьи.", 0},
        {"no metadata line", "A title\n\nA title\n\nThe body starts here.\n", "A title", "", "", -1,
         "The body starts here.", "The body starts here.", 0},
        {"title and body only (benchmark corpus)", "Some manual page\n\nText of the page.\nMore text.\n",
         "Some manual page", "", "", -1, "Text of the page.\nMore text.", "More text.", 0},
        {"Kazakh label, no view count", "Тақырып\n\nТақырып\nСурет: Akorda 12.12.2023 18:45\n\nМәтін.\n", "Тақырып",
         "Akorda", "2023-12-12T18:45", -1, "Мәтін.", "Мәтін.", 0},
        {"date without time", "T\n\nT\nPhoto: El.kz 29.02.2024\n\nB.\n", "T", "El.kz", "2024-02-29", -1, "B.", "B.", 0},
        {"impossible date is reported", "T\n\nT\nPhoto: El.kz 31.02.2024 10:00 5\n\nB.\n", "T", "El.kz", "", 5, "B.",
         "B.", 1},
        {"bad time is reported", "T\n\nT\nPhoto: Akorda 01.01.2024 25:61 7\n\nB.\n", "T", "Akorda", "2024-01-01", 7,
         "B.", "B.", 1},
        {"bad view count is reported", "T\n\nT\nPhoto: Akorda 01.01.2024 10:00 many\n\nB.\n", "T", "Akorda",
         "2024-01-01T10:00", -1, "B.", "B.", 1},
        {"Russian footer dropped",
         "Т\n\nТ\nФото: Tengrinews 03.04.2023 11:11 99\n\nТекст.\n\nTelegram Подписывайтесь на наш Telegram-канал и "
         "узнавайте новости первыми!\n",
         "Т", "Tengrinews", "2023-04-03T11:11", 99, "Текст.", "Текст.", 0},
        {"Kazakh footer dropped",
         "Т\n\nТ\nСурет: Akorda 03.04.2023 11:11 99\n\nМәтін.\n\nTelegram Жаңалықтарды бірінші болып білу үшін "
         "Telegram арнамызға жазылыңыз!\n",
         "Т", "Akorda", "2023-04-03T11:11", 99, "Мәтін.", "Мәтін.", 0},
        {"Latin-script Kazakh, 2018 label and footer",
         "Jańa mektep\n\nJańa mektep\nSýret: Kazinform 14.03.2024 11:20 845\n\nMektep ashyldy.\n\nJańalyqtardy bilý "
         "úshin Telegram arnamyzǵa jazylyńyz!\n",
         "Jańa mektep", "Kazinform", "2024-03-14T11:20", 845, "Mektep ashyldy.", "Mektep ashyldy.", 0},
        {"Latin-script Kazakh, 2021 label and footer",
         "Su tasqyny\n\nSu tasqyny\nSuret: Kazinform 02.04.2024 09:15 1320\n\nBögetter tekserildi.\n\nJañalyqtardy "
         "bilu üşin Telegram arnamyzğa jazylyñyz!\n",
         "Su tasqyny", "Kazinform", "2024-04-02T09:15", 1320, "Bögetter tekserildi.", "Bögetter tekserildi.", 0},
        {"byte order mark", "\xEF\xBB\xBFTitle\n\nBody.\n", "Title", "", "", -1, "Body.", "Body.", 0},
        {"leading blank lines and trailing spaces",
         "\n\n  Title  \n\n  Title\nPhoto: Akorda 01.01.2024 10:00 1\nBody line.   \n", "Title", "Akorda",
         "2024-01-01T10:00", 1, "Body line.", "Body line.", 0},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        izdeu::Article a = parse_article_text(c.text);
        CHECK(a.title == c.title);
        CHECK(a.credit == c.credit);
        CHECK((a.published ? a.published->iso() : std::string()) == c.date);
        CHECK((a.views ? *a.views : -1) == c.views);
        CHECK(a.body.rfind(c.body_start, 0) == 0);
        CHECK(a.body.size() >= std::string(c.body_end).size());
        CHECK(a.body.compare(a.body.size() - std::string(c.body_end).size(), std::string::npos, c.body_end) == 0);
        CHECK(a.warnings.size() == c.warnings);
    }
}

TEST_CASE("Article parser refuses empty text", "[parser]") {
    CHECK_THROWS_AS(parse_article_text(""), izdeu::ArticleError);
    CHECK_THROWS_AS(parse_article_text(" \n\r\n\t\n"), izdeu::ArticleError);
}

TEST_CASE("A body that mentions Telegram mid-text keeps it", "[parser]") {
    izdeu::Article a = parse_article_text("T\n\nThe ministry opened a Telegram bot for citizens.\n\nMore text.\n");
    CHECK(a.body.find("Telegram bot") != std::string::npos);
}

TEST_CASE("Dates parse in ISO and dotted forms", "[parser]") {
    CHECK(izdeu::parse_date("2023-08-29")->iso() == "2023-08-29");
    CHECK(izdeu::parse_date("2023-08-29T16:29:00Z")->iso() == "2023-08-29T16:29");
    CHECK(izdeu::parse_date("29.08.2023 16:29")->iso() == "2023-08-29T16:29");
    CHECK_FALSE(izdeu::parse_date("2023-02-29"));
    CHECK(izdeu::parse_date("2024-02-29"));
    CHECK_FALSE(izdeu::parse_date("yesterday"));
}
