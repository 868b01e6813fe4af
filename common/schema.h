#pragma once
// The index schema: every term prefix, value slot and metadata key izdeu writes, in one place.
//
// A document is one article. Its text (title and body) is indexed as:
//   - unprefixed terms: the normalized surface word, with positions;
//   - "Z" + stem, with positions, only where the stem differs from the surface word (a stem equal
//     to the word is not written twice; queries look for both), so phrases match inflected forms;
//   - title words also as "S" + word and "ZS" + stem (the title: field), and with a higher wdf
//     in the unprefixed space so BM25 weighs the title above the body;
//   - "XK" + keyboard-folded form of Kazakh words (қ→к, ә→а, ...), with positions (phrases);
//   - "XN" + L/R/K + name key of words that look like names (Tokayev, Токаев, Тоқаев: XNLtkv,
//     XNRtkv, XNKtkv), with positions: queries in one script find the others through them;
//   - a Latin-script Kazakh word also as its Cyrillic reading (қазақстанның), stems from that.
// Boolean terms: "Q" unique id, "D"/"M"/"Y" date (YYYYMMDD, YYYYMM, YYYY, as omega), "L" language,
// "XC" credit words, "XF" source file (hash of its path), "XD" duplicate key. Values hold the
// sortable date, the duplicate key used for collapsing, and the view count. The document data is
// a JSON object with the stored fields the query tool prints.
//
// The database records kSchemaVersion and the analyzer fingerprint in its metadata; the query
// tool refuses a database whose either differs.

#include <cstdint>
#include <string>
#include <string_view>

#include <xapian.h>

namespace izdeu::schema {

/// Version of the term/value layout; bump on any incompatible change.
/// 2: keyboard-folded words as well as stems; 3: with positions; 4: name keys, Latin Kazakh read in Cyrillic.
inline constexpr int kSchemaVersion = 4;

inline constexpr std::string_view kStemPrefix = "Z";
inline constexpr std::string_view kTitlePrefix = "S";
inline constexpr std::string_view kTitleStemPrefix = "ZS";
inline constexpr std::string_view kKeyboardFoldPrefix = "XK";
/// + a language letter + the name key (transliteration.h) of a word that looks like a name:
/// capitalised, not first in its sentence. With positions.
inline constexpr std::string_view kNameKeyPrefix = "XN";
inline constexpr char kNameKeyLatin = 'L';    ///< a Latin-script word (English, other)
inline constexpr char kNameKeyRussian = 'R';  ///< a Cyrillic word stemmed as Russian
inline constexpr char kNameKeyKazakh = 'K';   ///< a Kazakh word, Cyrillic or Latin-script
inline constexpr std::string_view kIdPrefix = "Q";
inline constexpr std::string_view kDayPrefix = "D";
inline constexpr std::string_view kMonthPrefix = "M";
inline constexpr std::string_view kYearPrefix = "Y";
inline constexpr std::string_view kLanguagePrefix = "L";
inline constexpr std::string_view kCreditPrefix = "XC";
inline constexpr std::string_view kSourceFilePrefix = "XF";
inline constexpr std::string_view kDuplicatePrefix = "XD";  ///< + duplicate key: all copies of an article

/// Value slots.
enum Slot : Xapian::valueno {
    kSlotDate = 0,          ///< "YYYYMMDDHHMM" (string order is date order); absent when unknown
    kSlotDuplicateKey = 1,  ///< hash of the normalized body: copies share it (collapse key)
    kSlotViews = 2,         ///< Xapian::sortable_serialise(view count)
    /// When the article first entered the index (arrival_time.h: 17 digits of microseconds since
    /// the epoch); kept when it is re-indexed or the index rebuilt, so watches see it once.
    kSlotIndexedAt = 3,
    /// When its content last changed: the same 17 digits, then the 16 hex digits of its content
    /// hash (which tells an edit from a re-read of the same text). The first indexing counts.
    kSlotChangedAt = 4,
    /// The duplicate key again, only on articles that have a copy in the index: the collapse
    /// key. Xapian reads the collapse key of every match it weighs; with the dense slot above
    /// that was 15-25% of a query, for 1.5% of the benchmark's articles that have copies.
    /// Written by indexes whose kMetaCopiesSlot is "1" (first builds and --rebuild since it came).
    kSlotCopiesKey = 5,
    /// The keys of the terms the article opens with (lead_terms.h), for the lead boost.
    /// Written on every article; searches read it when kMetaLeadTerms says all have it.
    kSlotLeadTerms = 6,
    /// The stored record without its text (the same JSON object, no "text"): a hit shown
    /// without a snippet reads this small value instead of the whole record, which Xapian
    /// inflates in full (most of it the text). Written on every article; searches read it when
    /// kMetaHitFields is "1".
    kSlotHitFields = 7,
};

/// How much more a title word counts than a body word (wdf multiplier).
inline constexpr Xapian::termcount kTitleWdf = 3;
/// Position gap between the title and the body, so phrases never span the two.
inline constexpr Xapian::termpos kTitleBodyGap = 100;

/// Fewest articles a word must be in, as written, to be suggested by "did you mean": one in a
/// small archive; in a large one a word in a handful of articles is more often a name or a typo
/// than what was meant. One more per 20,000 articles (5 in the benchmark's 89,000). The indexer
/// keeps only such words in the spelling data (the lookup's cost grows with its size: 5.4 ms a
/// word with every word, 1.3 ms with these), and the query side asks the same of a suggestion.
inline constexpr Xapian::doccount spelling_min_articles(Xapian::doccount articles) {
    return 1 + articles / 20000;
}

/// Metadata keys.
inline constexpr std::string_view kMetaSchemaVersion = "izdeu:schema";
inline constexpr std::string_view kMetaAnalyzer = "izdeu:analyzer";
/// JSON of the AnalyzerOptions the index was built with, so queries analyze alike.
inline constexpr std::string_view kMetaAnalyzerOptions = "izdeu:analyzer-options";
inline constexpr std::string_view kMetaLastRun = "izdeu:last-run";
/// "1" when every article with a copy carries kSlotCopiesKey (else searches collapse on the
/// dense kSlotDuplicateKey, as indexes made before it do).
inline constexpr std::string_view kMetaCopiesSlot = "izdeu:copies-slot";
/// "1" when the spelling table holds spelling_key()s (first builds and --rebuild since they
/// came); else plain UTF-8 words, and searches look them up as such.
inline constexpr std::string_view kMetaSpellingKeys = "izdeu:spelling-keys";
/// lead_slot_description() when every article carries kSlotLeadTerms (first builds and
/// --rebuild since it came); else the lead boost reads positions, as for indexes made before.
inline constexpr std::string_view kMetaLeadTerms = "izdeu:lead-terms";
/// "1" when every article carries kSlotHitFields (first builds and --rebuild since it came);
/// else hits read the whole record, as for indexes made before.
inline constexpr std::string_view kMetaHitFields = "izdeu:hit-fields";
inline constexpr std::string_view kMetaFilePrefix = "izdeu:file:";      ///< + path -> FileState
inline constexpr std::string_view kMetaFailedPrefix = "izdeu:failed:";  ///< + path -> reason
/// The absolute folder .txt ids are relative to (see indexer/article_ids.h); absent in indexes
/// made before it was recorded.
inline constexpr std::string_view kMetaIdRoot = "izdeu:id-root";

/// Xapian's term length limit is 245 bytes; leave room for prefixes.
inline constexpr size_t kMaxTermBytes = 240;

/// The boolean id term for an article id (ids too long for a term are hashed).
std::string id_term(std::string_view id);
/// The term of a name key (transliteration.h) for a language letter (kNameKeyLatin, ...).
inline std::string name_key_term(char language, std::string_view key) {
    std::string t(kNameKeyPrefix);
    t += language;
    t += key;
    return t;
}
/// The boolean term shared by every copy of an article (its duplicate key).
inline std::string duplicate_term(std::string_view key) {
    return std::string(kDuplicatePrefix) + std::string(key);
}
/// The boolean term naming the source file (hashed: paths may exceed the term limit).
std::string source_file_term(std::string_view path);

/// A word as the spelling table keeps it. Xapian's suggestion looks candidates up by the
/// word's byte trigrams, and a Cyrillic letter is two bytes, so every Cyrillic word shared
/// trigrams such as "\xD0\xBE\xD0" with most others: a lookup took 7 ms against 0.75 for a Latin
/// word. Russian and Kazakh letters are written one byte each (0x80-0xA9: bytes that never
/// start a UTF-8 character, so Xapian's edit distance reads each as one letter); a word with
/// any other non-ASCII letter stays UTF-8. Indexes whose kMetaSpellingKeys is "1" hold keys.
std::string spelling_key(std::string_view word);
/// The word a spelling key stands for (UTF-8 again).
std::string word_of_spelling_key(std::string_view key);

/// A stable 64-bit FNV-1a hash, as 16 hex digits.
std::string hex_hash64(std::string_view bytes);

/// hex_hash64 over bytes that arrive in pieces (a file read block by block): the same value.
class Hash64Stream {
  public:
    void update(std::string_view bytes) {
        for (unsigned char c : bytes) {
            state_ ^= c;
            state_ *= 1099511628211ULL;
        }
    }
    std::string hex() const;

  private:
    std::uint64_t state_ = 1469598103934665603ULL;  // FNV-1a 64 offset basis
};

}  // namespace izdeu::schema

namespace izdeu::schema {

/// Why a database cannot be used with this analyzer, or an empty string when it can.
/// An empty database without identity is compatible.
std::string identity_mismatch(const Xapian::Database& db, const std::string& analyzer_fingerprint);

}  // namespace izdeu::schema
