#include "analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uclean.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/uvernum.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <type_traits>

#include "derived_names.h"
#include "kazakh_stemmer.h"
#include "russian_stemmer.h"
#include "schema.h"
#include "transliteration.h"
#include "utf8.h"

namespace izdeu {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Characters that must never split or pollute a word: soft hyphen, zero-width space/joiners,
// word joiner, byte order mark, and control characters other than whitespace.
bool is_ignorable(char32_t c) {
    if (c == 0xAD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF) {
        return true;
    }
    if (c < 0x20) return c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f';
    return c >= 0x7F && c <= 0x9F;
}

// Typographic apostrophes all mean the ASCII one: Tokayev’s and Tokayev's must index alike.
bool is_apostrophe(char32_t c) {
    return c == 0x2019 || c == 0x2018 || c == 0x60 || c == 0x02BC || c == 0x2032 || c == 0xB4;
}

bool is_hyphen(char16_t c) {
    return c == u'-' || c == 0x2010 || c == 0x2011;
}

bool is_group_separator(char16_t c) {
    return c == u' ' || c == 0xA0 || c == 0x202F || c == 0x2009;
}

bool is_kazakh_only_letter(char32_t c) {
    switch (c) {
        case 0x4D9:
        case 0x4D8:  // ә
        case 0x493:
        case 0x492:  // ғ
        case 0x49B:
        case 0x49A:  // қ
        case 0x4A3:
        case 0x4A2:  // ң
        case 0x4E9:
        case 0x4E8:  // ө
        case 0x4B1:
        case 0x4B0:  // ұ
        case 0x4AF:
        case 0x4AE:  // ү
        case 0x4BB:
        case 0x4BA:  // һ
        case 0x456:
        case 0x406:  // і
            return true;
        default:
            return false;
    }
}

// Eight bytes at a time ("SWAR"): the text is mostly ASCII.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load8(const unsigned char* p) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    return chunk;
}

bool has_zero_byte(std::uint64_t v) {
    return ((v - kOnes) & ~v & kHighBits) != 0;
}

// Whether any byte is below n (n <= 128); exact for the eight bytes as a whole.
bool has_byte_below(std::uint64_t v, unsigned n) {
    return ((v - kOnes * n) & ~v & kHighBits) != 0;
}

/// Printable ASCII without the backquote: bytes decode copies without looking at them.
bool is_plain_ascii(std::uint64_t chunk) {
    return (chunk & kHighBits) == 0 && !has_byte_below(chunk, 0x20) && !has_zero_byte(chunk ^ (kOnes * 0x7F)) &&
           !has_zero_byte(chunk ^ (kOnes * '`'));
}

/// The number of q and Q bytes in eight ASCII bytes.
std::size_t ascii_qs(std::uint64_t chunk) {
    const std::uint64_t x = (chunk | (kOnes * 0x20)) ^ (kOnes * 'q');  // zero where q or Q
    const std::uint64_t low7 = kOnes * 0x7F;
    const std::uint64_t zero = ~(((x & low7) + low7) | x | low7);  // bit 7 set for a zero byte
    return static_cast<std::size_t>(((zero >> 7) * kOnes) >> 56);
}

/// The number of ASCII letters in eight ASCII bytes.
std::size_t ascii_letters(std::uint64_t chunk) {
    const std::uint64_t lower = chunk | (kOnes * 0x20);  // A-Z -> a-z; no byte reaches 0x80
    // Per byte, no carries: the high bit says >= 'a', resp. >= 'z' + 1.
    const std::uint64_t from_a = lower + kOnes * (0x80 - 'a');
    const std::uint64_t past_z = lower + kOnes * (0x80 - 'z' - 1);
    // One bit per letter at bit 7 of its byte: the multiplication sums the bytes into the top
    // one (at most 8, no overflow) without a popcount, which is a library call on plain x86-64.
    return static_cast<std::size_t>((((from_a & ~past_z & kHighBits) >> 7) * kOnes) >> 56);
}

bool is_cyrillic(char32_t c) {
    return c >= 0x400 && c <= 0x52F;
}

bool is_latin_letter(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
           (c >= 0x1E00 && c <= 0x1EFF);
}

bool is_ascii_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// "5,000" and "12,500,000" mean 5000 and 12500000; "1,5" (a decimal comma) is left alone.
bool is_comma_grouped_number(std::string_view s) {
    size_t comma = s.find(',');
    if (comma == 0 || comma > 3 || comma == std::string_view::npos) return false;
    if (!is_ascii_digits(s.substr(0, comma))) return false;
    while (comma != std::string_view::npos) {
        size_t next = s.find(',', comma + 1);
        size_t group_end = next == std::string_view::npos ? s.size() : next;
        if (group_end - comma - 1 != 3 || !is_ascii_digits(s.substr(comma + 1, 3))) return false;
        comma = next;
    }
    return true;
}

// "u.s" (from U.S.), "u.s.a" and "р.ф" are acronyms: single letters joined by dots.
bool is_dotted_acronym(std::string_view s) {
    if (s.size() < 3) return false;
    std::int32_t i = 0;
    const auto n = static_cast<std::int32_t>(s.size());
    bool expect_letter = true;
    while (i < n) {
        const UChar32 c = next_code_point(s, i);
        if (expect_letter) {
            if (c < 0 || !u_isalpha(c)) return false;
        } else if (c != '.') {
            return false;
        }
        expect_letter = !expect_letter;
    }
    return !expect_letter;  // ends with a letter
}

Script script_of(std::string_view term) {
    bool digits = true;
    Script found = Script::Other;
    for_each_code_point(term, [&](char32_t cp) {
        if (is_latin_letter(cp))
            found = Script::Latin;
        else if (is_cyrillic(cp))
            found = Script::Cyrillic;
        else if (!(cp >= '0' && cp <= '9') && cp != '.' && cp != ',')
            digits = false;
        return found == Script::Other;  // the first letter decides
    });
    if (found != Script::Other) return found;
    return digits ? Script::Number : Script::Other;
}

bool has_kazakh_letter(std::string_view term) {
    bool found = false;
    for_each_code_point(term, [&](char32_t cp) { return !(found = is_kazakh_only_letter(cp)); });
    return found;
}

}  // namespace

std::string_view language_code(Language language) {
    switch (language) {
        case Language::English:
            return "en";
        case Language::Russian:
            return "ru";
        case Language::Kazakh:
            return "kk";
        case Language::Undetermined:
            break;
    }
    return "und";
}

Language language_from_code(std::string_view code) {
    if (code == "en" || code == "eng" || code == "english") return Language::English;
    if (code == "ru" || code == "rus" || code == "russian") return Language::Russian;
    if (code == "kk" || code == "kaz" || code == "kazakh") return Language::Kazakh;
    return Language::Undetermined;
}

/// A Xapian stemmer with a bounded memo: news repeats its words, and stemming is costly.
///
/// The memo is an open-addressing table of (hash, offset) pairs over one arena holding each
/// word next to its stem: a lookup touches the slot and one arena line, where a node-based
/// map chased three or four pointers (30% of analysis). A direct-mapped front cache of 16384
/// 64-byte slots holds the words news repeats most, key and stem inline: one cache line each.
class Analyzer::StemCache {
  public:
    explicit StemCache(Xapian::Stem stem) : stem_(std::move(stem)) {
        // calloc: all-zero slots are empty, and the pages of a 1 MB front cache a query never
        // reaches are never touched (zeroing them cost a millisecond per Analyzer).
        front_.reset(static_cast<FrontSlot*>(std::calloc(kFrontSlots, sizeof(FrontSlot))));
        if (!front_) throw std::bad_alloc();
        clear_table();
    }

    // Hashes 8 bytes at a time: terms are short, and std::hash's byte loop showed in profiles.
    static std::uint64_t hash_word(std::string_view s) {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t chunk;
            std::memcpy(&chunk, s.data() + i, 8);
            h = (h ^ chunk) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 31;
        }
        if (i < s.size()) {
            std::uint64_t chunk = 0;
            std::memcpy(&chunk, s.data() + i, s.size() - i);
            h = (h ^ chunk) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 31;
        }
        h *= 0x94D049BB133111EBULL;
        return h ^ (h >> 29);
    }

    // Prefetches, for analyze to start the cache misses of many lookups before waiting for
    // any: the front slot; then, for a word not in it, the word's first slot in the table;
    // then the arena entry that slot points to.
    void prefetch_front(std::uint64_t hash) const { __builtin_prefetch(&front_slot(hash)); }
    bool in_front(std::string_view word, std::uint64_t hash) const {
        const FrontSlot& front = front_slot(hash);
        return front.hash == static_cast<std::uint32_t>(hash) && front.key_size == word.size();
    }
    void prefetch_slot(std::uint64_t hash) const {
        __builtin_prefetch(&slots_[static_cast<std::uint32_t>(hash) & (slots_.size() - 1)]);
    }
    void prefetch_entry(std::uint64_t hash) const {
        const Slot& slot = slots_[static_cast<std::uint32_t>(hash) & (slots_.size() - 1)];
        if (slot.offset != kEmpty) __builtin_prefetch(arena_.data() + slot.offset);
    }

    std::string_view stem(std::string_view word) { return stem(word, hash_word(word)); }

    /// The stem of word, whose hash_word is hash; valid until the next call.
    std::string_view stem(std::string_view word, std::uint64_t hash) {
        FrontSlot& front = front_slot(hash);
        if (front.hash == static_cast<std::uint32_t>(hash) && front.key_size == word.size() &&
            std::memcmp(front.data, word.data(), word.size()) == 0) {
            return {front.data + front.key_size, front.stem_size};
        }
        const std::string_view stemmed = find_or_add(word, static_cast<std::uint32_t>(hash));
        if (word.size() + stemmed.size() <= sizeof front.data) {
            front.hash = static_cast<std::uint32_t>(hash);
            front.key_size = static_cast<std::uint8_t>(word.size());
            front.stem_size = static_cast<std::uint8_t>(stemmed.size());
            std::memcpy(front.data, word.data(), word.size());
            std::memcpy(front.data + word.size(), stemmed.data(), stemmed.size());
        }
        return stemmed;
    }

  private:
    // An entry in arena_: key size and stem size (2 bytes each, little-endian), key, stem.
    static constexpr std::size_t kHeader = 4;
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFF;
    // Bounded so a long run over a huge vocabulary cannot grow memory without limit. The
    // benchmark corpus has 660k distinct English words: clearing at 500k re-stemmed them all
    // every pass. At 2^20 entries: 16 MB of slots plus the arena (about 25 bytes a word), less
    // than the node-based map took at 500k.
    static constexpr std::size_t kMaxEntries = std::size_t{1} << 20;
    static constexpr std::size_t kMaxArenaBytes = std::size_t{64} << 20;
    static constexpr std::size_t kInitialSlots = 1u << 14;
    static constexpr std::size_t kFrontSlots = 16384;

    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t offset = kEmpty;
    };
    struct FrontSlot {  // all zero: empty
        std::uint32_t hash;
        std::uint8_t key_size, stem_size;  // key_size 0: empty (words are never empty)
        char data[58];
    };
    static_assert(sizeof(FrontSlot) == 64 && std::is_trivial_v<FrontSlot>);
    struct Free {
        void operator()(void* p) const { std::free(p); }
    };

    FrontSlot& front_slot(std::uint64_t hash) { return front_[(hash >> 40) & (kFrontSlots - 1)]; }
    const FrontSlot& front_slot(std::uint64_t hash) const { return front_[(hash >> 40) & (kFrontSlots - 1)]; }

    std::size_t key_size_at(std::uint32_t offset) const {
        return static_cast<unsigned char>(arena_[offset]) |
               static_cast<std::size_t>(static_cast<unsigned char>(arena_[offset + 1])) << 8;
    }
    std::size_t stem_size_at(std::uint32_t offset) const {
        return static_cast<unsigned char>(arena_[offset + 2]) |
               static_cast<std::size_t>(static_cast<unsigned char>(arena_[offset + 3])) << 8;
    }

    std::string_view find_or_add(std::string_view word, std::uint32_t hash) {
        std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const Slot& slot = slots_[i];
            if (slot.offset == kEmpty) break;
            if (slot.hash == hash && key_size_at(slot.offset) == word.size() &&
                std::memcmp(arena_.data() + slot.offset + kHeader, word.data(), word.size()) == 0) {
                return {arena_.data() + slot.offset + kHeader + word.size(), stem_size_at(slot.offset)};
            }
        }
        scratch_ = stem_(std::string(word));
        if (word.size() > 0xFFFF || scratch_.size() > 0xFFFF) return scratch_;  // never in practice
        if (entries_ >= kMaxEntries || arena_.size() + kHeader + word.size() + scratch_.size() > kMaxArenaBytes) {
            clear();
        } else if ((entries_ + 1) * 2 > slots_.size()) {
            grow();
        }
        mask = slots_.size() - 1;
        std::size_t i = hash & mask;
        while (slots_[i].offset != kEmpty) i = (i + 1) & mask;
        const auto offset = static_cast<std::uint32_t>(arena_.size());
        slots_[i] = {hash, offset};
        ++entries_;
        const char sizes[kHeader] = {static_cast<char>(word.size() & 0xFF), static_cast<char>(word.size() >> 8),
                                     static_cast<char>(scratch_.size() & 0xFF),
                                     static_cast<char>(scratch_.size() >> 8)};
        arena_.append(sizes, kHeader);
        arena_.append(word);
        arena_.append(scratch_);
        return {arena_.data() + offset + kHeader + word.size(), scratch_.size()};
    }

    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& slot : old) {
            if (slot.offset == kEmpty) continue;
            std::size_t i = slot.hash & mask;
            while (slots_[i].offset != kEmpty) i = (i + 1) & mask;
            slots_[i] = slot;
        }
    }

    void clear_table() {
        slots_.assign(kInitialSlots, Slot{});
        arena_.clear();
        entries_ = 0;
    }
    void clear() {
        clear_table();
        std::memset(static_cast<void*>(front_.get()), 0, kFrontSlots * sizeof(FrontSlot));
    }

    Xapian::Stem stem_;
    std::vector<Slot> slots_;
    std::string arena_;
    std::size_t entries_ = 0;
    std::string scratch_;
    std::unique_ptr<FrontSlot[], Free> front_;
};

struct Analyzer::DerivedNameTable {
    /// Each family's words as the table writes them, and once stemmed (on first need: stemming
    /// every word of a language's table cost a cold izdeu-query ~5 ms).
    std::vector<std::vector<DerivedName>> families;
    std::vector<bool> stemmed;
    /// The families with a word that starts with these three letters. A stem starts as its word
    /// does (a Snowball stem is a prefix, a dictionary lemma is the table's own word), so a
    /// query stem needs only the families under its first three letters stemmed (a shorter
    /// stem, those under every key it starts). Two letters left ~4 ms of dictionary look-ups in
    /// a cold `Казахстан` (every family under "ка").
    std::unordered_map<std::string, std::vector<std::size_t>> by_lead;
    /// Each stem's families, and whether the word it came from is ambiguous there.
    struct Entry {
        std::size_t family;
        bool ambiguous;
    };
    std::unordered_map<std::string, std::vector<Entry>> by_stem;
};

namespace {

/// The first three letters (code points) of a UTF-8 word.
std::string_view lead_letters(std::string_view word) {
    std::size_t at = 0;
    for (int letters = 0; letters < 3 && at < word.size(); ++letters) {
        ++at;
        while (at < word.size() && (static_cast<unsigned char>(word[at]) & 0xC0) == 0x80) ++at;
    }
    return word.substr(0, at);
}

}  // namespace

struct Analyzer::PendingToken {
    std::uint32_t term_offset, term_size;  // in terms_
    std::uint32_t position, start, end;
    std::uint64_t hash = 0;                                // StemCache::hash_word(term) when stemmer is set
    StemCache* stemmer = nullptr;                          // null: the stem is the term
    std::uint32_t cyrillic_offset = 0, cyrillic_size = 0;  // in terms_: a Latin Kazakh word's reading
    Script script = Script::Other;
    bool kazakh = false, alternative = false;
    bool in_front = true;  // its stem is likely in the memo's front cache
    bool capitalised = false, sentence_initial = false;
};

Analyzer::Analyzer(AnalyzerOptions options) : options_(std::move(options)) {
    UErrorCode status = U_ZERO_ERROR;
    casefold_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    nfd_ = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status) || !casefold_ || !nfd_) {
        throw std::runtime_error(std::string("ICU initialisation failed: ") + u_errorName(status));
    }
    english_ = std::make_unique<StemCache>(Xapian::Stem("english"));
    auto* russian = new RussianStemmer(options_.russian_dictionary);
    russian_description_ = russian->get_description();
    russian_ = std::make_unique<StemCache>(Xapian::Stem(russian));
    auto* kazakh = new KazakhStemmer(options_.kazakh_lexicon);
    kazakh_description_ = kazakh->get_description();
    kazakh_ = std::make_unique<StemCache>(Xapian::Stem(kazakh));
    build_fold_table();
}

Analyzer::~Analyzer() = default;

const Analyzer::DerivedNameTable& Analyzer::derived_name_table(Language language, std::string_view stem) {
    const std::size_t slot = language == Language::English ? 0 : language == Language::Russian ? 1 : 2;
    std::unique_ptr<DerivedNameTable>& table = derived_names_[slot];
    if (!table) {
        table = std::make_unique<DerivedNameTable>();
        const std::string_view code = language_code(language);
        for (const std::string_view line : derived_name_families()) {
            if (line.substr(0, code.size()) != code || line.size() <= code.size() || line[code.size()] != ' ') continue;
            std::vector<DerivedName> family;
            std::size_t at = code.size() + 1;
            while (at < line.size()) {
                std::size_t end = line.find(' ', at);
                if (end == std::string_view::npos) end = line.size();
                std::string_view word = line.substr(at, end - at);
                at = end + 1;
                if (word.empty()) continue;
                if (word == ":") continue;  // after the place's names, the words derived from them
                const bool ambiguous = word.back() == '*';
                if (ambiguous) word.remove_suffix(1);
                family.push_back({language, std::string(word), std::string(), ambiguous});
            }
            const std::size_t index = table->families.size();
            for (const DerivedName& name : family) {
                std::vector<std::size_t>& under = table->by_lead[std::string(lead_letters(name.word))];
                if (under.empty() || under.back() != index) under.push_back(index);
            }
            table->families.push_back(std::move(family));
        }
        table->stemmed.assign(table->families.size(), false);
    }
    StemCache& stemmer = language == Language::English   ? *english_
                         : language == Language::Russian ? *russian_
                                                         : *kazakh_;
    auto stem_families = [&](const std::vector<std::size_t>& under) {
        for (const std::size_t index : under) {
            if (table->stemmed[index]) continue;
            table->stemmed[index] = true;
            // The table's words are stemmed as the index stems a word of their language.
            for (DerivedName& name : table->families[index]) {
                name.stem = std::string(stemmer.stem(name.word));
                table->by_stem[name.stem].push_back({index, name.ambiguous});
            }
        }
    };
    const std::string_view lead = lead_letters(stem);
    if (lead.size() < stem.size()) {
        const auto found = table->by_lead.find(std::string(lead));
        if (found != table->by_lead.end()) stem_families(found->second);
    } else {
        for (const auto& [key, under] : table->by_lead) {
            if (key.compare(0, stem.size(), stem) == 0) stem_families(under);
        }
    }
    return *table;
}

std::vector<Analyzer::DerivedName> Analyzer::derived_names(const Token& token) {
    std::vector<DerivedName> found;
    if (!options_.stemming || !token.cyrillic.empty()) return found;
    auto look_up = [&](Language language, const std::string& stem) {
        const DerivedNameTable& table = derived_name_table(language, stem);
        const auto it = table.by_stem.find(stem);
        if (it == table.by_stem.end()) return;
        for (const DerivedNameTable::Entry& entry : it->second) {
            // turkey the bird, polish the verb: only a capitalised word is read as the place.
            if (entry.ambiguous && !token.capitalised) continue;
            for (const DerivedName& name : table.families[entry.family]) {
                if (name.stem == stem) continue;  // the word's own forms
                if (std::any_of(found.begin(), found.end(),
                                [&](const DerivedName& have) { return have.stem == name.stem; }))
                    continue;
                found.push_back(name);
            }
        }
    };
    if (token.script == Script::Latin) {
        look_up(Language::English, std::string(english_->stem(token.term)));
    } else if (token.script == Script::Cyrillic) {
        // The query cannot know a Cyrillic word's language: the Russian families by its Russian
        // stem (a word with a Kazakh letter is not Russian), the Kazakh ones by its Kazakh stem.
        if (!has_kazakh_letter(token.term)) look_up(Language::Russian, std::string(russian_->stem(token.term)));
        look_up(Language::Kazakh, std::string(kazakh_->stem(token.term)));
    }
    return found;
}

void Analyzer::decode(std::string_view text, AnalysisStats& stats) {
    // At most one UTF-16 unit per byte; the buffers only grow, and are written through pointers
    // (push_back's bookkeeping for three arrays cost more than the decoding itself).
    if (utf16_.size() < text.size()) {
        utf16_.resize(text.size());
        starts_.resize(text.size());
        ends_.resize(text.size());
    }
    char16_t* units = utf16_.data();
    std::uint32_t* starts = starts_.data();
    std::uint32_t* ends = ends_.data();
    std::size_t count = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const auto n = static_cast<int32_t>(text.size());
    int32_t i = 0;
    while (i < n) {
        // Printable ASCII other than the backquote (an apostrophe) is copied as is, eight bytes
        // at a time while it lasts (the compiler turns the inner loop into vector moves).
        while (i + 8 <= n && is_plain_ascii(load8(bytes + i))) {
            const auto at = static_cast<std::uint32_t>(i);
            for (std::uint32_t j = 0; j < 8; ++j) {
                units[count + j] = bytes[at + j];
                starts[count + j] = at + j;
                ends[count + j] = at + j + 1;
            }
            count += 8;
            i += 8;
        }
        while (i < n && bytes[i] >= 0x20 && bytes[i] < 0x7F && bytes[i] != '`') {
            units[count] = bytes[i];
            starts[count] = static_cast<std::uint32_t>(i);
            ends[count] = static_cast<std::uint32_t>(i + 1);
            ++count;
            ++i;
        }
        if (i == n) break;
        const int32_t start = i;
        char32_t cp;
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            cp = lead;  // ASCII, most of the text: no decoder call
            ++i;
        } else if (lead >= 0xC2 && lead <= 0xDF && i + 1 < n && (bytes[i + 1] & 0xC0) == 0x80) {
            cp = static_cast<char32_t>((lead & 0x1F) << 6 | (bytes[i + 1] & 0x3F));  // Cyrillic
            i += 2;
        } else {
            const UChar32 c = next_code_point(text, i);
            if (c < 0) {
                cp = kReplacement;
                ++stats.invalid_utf8;
            } else {
                cp = static_cast<char32_t>(c);
            }
        }
        if (is_ignorable(cp)) continue;
        if (is_apostrophe(cp)) cp = u'\'';
        const auto b = static_cast<std::uint32_t>(start);
        const auto e = static_cast<std::uint32_t>(i);
        if (cp <= 0xFFFF) {
            units[count] = static_cast<char16_t>(cp);
            starts[count] = b;
            ends[count] = e;
            ++count;
        } else {
            units[count] = static_cast<char16_t>(U16_LEAD(cp));
            units[count + 1] = static_cast<char16_t>(U16_TRAIL(cp));
            starts[count] = starts[count + 1] = b;
            ends[count] = ends[count + 1] = e;
            count += 2;
        }
    }
    units_ = count;
}

void Analyzer::append_folded(const icu::UnicodeString& folded, std::string& out) {
    const int32_t len = folded.length();
    for (int32_t k = 0; k < len;) {
        UChar32 c = folded.char32At(k);
        k += U16_LENGTH(c);
        auto cp = static_cast<char32_t>(c);
        if (cp == 0x451) cp = 0x435;               // ё matches е in both directions
        if (cp >= 0x300 && cp <= 0x36F) continue;  // stray combining marks (Latin only remain)
        if (cp >= 0xC0 && is_latin_letter(cp)) {
            // Müller is found by Muller: a Latin letter loses its diacritics.
            auto it = latin_base_.find(cp);
            if (it == latin_base_.end()) {
                icu::UnicodeString decomposition;
                char32_t base = cp;
                if (nfd_->getDecomposition(static_cast<UChar32>(cp), decomposition) && decomposition.length() > 0) {
                    UChar32 first = decomposition.char32At(0);
                    if (first < 0x80) base = static_cast<char32_t>(first);
                }
                it = latin_base_.emplace(cp, base).first;
            }
            cp = it->second;
        }
        append_utf8(out, cp);
    }
}

void Analyzer::build_fold_table() {
    fold_table_.assign(kFoldTableSize, FoldedUnit{});
    std::string bytes;
    for (std::size_t u = 0; u < kFoldTableSize; ++u) {
        const auto c = static_cast<UChar32>(u);
        // A unit that may combine with what precedes it (a combining mark) must see its
        // neighbours: such words take the ICU path.
        if (!casefold_->hasBoundaryBefore(c)) continue;
        UErrorCode status = U_ZERO_ERROR;
        icu::UnicodeString folded;
        casefold_->normalize(icu::UnicodeString(c), folded, status);
        if (U_FAILURE(status)) continue;
        bytes.clear();
        append_folded(folded, bytes);
        if (bytes.size() > sizeof(FoldedUnit::bytes)) continue;
        FoldedUnit& unit = fold_table_[u];
        unit.size = static_cast<std::uint8_t>(bytes.size());
        std::memcpy(unit.bytes, bytes.data(), bytes.size());
        if (bytes.find_first_of("'.,") != std::string::npos) unit.flags |= FoldedUnit::kEditable;
        if (has_kazakh_letter(bytes)) unit.flags |= FoldedUnit::kKazakhLetter;
        switch (script_of(bytes)) {
            case Script::Latin:
                unit.flags |= FoldedUnit::kLatin;
                break;
            case Script::Cyrillic:
                unit.flags |= FoldedUnit::kCyrillic;
                break;
            case Script::Other:
                unit.flags |= FoldedUnit::kNotNumber;
                break;
            case Script::Number:
                break;
        }
    }
}

Analyzer::TermTraits Analyzer::traits_of(std::string_view term) {
    const Script script = script_of(term);
    return {script, script == Script::Cyrillic && has_kazakh_letter(term)};
}

bool Analyzer::normalize(std::size_t begin, std::size_t end, std::string& out, TermTraits& traits) {
    // Fast path: every unit has a boundary before it, so NFKC_Casefold of the word is the
    // concatenation of the units' own foldings (ICU's hasBoundaryBefore contract), looked up in
    // a table built from ICU itself; the filters below are per code point too, and so are the
    // script and the Kazakh letters, which the table also records.
    // Room for the last unit's whole 8-byte entry, copied in one move.
    const std::size_t base = out.size();
    out.resize(base + (end - begin) * sizeof(FoldedUnit::bytes) + sizeof(FoldedUnit));
    char* const word_start = out.data() + base;
    char* dst = word_start;
    bool simple = true;
    std::uint8_t any = 0, first_letter = 0;
    for (std::size_t k = begin; k < end; ++k) {
        const char16_t u = utf16_[k];
        if (u >= kFoldTableSize || fold_table_[u].size == FoldedUnit::kNotSimple) {
            simple = false;
            break;
        }
        const FoldedUnit& unit = fold_table_[u];
        std::memcpy(dst, &unit, sizeof unit);  // bytes come first; the rest is overwritten
        dst += unit.size;
        any |= unit.flags;
        if (first_letter == 0) first_letter = unit.flags & FoldedUnit::kLetter;
    }
    const auto size = static_cast<std::size_t>(dst - word_start);
    if (simple) {
        if ((any & FoldedUnit::kEditable) == 0) {
            out.resize(base + size);
            // No apostrophe, dot or comma: none of the edits below can apply.
            traits.script = first_letter == FoldedUnit::kLatin      ? Script::Latin
                            : first_letter == FoldedUnit::kCyrillic ? Script::Cyrillic
                            : (any & FoldedUnit::kNotNumber) != 0   ? Script::Other
                                                                    : Script::Number;
            traits.kazakh_letter = traits.script == Script::Cyrillic && (any & FoldedUnit::kKazakhLetter) != 0;
            return size != 0;
        }
    }
    // The general case, in a scratch string, appended to out at the end.
    std::string& word = term_;
    if (simple) {
        word.assign(word_start, size);
        out.resize(base);
    } else {
        out.resize(base);
        word.clear();
        UErrorCode status = U_ZERO_ERROR;
        const icu::UnicodeString source(false, utf16_.data() + begin, static_cast<int32_t>(end - begin));
        icu::UnicodeString folded;
        casefold_->normalize(source, folded, status);
        if (U_FAILURE(status)) return false;
        append_folded(folded, word);
    }
    // Possessive: Tokayev's -> tokayev; a bare trailing or leading apostrophe is noise.
    if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0 && script_of(word) == Script::Latin) {
        word.resize(word.size() - 2);
    }
    while (!word.empty() && word.back() == '\'') word.pop_back();
    while (!word.empty() && word.front() == '\'') word.erase(0, 1);
    if (is_dotted_acronym(word)) {
        std::erase(word, '.');
    } else if (is_comma_grouped_number(word)) {
        std::erase(word, ',');
    }
    traits = traits_of(word);
    out += word;
    return !word.empty();
}

Analyzer::StemCache* Analyzer::stemmer_for(TermTraits traits, Language document_language, bool& kazakh) {
    kazakh = false;
    if (!options_.stemming) return nullptr;
    if (traits.script == Script::Latin) return english_.get();
    if (traits.script != Script::Cyrillic || !cyrillic_stemming_) return nullptr;
    // A Kazakh word must never go through the Russian stemmer (қазақстан -> қазақста).
    if (document_language == Language::Kazakh || traits.kazakh_letter) {
        kazakh = true;
        return kazakh_.get();
    }
    return russian_.get();
}

AnalysisStats Analyzer::analyze(std::string_view text, Language document_language, std::uint32_t first_position,
                                const TokenSink& sink) {
    AnalysisStats stats;
    decode(text, stats);
    stats.next_position = first_position;
    if (units_ == 0) return stats;

    segmenter_.segment(std::u16string_view(utf16_.data(), units_), segments_);

    // All the terms are made first, and each one's stem memo slot is prefetched; the stems are
    // looked up after, when the slots have arrived: the memo's cache misses were a fifth of
    // the time when each lookup waited for its own.
    std::uint32_t position = first_position;
    TermTraits traits;
    terms_.clear();
    pending_.clear();
    latin_kazakh_ = -1;
    // Words that could be names (letters, not first in a sentence), and how many are capitalised:
    // in a Title Case text (an English headline) capitals say nothing.
    std::size_t name_candidates = 0, capitalised_candidates = 0;
    // Queues the term at the end of terms_, from offset on.
    auto emit = [&](std::size_t offset, TermTraits term_traits, std::uint32_t begin16, std::uint32_t end16,
                    std::uint32_t pos, bool alternative) {
        const std::string_view term = std::string_view(terms_).substr(offset);
        if (term.size() > schema::kMaxTermBytes - 4) {
            ++stats.dropped_long;  // a Xapian term cannot hold it; never truncate mid-character
            terms_.resize(offset);
            return;
        }
        PendingToken& t = pending_.emplace_back();
        t.term_offset = static_cast<std::uint32_t>(offset);
        t.term_size = static_cast<std::uint32_t>(term.size());
        t.stemmer = stemmer_for(term_traits, document_language, t.kazakh);
        const char16_t first = utf16_[begin16];
        t.capitalised = (first >= u'A' && first <= u'Z') || (first >= 0xC0 && u_isupper(first));
        if (t.stemmer != nullptr && !stem_initials_.empty() && !(stem_capitalised_ && t.capitalised)) {
            if (term_traits.script == Script::Cyrillic && term.size() >= 2) {
                const std::string_view initial = term.substr(0, 2);  // a Cyrillic letter is two bytes
                const std::string folded = keyboard_fold(initial);
                bool wanted = false;
                for (const std::string& w : stem_initials_) wanted = wanted || w == initial || w == folded;
                if (!wanted) t.stemmer = nullptr;
            } else if (term_traits.script == Script::Latin && term[0] >= 'a' && term[0] <= 'z' &&
                       !latin_stem_initials_.test(static_cast<std::size_t>(term[0] - 'a'))) {
                t.stemmer = nullptr;  // a Latin-script Kazakh word gets its stemmer back below
            }
        }
        if (!alternative && (term_traits.script == Script::Latin || term_traits.script == Script::Cyrillic)) {
            // Only a capitalised word can start a sentence (the walk back is not free).
            t.sentence_initial = t.capitalised && sentence_initial(begin16);
            if (!t.sentence_initial) {
                ++name_candidates;
                if (t.capitalised) ++capitalised_candidates;
            }
        }
        std::string_view stemmed = term;
        if (term_traits.script == Script::Latin && !alternative && options_.stemming) {
            // Latin-script Kazakh: the word is read in Cyrillic and stemmed as Kazakh. In a
            // Kazakh text written in Latin letters, every Latin word; in a query (no language),
            // a word with a letter only the Kazakh alphabets use (Qazaqstannyń).
            bool read_as_kazakh = false;
            std::u16string_view units(utf16_.data() + begin16, end16 - begin16);
            if (document_language == Language::Kazakh) {
                if (latin_kazakh_ < 0) scan_latin_kazakh();
                read_as_kazakh = latin_kazakh_ == 1;
            } else if (document_language == Language::Undetermined) {
                for (char16_t u : units) read_as_kazakh = read_as_kazakh || is_kazakh_latin_diacritic(u);
            }
            if (read_as_kazakh) {
                const KazakhLatinAlphabet alphabet =
                    document_language == Language::Kazakh
                        ? (kazakh_alphabet_2021_ ? KazakhLatinAlphabet::Y2021 : KazakhLatinAlphabet::Y2018)
                        : kazakh_latin_alphabet(units);
                t.cyrillic_offset = static_cast<std::uint32_t>(terms_.size());
                append_kazakh_cyrillic(units, alphabet, terms_);
                t.cyrillic_size = static_cast<std::uint32_t>(terms_.size() - t.cyrillic_offset);
                if (alphabet == KazakhLatinAlphabet::Y2018 && units.front() == u'I') read_capital_i(t.cyrillic_offset);
                stemmed = std::string_view(terms_).substr(t.cyrillic_offset, t.cyrillic_size);
                t.stemmer = kazakh_.get();
                t.kazakh = true;
            }
        }
        if (t.stemmer != nullptr) {
            t.hash = StemCache::hash_word(stemmed);
            t.stemmer->prefetch_front(t.hash);
        }
        t.position = pos;
        t.start = starts_[begin16];
        t.end = ends_[end16 - 1];
        t.script = term_traits.script;
        t.alternative = alternative;
    };

    const std::size_t count = segments_.size();
    for (std::size_t k = 0; k < count; ++k) {
        WordSegment seg = segments_[k];
        // "5 000" (thin, no-break or plain space between groups of three digits) is 5000.
        auto digits_only = [&](WordSegment s) {
            for (std::uint32_t q = s.begin; q < s.end; ++q) {
                if (utf16_[q] < u'0' || utf16_[q] > u'9') return false;
            }
            return true;
        };
        if (seg.end - seg.begin <= 3 && digits_only(seg)) {
            std::size_t last = k;
            while (last + 1 < count && segments_[last + 1].begin == segments_[last].end + 1 &&
                   is_group_separator(utf16_[segments_[last].end]) &&
                   segments_[last + 1].end - segments_[last + 1].begin == 3 && digits_only(segments_[last + 1])) {
                ++last;
            }
            if (last > k) {
                term_.clear();
                for (std::size_t q = k; q <= last; ++q) {
                    for (std::uint32_t u = segments_[q].begin; u < segments_[q].end; ++u) {
                        term_ += static_cast<char>(utf16_[u]);
                    }
                }
                const std::size_t offset = terms_.size();
                terms_ += term_;
                emit(offset, traits_of(term_), seg.begin, segments_[last].end, position++, false);
                k = last;
                continue;
            }
        }
        // Hyphenated compounds: the parts in order, then the joined form at the first position.
        std::size_t last = k;
        while (last + 1 < count && last - k < 8 && segments_[last + 1].begin == segments_[last].end + 1 &&
               is_hyphen(utf16_[segments_[last].end])) {
            ++last;
        }
        if (last == k) {
            const std::size_t offset = terms_.size();
            if (normalize(seg.begin, seg.end, terms_, traits))
                emit(offset, traits, seg.begin, seg.end, position++, false);
            continue;
        }
        const std::uint32_t first_part_position = position;
        joined_.clear();
        for (std::size_t q = k; q <= last; ++q) {
            const std::size_t offset = terms_.size();
            if (normalize(segments_[q].begin, segments_[q].end, terms_, traits)) {
                joined_.append(terms_, offset);
                emit(offset, traits, segments_[q].begin, segments_[q].end, position++, false);
            }
        }
        if (!joined_.empty()) {
            const std::size_t offset = terms_.size();
            terms_ += joined_;
            emit(offset, traits_of(joined_), seg.begin, segments_[last].end, first_part_position, true);
        }
        k = last;
    }

    auto stem_source = [&](const PendingToken& t) {
        return t.cyrillic_size != 0 ? std::string_view(terms_).substr(t.cyrillic_offset, t.cyrillic_size)
                                    : std::string_view(terms_).substr(t.term_offset, t.term_size);
    };
    const bool title_case = name_candidates >= 3 && capitalised_candidates * 5 > name_candidates * 3;
    for (PendingToken& t : pending_) {
        t.in_front = t.stemmer == nullptr || t.stemmer->in_front(stem_source(t), t.hash);
        if (!t.in_front) t.stemmer->prefetch_slot(t.hash);
    }
    for (const PendingToken& t : pending_) {
        if (!t.in_front) t.stemmer->prefetch_entry(t.hash);
    }
    Token token;
    for (const PendingToken& t : pending_) {
        token.term = std::string_view(terms_).substr(t.term_offset, t.term_size);
        token.stem = token.term;
        token.cyrillic = t.cyrillic_size != 0 ? stem_source(t) : std::string_view();
        if (t.stemmer != nullptr) {
            // Copied out of the memo: a sink that looks up stems itself (query_stems) may
            // overwrite the memo's slot or move its arena while it still reads token.stem.
            stem_text_.assign(t.stemmer->stem(stem_source(t), t.hash));
            token.stem = stem_text_;
        }
        token.capitalised = t.capitalised;
        token.name_key = {};
        token.stem_name_key = {};
        if (t.capitalised && !t.sentence_initial && !title_case && !t.alternative) {
            // The key of the word (a Latin-script Kazakh word's Cyrillic reading) and of its stem:
            // endings with consonants change the word's (Назарбаевым), a stemmer may cut a name
            // (Ақорда -> ақор), and the query looks for both.
            const char language = t.kazakh                    ? schema::kNameKeyKazakh
                                  : t.script == Script::Latin ? schema::kNameKeyLatin
                                                              : schema::kNameKeyRussian;
            name_key_text_.assign(schema::kNameKeyPrefix);
            name_key_text_ += language;
            stem_name_key_text_ = name_key_text_;
            if (append_name_key(token.cyrillic.empty() ? token.term : token.cyrillic, name_key_text_)) {
                token.name_key = name_key_text_;
            }
            if (token.stem != token.term && append_name_key(token.stem, stem_name_key_text_) &&
                stem_name_key_text_ != name_key_text_) {
                token.stem_name_key = stem_name_key_text_;
            }
        }
        token.position = t.position;
        token.start = t.start;
        token.end = t.end;
        token.script = t.script;
        token.kazakh = t.kazakh;
        token.alternative = t.alternative;
        sink(token);
    }
    stats.next_position = position;
    return stats;
}

void Analyzer::read_capital_i(std::size_t reading_offset) {
    // The 2018 alphabet writes і as i and и/й as ı, but both capitals as I: Ishki (Ішкі) and
    // Imanǵalı (Иманғали) start alike. The reading must meet the Cyrillic spelling of the other
    // articles, and a capital starts mostly names, places and loanwords (Iran, Italııa), written
    // with и: so и, unless the Kazakh word list knows the word (or its stem) with і. The Latin
    // spelling itself is indexed too, so Latin queries find the word either way.
    static constexpr std::string_view kI = "\xD1\x96", kIe = "\xD0\xB8";  // і, и
    if (std::string_view(terms_).substr(reading_offset, kI.size()) != kI) return;
    if (const KazakhLexicon* lexicon = options_.kazakh_lexicon.get()) {
        const std::string reading = terms_.substr(reading_offset);
        if (lexicon->contains(reading) || lexicon->contains(kazakh_->stem(reading))) return;
    }
    terms_.replace(reading_offset, kI.size(), kIe);
}

bool Analyzer::sentence_initial(std::uint32_t begin16) const {
    // Back over spaces, quotes, brackets and dashes: a sentence end, a line break or the start
    // of the text before them make the word the first of its sentence.
    for (std::uint32_t k = begin16; k > 0;) {
        const char16_t c = utf16_[--k];
        switch (c) {
            case u' ':
            case 0xA0:
            case 0x202F:
            case 0x2009:
            case u'\t':
            case u'"':
            case u'\'':
            case 0xAB:
            case 0xBB:
            case 0x201C:
            case 0x201D:
            case 0x201E:
            case u'(':
            case u'[':
            case u'-':
            case 0x2013:
            case 0x2014:
                continue;
            case u'.':
            case u'!':
            case u'?':
            case 0x2026:
            case u'\n':
            case u'\r':
                return true;
            default:
                return false;
        }
    }
    return true;
}

void Analyzer::scan_latin_kazakh() {
    std::size_t latin = 0, cyrillic = 0;
    for (std::size_t k = 0; k < units_; ++k) {
        const char16_t c = utf16_[k];
        if (c < 0x80) {
            latin += static_cast<unsigned char>((c | 0x20) - 'a') < 26;
        } else if (is_cyrillic(c)) {
            ++cyrillic;
        } else if (is_latin_letter(c)) {
            ++latin;
        }
    }
    latin_kazakh_ = latin > cyrillic ? 1 : 0;
    kazakh_alphabet_2021_ =
        kazakh_latin_alphabet(std::u16string_view(utf16_.data(), units_)) == KazakhLatinAlphabet::Y2021;
}

std::vector<Analyzer::OwnedToken> Analyzer::tokens(std::string_view text, Language document_language) {
    std::vector<OwnedToken> out;
    analyze(text, document_language, 1, [&](const Token& t) {
        out.push_back({std::string(t.term), std::string(t.stem), t.position, t.start, t.end, t.alternative});
    });
    return out;
}

std::vector<std::string> Analyzer::query_stems(const Token& token) {
    std::vector<std::string> stems;
    if (!options_.stemming) return stems;
    auto add = [&](std::string_view s) {
        for (const auto& have : stems) {
            if (have == s) return;
        }
        stems.emplace_back(s);
    };
    if (token.script == Script::Latin) {
        add(english_->stem(token.term));
        if (!token.cyrillic.empty()) add(kazakh_->stem(token.cyrillic));
    } else if (token.script == Script::Cyrillic) {
        if (!has_kazakh_letter(token.term)) add(russian_->stem(token.term));
        add(kazakh_->stem(token.term));
    }
    return stems;
}

std::vector<std::string> Analyzer::kazakh_possessive_readings(const Token& token) {
    // A Kazakh noun in -н has a 3rd-person possessive in -ны/-ні (аудан: ауданы, өзен: өзені) that
    // is also the accusative of a stem in a vowel (бала: баланы); without a word list the stemmer
    // reads it as the accusative (ауданы -> ауда), while every other form keeps the н (ауданда,
    // ауданының -> аудан). The index holds that one reading, so a query word also matches the
    // other: the noun in -н finds its possessive, and the form in -ны/-ні finds the noun it may
    // be the possessive of. What the extra stem may also find is little: a stem that only that
    // form gives (ауда), or a noun in -н beside a stem in a vowel (мама, маман).
    std::vector<std::string> readings;
    if (!options_.stemming || token.script != Script::Cyrillic) return readings;
    const std::string_view word = token.term;
    const std::string stem(kazakh_->stem(word));
    static constexpr std::string_view kAccusative[] = {"\xD0\xBD\xD1\x8B", "\xD0\xBD\xD1\x96"};  // ны, ні
    static constexpr std::string_view kN = "\xD0\xBD";                                           // н
    const std::size_t min_stem_bytes = 6;  // three Cyrillic letters: shorter roots stay as they are
    for (std::string_view ending : kAccusative) {
        if (word.size() == stem.size() + ending.size() && word.substr(0, stem.size()) == stem &&
            word.substr(stem.size()) == ending && stem.size() >= min_stem_bytes) {
            std::string noun = stem + std::string(kN);
            if (kazakh_->stem(noun) == noun) readings.push_back(std::move(noun));
        }
    }
    if (stem.size() >= min_stem_bytes + kN.size() && stem.substr(stem.size() - kN.size()) == kN) {
        const std::string without_n = stem.substr(0, stem.size() - kN.size());
        for (std::string_view possessive_vowel : {std::string_view("\xD1\x8B"), std::string_view("\xD1\x96")}) {
            if (kazakh_->stem(stem + std::string(possessive_vowel)) == without_n) {
                readings.push_back(without_n);
                break;
            }
        }
    }
    return readings;
}

bool Analyzer::has_kazakh_letter(std::string_view term) {
    return izdeu::has_kazakh_letter(term);
}

std::string Analyzer::keyboard_fold(std::string_view term) {
    // Each Kazakh letter and the Russian key it is typed with.
    static constexpr std::pair<char32_t, char32_t> kRussianKey[] = {
        {0x49B, 0x43A},  // қ -> к
        {0x4D9, 0x430},  // ә -> а
        {0x4E9, 0x43E},  // ө -> о
        {0x4B1, 0x443},  // ұ -> у
        {0x4AF, 0x443},  // ү -> у
        {0x493, 0x433},  // ғ -> г
        {0x4A3, 0x43D},  // ң -> н
        {0x4BB, 0x445},  // һ -> х
        {0x456, 0x438},  // і -> и
    };
    std::string out;
    out.reserve(term.size());
    for_each_code_point(term, [&](char32_t cp) {
        for (const auto& [kazakh, russian] : kRussianKey) {
            if (cp == kazakh) {
                cp = russian;
                break;
            }
        }
        append_utf8(out, cp);
        return true;
    });
    return out;
}

Language Analyzer::detect_language(std::string_view text) {
    std::size_t latin = 0, cyrillic = 0, kazakh = 0;
    std::size_t kazakh_latin = 0;  // q and the letters only the Kazakh Latin alphabets use
    // The same walk as for_each_code_point, with ASCII and two-byte sequences (all of Cyrillic)
    // decoded inline: this runs over every article's whole text.
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const auto n = static_cast<std::int32_t>(text.size());
    std::int32_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            const std::uint64_t chunk = load8(bytes + i);
            if ((chunk & kHighBits) != 0) break;
            latin += ascii_letters(chunk);
            kazakh_latin += ascii_qs(chunk);
            i += 8;
        }
        if (i == n) break;
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            latin += static_cast<unsigned char>((lead | 0x20) - 'a') < 26;  // an ASCII letter
            kazakh_latin += (lead | 0x20) == 'q';
            ++i;
            continue;
        }
        char32_t cp;
        if (lead >= 0xC2 && lead <= 0xDF && i + 1 < n && (bytes[i + 1] & 0xC0) == 0x80) {
            cp = static_cast<char32_t>((lead & 0x1F) << 6 | (bytes[i + 1] & 0x3F));
            i += 2;
        } else {
            const std::int32_t c = next_code_point(text, i);
            if (c < 0) continue;  // invalid sequences count for nothing
            cp = static_cast<char32_t>(c);
        }
        if (is_latin_letter(cp)) {
            ++latin;
            kazakh_latin += is_kazakh_latin_diacritic(cp);
        } else if (is_cyrillic(cp)) {
            ++cyrillic;
            if (is_kazakh_only_letter(cp)) ++kazakh;
        }
    }
    if (cyrillic == 0 && latin == 0) return Language::Undetermined;
    if (cyrillic > latin) {
        // Kazakh-only letters make up about a tenth of the letters of Kazakh text; a Russian
        // article that names Қазақстан once must stay Russian.
        return kazakh * 20 >= cyrillic ? Language::Kazakh : Language::Russian;
    }
    // Latin-script Kazakh: q (қ) and the accented letters make up 6-10% of its letters, against
    // a few in a thousand in English text that names Qatar or Müller.
    return kazakh_latin * 25 >= latin ? Language::Kazakh : Language::English;
}

std::string Analyzer::fingerprint() const {
    // 2: Russian stems from izdeu's stemmer (dictionary lemmas, surname and noun rules).
    // 3: name keys (transliteration.h) and Latin-script Kazakh read in Cyrillic.
    // 4: a capital I of the 2018 alphabet read as и unless the word list knows the word with і;
    //    ııa read as ия.
    std::string f = "izdeu-analyzer 4; schema " + std::to_string(schema::kSchemaVersion);
    f += "; icu " U_ICU_VERSION "; unicode " U_UNICODE_VERSION;
    f += "; xapian " + std::string(Xapian::version_string());
    f += "; stemmers ";
    f += options_.stemming ? "english," + russian_description_ + "," + kazakh_description_ : "none";
    f += options_.keyboard_folding ? "; kazakh-keyboard-folding" : "";
    return f;
}

}  // namespace izdeu
