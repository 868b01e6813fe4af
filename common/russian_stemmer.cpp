#include "russian_stemmer.h"

// How a stem is chosen (with a dictionary; without one, Snowball's stem)
// ----------------------------------------------------------------------
// 1. The dictionary. A form is read back through every suffix rule of the .aff that could have
//    made it (the form ends with what the rule adds; the rest plus what it strips is an entry
//    carrying the rule's flag and meeting its condition), and is an entry itself if listed.
//    Entries are read lower-case with ё as е (the analyzer's form), so "Астана" is found for
//    астане. The stem is the lemma itself, not Snowball's cut of it: миро and мир stay apart
//    although Snowball cuts both to мир.
//    A form of several lemmas takes a noun's (звонка: звонок, not the short adjective of
//    звонкий), then the one Snowball agrees with (суда: суд, not судно), then the shortest
//    (мира: мир, not миро), then the first in byte order. Deterministic, so index and query
//    agree; the other lemma's forms are not found by that one form (стали as "became").
//    Which rules decline nouns is read from the .aff (see parse), not assumed.
//    Two more preferences (izdeu-3): a country in -ия over the element in -ий sharing its
//    forms (Германию: Германия, not германий), and any noun over a numeral (семью: семья).
//    A plural listed as its own entry (ветры, займы) takes the stem the rules give its
//    singular forms, which hunspell-ru lists bare (ветер, ветра -> ветр).
//    An instrumental in -жей/-шей/-чей/-щей/-цей listed as an entry (кражей, Польшей, биржей:
//    the dictionary's way to give them -ею too) is read as its noun's form (izdeu-7).
//    A noun whose own dictionary form is read as another noun's form (политика: политик's
//    genitive; герой: гера's instrumental) takes that noun's stem, so that its other forms
//    (политикой, героя) meet the ones it lost (izdeu-9). An adjective in -овый/-евый/-иный takes
//    the stem its surname-shaped forms take (торговый, торговая -> торг, as торговой; izdeu-10).
// 2. Gaps. hunspell-ru lists some forms bare, without flags (владельцем, земель, ветра): such
//    a form, and a form it does not know at all, is read as a case of a noun it does know when
//    the stem + а/я is one (владельцем: владельца -> владелец; земель: земл + я -> земля).
// 3. Surnames: X + ов/ев/ин/ын + a case ending (Назарбаевым, Токаевой, Кузнецовых). The
//    dictionary's reading as a common noun wins (основы, городов, острова); its readings as a
//    name (the entries Кузнецова, Путин) or an adjective (попов, лавров) give way to the
//    surname's rule, which stems every form alike: to the common noun the base is the genitive
//    plural of (Попова, Попов -> поп), else to X for -ов/-ев (Назарбаева -> назарба, as акимов
//    -> аким), else the base (Путина -> путин). A town in -ово/-ево/-ино that the dictionary
//    does not know, or lists bare as a name (Кемерово, Булаево, Бородино), stems as the surname
//    its other forms look like (izdeu-8).
// 0. The ten neuter nouns in -мя (время, имя, знамя ...) are read first: every form to the
//    nominative (времени, временем, времён -> время); the dictionary lists them apart.
//    So are мать and дочь (матери, дочерьми -> мать, дочь), the two nouns with -ер-.
//    (izdeu-6) A plural entry in -ья (братья, друзья, сыновья, деревья) stems as its singular
//    does, and its bare genitive (братьев, сыновей) too, unless it is a feminine singular
//    (судья, статья: they have an accusative in -ью); a bare instrumental in -ьми (детьми,
//    лошадьми) is read as the plural entry in -и or the noun in -ь it belongs to; a bare noun of
//    three letters whose vowel drops to a soft sign (лёд, льда) stems as its forms (льд).
// 4. Other unknown words (place names, new words) lose the longest noun or adjective ending
//    that leaves three letters, a vowel the ending leaves, and a vowel that drops in inflection:
//    Жанаозене -> жанаозн, Шымкента -> шымкент, Костаная -> костан, ветра/ветер -> ветр. No verb
//    endings: Snowball's verb rules are what cut казахстан to казахста. A bare form that ends
//    like a case ending loses it, so its other forms do too (Росатом, Росатома -> росат), and
//    a vowel that drops after a vowel leaves й (заём, займа -> займ).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <tuple>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "utf8.h"

namespace izdeu {

namespace {

// Bump whenever a rule changes: the description goes into the index fingerprint.
constexpr const char* kDescription =
    "russian-izdeu-10";  // 2: verbs' roots; 3: -мя nouns, countries in -ия, -ом names;
                         // 4: plural entries, genitive plurals without ending;
                         // 5: flagged nouns whose vowel drops (посол);
                         // 6: plurals in -ья, -ьми, мать/дочь;
                         // 7: instrumental entries in -жей/-шей/-чей/-щей/-цей;
                         // 8: towns in -ово/-ево/-ино;
                         // 9: a noun takes the stem its citation form reads as;
                         // 10: adjectives in -овый/-евый/-иный as their surname-shaped forms
// Longer tokens are not words: left alone.
constexpr std::size_t kMaxWordBytes = 128;
constexpr std::size_t kMinRuleStem = 3;  // code points a rule must leave

std::string encode(std::u32string_view s) {
    std::string out;
    for (char32_t c : s) append_utf8(out, c);
    return out;
}

/// The analyzer's form of a dictionary word: lower case, ё as е.
char32_t fold(char32_t c) {
    if (c >= 0x410 && c <= 0x42F) c += 0x20;  // А-Я
    if (c >= 0x400 && c <= 0x40F) c += 0x50;  // Ѐ-Џ, Ё among them
    if (c == 0x451) c = 0x435;                // ё -> е
    if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
    return c;
}

std::string fold_word(std::string_view word) {
    std::string out;
    out.reserve(word.size());
    for_each_code_point(word, [&](char32_t c) {
        append_utf8(out, fold(c));
        return true;
    });
    return out;
}

bool ends_with(std::u32string_view s, std::u32string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        visit(text.substr(start, end - start));
        start = end + 1;
    }
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return false;
    const std::streamoff size = in.tellg();
    if (size < 0) return false;
    out.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(out.data(), size);
    return static_cast<std::streamoff>(in.gcount()) == size;
}

}  // namespace

// ---- RussianDictionary --------------------------------------------------------------------

std::shared_ptr<const RussianDictionary> RussianDictionary::open(const std::string& path,
                                                                 const std::string& cache_dir) {
    try {
        std::string aff_path = path;
        if (aff_path.size() > 4 && aff_path.compare(aff_path.size() - 4, 4, ".dic") == 0) {
            aff_path.replace(aff_path.size() - 4, 4, ".aff");
        } else {
            aff_path += ".aff";
        }
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec) || !std::filesystem::is_regular_file(aff_path, ec)) {
            return nullptr;
        }
        const auto dic_size = std::filesystem::file_size(path, ec);
        const auto aff_size = std::filesystem::file_size(aff_path, ec);
        if (ec) return nullptr;
        std::shared_ptr<RussianDictionary> dictionary(new RussianDictionary());
        dictionary->dic_path_ = path;
        dictionary->aff_path_ = aff_path;
        dictionary->identity_ = "hunspell-" + std::to_string(dic_size) + "-" + std::to_string(aff_size);
        if (!cache_dir.empty()) {
            // Named by what would make it stale: the files' sizes and modification times.
            const auto stamp = [&](const std::string& file) {
                return std::to_string(static_cast<unsigned long long>(
                    std::filesystem::last_write_time(file, ec).time_since_epoch().count()));
            };
            // The path's hash first, so that a new cache can replace the stale ones of the same
            // dictionary (an updated hunspell-ru package) and leave other dictionaries' alone.
            char path_hash[17];
            std::snprintf(path_hash, sizeof path_hash, "%016llx",
                          static_cast<unsigned long long>(std::hash<std::string>{}(path)));
            const std::string name = "russian-dictionary-" + std::string(path_hash) + "-" + std::to_string(dic_size) +
                                     "-" + std::to_string(aff_size) + "-" + stamp(path) + "-" + stamp(aff_path) +
                                     ".bin";
            if (!ec) dictionary->cache_path_ = (std::filesystem::path(cache_dir) / name).string();
        }
        return dictionary;
    } catch (...) {
        return nullptr;  // bad_alloc and friends: stem by rules alone
    }
}

void RussianDictionary::ensure_loaded() const {
    std::call_once(loaded_, [this] {
        if (dic_path_.empty()) return;  // made from text: parsed already
        // The one place the dictionary changes after construction, under call_once; every
        // reader comes through here first.
        auto* self = const_cast<RussianDictionary*>(this);
        try {
            std::string aff, dic;
            if (!read_file(aff_path_, aff)) return;
            self->parse_rules(aff);
            if (!cache_path_.empty() && self->load_cache(cache_path_)) {
                self->read_from_cache_ = true;
            } else if (read_file(dic_path_, dic) && self->parse_words(std::move(dic)) && !cache_path_.empty()) {
                save_cache(cache_path_);
            }
        } catch (...) {
            // A half-read dictionary would guide inconsistently.
            self->use_words(nullptr, 0, nullptr, 0, nullptr, 0, nullptr);
            self->word_count_ = 0;
        }
    });
}

std::size_t RussianDictionary::word_count() const {
    ensure_loaded();
    return word_count_;
}

std::size_t RussianDictionary::rule_count() const {
    ensure_loaded();
    return rule_total_;
}

std::shared_ptr<const RussianDictionary> RussianDictionary::from_text(std::string_view aff, std::string_view dic) {
    std::shared_ptr<RussianDictionary> dictionary(new RussianDictionary());
    if (!dictionary->parse(aff, std::string(dic))) return nullptr;
    dictionary->identity_ = "text-" + std::to_string(dic.size()) + "-" + std::to_string(aff.size());
    return dictionary;
}

bool RussianDictionary::parse(std::string_view aff, std::string dic) {
    parse_rules(aff);
    return parse_words(std::move(dic));
}

void RussianDictionary::parse_rules(std::string_view aff) {
    // The .aff: only suffix rules matter here ("SFX flag strip add condition"); their headers
    // ("SFX flag Y count") have four fields. Flags are single bytes (hunspell's default FLAG).
    for_each_line(aff, [&](std::string_view line) {
        const auto f = fields_of(line);
        if (f.size() < 5 || f[0] != "SFX" || f[1].size() != 1) return;
        Rule rule;
        rule.flag = f[1][0];
        rule.strip = f[2] == "0" ? std::string() : fold_word(f[2]);
        std::string_view add = f[3].substr(0, f[3].find('/'));  // no continuation classes used
        rule.add = add == "0" ? std::string() : fold_word(add);
        const std::u32string condition = decode_utf32(fold_word(f[4]));
        for (std::size_t i = 0; i < condition.size(); ++i) {
            std::u32string set;
            bool negated = false;
            if (condition[i] == U'[') {
                std::size_t close = condition.find(U']', i);
                if (close == std::u32string::npos) return;  // malformed: skip the rule
                std::size_t from = i + 1;
                if (from < close && condition[from] == U'^') {
                    negated = true;
                    ++from;
                }
                set = condition.substr(from, close - from);
                i = close;
            } else if (condition[i] == U'.') {
                negated = true;  // not in the empty set: any letter
            } else {
                set = condition.substr(i, 1);
            }
            rule.condition.push_back(std::move(set));
            rule.negated.push_back(negated);
        }
        ++rule_total_;
        if (rule.add.empty()) {
            rules_adding_nothing_.push_back(std::move(rule));
        } else {
            const auto last = static_cast<unsigned char>(rule.add.back());
            rules_by_last_byte_[last].push_back(std::move(rule));
        }
    });
    // Which rules decline nouns, read from the .aff rather than assumed: a rule set is verbal when
    // most of its rules apply to verbs (the condition ends in -ть, -ться, -ти, -чь, -сь, -ся),
    // adjectival when most apply to adjectives (-ый, -ий, -ой), else nominal; in a nominal set,
    // a rule for an adjective ending is not (hunspell-ru's G declines surnames both ways).
    std::unordered_map<char, std::pair<int, int>> verbal_adjectival;  // flag -> counts
    std::unordered_map<char, int> totals;
    auto condition_ends = [](const Rule& rule, std::initializer_list<std::u32string_view> endings) {
        std::u32string tail;
        for (const auto& set : rule.condition) tail += set.size() == 1 ? set[0] : U'?';
        for (auto e : endings) {
            if (ends_with(tail, e)) return true;
        }
        return false;
    };
    auto each_rule = [&](auto&& visit) {
        for (auto& [byte, rules] : rules_by_last_byte_) {
            for (Rule& rule : rules) visit(rule);
        }
        for (Rule& rule : rules_adding_nothing_) visit(rule);
    };
    const std::initializer_list<std::u32string_view> kVerbEnds = {U"ть", U"ти", U"чь", U"сь", U"ся"};
    const std::initializer_list<std::u32string_view> kAdjectiveEnds = {U"ый", U"ий", U"ой"};
    each_rule([&](Rule& rule) {
        ++totals[rule.flag];
        if (condition_ends(rule, kVerbEnds)) ++verbal_adjectival[rule.flag].first;
        if (condition_ends(rule, kAdjectiveEnds)) ++verbal_adjectival[rule.flag].second;
    });
    each_rule([&](Rule& rule) {
        const auto [verbal, adjectival] = verbal_adjectival[rule.flag];
        const int total = totals[rule.flag];
        rule.nominal = 2 * verbal < total && 2 * adjectival < total && !condition_ends(rule, kAdjectiveEnds);
        rules_by_flag_[rule.flag].push_back(&rule);
    });
}

bool RussianDictionary::parse_words(std::string dic) {
    // The .dic: a count line, then "word/FLAGS" or "word" (morphological fields after a tab).
    dic_text_ = std::move(dic);
    extra_text_.clear();
    char* const text = dic_text_.data();
    const std::size_t size = dic_text_.size();
    if (size >= UINT32_MAX) return false;  // offsets are 32 bits (the .dic is 3.4 MB)
    std::vector<Entry> parsed;
    std::vector<std::uint32_t> group_of_entry;  // the group of each parsed entry: its hash's top bits
    parsed.reserve(size / 20);
    group_of_entry.reserve(size / 20);
    std::size_t start = dic_text_.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    bool first = true;
    while (start < size) {
        // The first field ends at white space; the line, at the next line feed.
        std::size_t end = start;
        while (end < size && text[end] != '\n' && text[end] != '\t' && text[end] != ' ' && text[end] != '\r') ++end;
        const void* feed = end < size ? std::memchr(text + end, '\n', size - end) : nullptr;
        const std::size_t next = feed ? static_cast<std::size_t>(static_cast<const char*>(feed) - text) + 1 : size;
        const std::string_view line(text + start, end - start);
        const std::size_t line_start = start;
        start = next;
        const bool count_line = first && !line.empty() &&
                                std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; });
        first = false;
        if (line.empty() || count_line || line.front() == '#') continue;
        const std::size_t slash = std::min(line.find('/'), line.size());
        std::string_view word(text + line_start, slash);
        Entry entry;
        entry.word_at = static_cast<std::uint32_t>(line_start);
        entry.word_size = static_cast<std::uint32_t>(slash);
        // Most words are written lower case already: folded only when a letter changes.
        bool needs_folding = false;
        for (std::size_t i = 0; i < word.size() && !needs_folding; ++i) {
            const auto byte = static_cast<unsigned char>(word[i]);
            const auto after = i + 1 < word.size() ? static_cast<unsigned char>(word[i + 1]) : 0;
            needs_folding = (byte >= 'A' && byte <= 'Z') || (byte == 0xD0 && after >= 0x80 && after <= 0xAF) ||
                            (byte == 0xD1 && after == 0x91) || byte >= 0xD2;
        }
        bool lower_case_first = true;  // its first letter as folded
        std::string folded;
        if (needs_folding) {
            folded = fold_word(word);
            if (folded.empty()) continue;
            lower_case_first = folded.compare(0, 2, word.substr(0, 2)) == 0;
            if (folded.size() == word.size()) {
                std::copy(folded.begin(), folded.end(), text + line_start);
            } else {
                // The rare word folding resizes lives in the extra text.
                entry.word_at = static_cast<std::uint32_t>(extra_text_.size());
                entry.word_size = static_cast<std::uint32_t>(folded.size());
                entry.word_in_extra = 1;
                extra_text_ += folded;
                word = folded;
            }
        }
        if (word.empty()) continue;
        if (slash < line.size()) {
            entry.flags_at = static_cast<std::uint32_t>(line_start + slash + 1);
            entry.flags_size = static_cast<std::uint32_t>(line.size() - slash - 1);
        }
        const std::uint64_t hash = std::hash<std::string_view>{}(word);
        entry.hash = static_cast<std::uint32_t>(hash);
        entry.proper = !lower_case_first;
        parsed.push_back(entry);
        group_of_entry.push_back(static_cast<std::uint32_t>(hash >> (64 - kGroupBits)));
    }
    // Grouped by hash, keeping the .dic's order within a group (a counting sort).
    const std::size_t groups = std::size_t{1} << kGroupBits;
    std::vector<std::uint32_t> starts(groups + 1, 0);
    for (const std::uint32_t group : group_of_entry) ++starts[group + 1];
    for (std::size_t g = 0; g < groups; ++g) starts[g + 1] += starts[g];
    std::vector<std::uint32_t> next_slot(starts.begin(), starts.end() - 1);
    std::vector<Entry> entries(parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) entries[next_slot[group_of_entry[i]]++] = parsed[i];
    // "Мира" the name and "мира" the noun fold to one entry: the flags of both, a name only if
    // every spelling is capitalized.
    std::size_t words = entries.size();
    use_words(dic_text_.data(), dic_text_.size(), extra_text_.data(), extra_text_.size(), nullptr, 0, nullptr);
    for (std::size_t g = 0; g < groups; ++g) {
        for (std::uint32_t i = starts[g]; i < starts[g + 1]; ++i) {
            Entry& kept = entries[i];
            if (kept.word_size == 0) continue;
            for (std::uint32_t j = i + 1; j < starts[g + 1]; ++j) {
                Entry& again = entries[j];
                if (again.hash != kept.hash || word_of(again) != word_of(kept)) continue;
                if (again.flags_size > 0) {
                    std::string both(flags_of(kept));
                    both += flags_of(again);
                    kept.flags_at = static_cast<std::uint32_t>(extra_text_.size());
                    kept.flags_size = static_cast<std::uint32_t>(both.size());
                    kept.flags_in_extra = 1;
                    extra_text_ += both;
                    // The extra text may have moved.
                    use_words(dic_text_.data(), dic_text_.size(), extra_text_.data(), extra_text_.size(), nullptr, 0,
                              nullptr);
                }
                kept.proper = kept.proper && again.proper;
                again.word_size = 0;
                --words;
            }
        }
    }
    if (extra_text_.size() >= UINT32_MAX) return false;
    entry_store_ = std::move(entries);
    group_store_ = std::move(starts);
    use_words(dic_text_.data(), dic_text_.size(), extra_text_.data(), extra_text_.size(), entry_store_.data(),
              entry_store_.size(), group_store_.data());
    word_count_ = words;
    return word_count_ > 0;
}

void RussianDictionary::use_words(const char* text, std::size_t text_size, const char* extra, std::size_t extra_size,
                                  const Entry* entries, std::size_t entry_count, const std::uint32_t* group_starts) {
    text_ = text;
    text_size_ = text_size;
    extra_ = extra;
    extra_size_ = extra_size;
    entries_ = entries;
    entry_count_ = entry_count;
    group_starts_ = group_starts;
}

std::string_view RussianDictionary::word_of(const Entry& e) const {
    return std::string_view((e.word_in_extra ? extra_ : text_) + e.word_at, e.word_size);
}

std::string_view RussianDictionary::flags_of(const Entry& e) const {
    return std::string_view((e.flags_in_extra ? extra_ : text_) + e.flags_at, e.flags_size);
}

RussianDictionary::~RussianDictionary() {
    if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

// ---- The word list's cache file ------------------------------------------------------------
//
// The word list as the lookups read it, mapped into memory as it is: a 32-byte magic line, then
// eight u64 in the machine's byte order (byte order mark, hash probe, group bits, words, and
// the sizes of the .dic text, the extra text, the entries and the group starts), then those
// four blocks, each starting at a multiple of 8 bytes. Every offset is checked when mapped.

namespace {

constexpr std::string_view kCacheMagic = "izdeu-russian-dictionary 2\n";
constexpr std::size_t kCacheMagicBytes = 32;
constexpr std::uint64_t kByteOrderMark = 0x0102030405060708ULL;
constexpr std::size_t kCacheHeaderBytes = kCacheMagicBytes + 8 * 8;

/// The entries are grouped and found by std::hash: a cache written by a build whose hash
/// differs would find nothing, so it is not read.
std::uint64_t hash_probe() {
    return std::hash<std::string_view>{}("izdeu: паводок");
}

std::size_t padded(std::size_t n) {
    return (n + 7) / 8 * 8;
}

}  // namespace

void RussianDictionary::save_cache(const std::string& path) const {
    const std::size_t groups = (std::size_t{1} << kGroupBits) + 1;
    const std::uint64_t header[8] = {kByteOrderMark, hash_probe(), kGroupBits,   word_count_,
                                     text_size_,     extra_size_,  entry_count_, groups * sizeof(std::uint32_t)};
    std::string out(kCacheMagic);
    out.resize(kCacheMagicBytes, '\n');
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    auto block = [&](const void* data, std::size_t bytes) {
        if (bytes > 0) out.append(static_cast<const char*>(data), bytes);
        out.resize(padded(out.size()), '\0');
    };
    block(text_, text_size_);
    block(extra_, extra_size_);
    block(entries_, entry_count_ * sizeof(Entry));
    block(group_starts_, groups * sizeof(std::uint32_t));
    // A private temporary name, renamed into place: a reader sees the whole file or none.
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    // Unique per writer: the threads of one process (izdeu-serve's searchers, started together
    // with no cache yet) each read the .dic and write, and must never share a temporary file.
    const std::string temporary = path + ".tmp-" + std::to_string(::getpid()) + "-" +
                                  std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) return;
        file.write(out.data(), static_cast<std::streamsize>(out.size()));
        if (!file.flush()) {
            file.close();
            std::filesystem::remove(temporary, ec);
            return;
        }
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return;
    }
    remove_stale_caches(path);
}

void RussianDictionary::remove_stale_caches(const std::string& path) {
    // Every cache is 7 MB: without this, each update of the dictionary left one behind for good.
    // Removed: this dictionary's older caches (same path hash, other sizes or times), and any
    // cache or temporary file untouched for 90 days, and caches named the older way. A process
    // that has one mapped keeps it.
    const std::filesystem::path own(path);
    const std::string own_name = own.filename().string();
    const std::string prefix = "russian-dictionary-";
    const std::size_t hash_end = own_name.find('-', prefix.size());
    if (hash_end == std::string::npos) return;
    const std::string same_dictionary = own_name.substr(0, hash_end + 1);
    const auto horizon = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 90);
    std::error_code ec;
    for (std::filesystem::directory_iterator it(own.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name == own_name || name.rfind(prefix, 0) != 0) continue;
        std::error_code time_ec;
        const auto written = std::filesystem::last_write_time(it->path(), time_ec);
        const bool stale_twin = name.rfind(same_dictionary, 0) == 0 && name.find(".tmp-") == std::string::npos;
        // Named before the path's hash was part of the name (izdeu 0.1.0 as first released).
        const std::size_t hash_stop = name.find('-', prefix.size());
        const bool unhashed =
            hash_stop != prefix.size() + 16 || name.find_first_not_of("0123456789abcdef", prefix.size()) != hash_stop;
        if (stale_twin || unhashed || (!time_ec && written < horizon)) {
            std::error_code remove_ec;
            std::filesystem::remove(it->path(), remove_ec);
        }
    }
}

bool RussianDictionary::load_cache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    void* mapping = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= static_cast<off_t>(kCacheHeaderBytes)) {
        mapping = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (mapping == MAP_FAILED) return false;
    const auto size = static_cast<std::size_t>(st.st_size);
    const char* const bytes = static_cast<const char*>(mapping);
    auto reject = [&] {
        ::munmap(mapping, size);
        return false;
    };
    if (std::string_view(bytes, kCacheMagic.size()) != kCacheMagic) return reject();
    std::uint64_t header[8];
    std::memcpy(header, bytes + kCacheMagicBytes, sizeof header);
    const std::size_t groups = (std::size_t{1} << kGroupBits) + 1;
    const auto [mark, probe, bits, words, text_size, extra_size, entry_count, starts_bytes] = header;
    if (mark != kByteOrderMark || probe != hash_probe() || bits != kGroupBits ||
        starts_bytes != groups * sizeof(std::uint32_t) || text_size >= UINT32_MAX || extra_size >= UINT32_MAX ||
        entry_count > size / sizeof(Entry)) {
        return reject();
    }
    const std::size_t text_at = kCacheHeaderBytes, extra_at = text_at + padded(text_size);
    const std::size_t entries_at = extra_at + padded(extra_size);
    const std::size_t starts_at = entries_at + padded(entry_count * sizeof(Entry));
    if (starts_at + padded(starts_bytes) != size) return reject();
    const auto* entries = reinterpret_cast<const Entry*>(bytes + entries_at);
    const auto* starts = reinterpret_cast<const std::uint32_t*>(bytes + starts_at);
    if (starts[0] != 0 || starts[groups - 1] != entry_count) return reject();
    for (std::size_t g = 0; g + 1 < groups; ++g) {
        if (starts[g] > starts[g + 1]) return reject();
    }
    // Every word and flag list inside its text: a damaged file never reads out of bounds.
    for (std::size_t i = 0; i < entry_count; ++i) {
        const Entry& e = entries[i];
        const std::uint64_t word_room = e.word_in_extra ? extra_size : text_size;
        const std::uint64_t flags_room = e.flags_in_extra ? extra_size : text_size;
        if (std::uint64_t{e.word_at} + e.word_size > word_room || std::uint64_t{e.flags_at} + e.flags_size > flags_room)
            return reject();
    }
    mapping_ = mapping;
    mapping_size_ = size;
    use_words(bytes + text_at, static_cast<std::size_t>(text_size), bytes + extra_at,
              static_cast<std::size_t>(extra_size), entries, static_cast<std::size_t>(entry_count), starts);
    word_count_ = static_cast<std::size_t>(words);
    return word_count_ > 0;
}

const RussianDictionary::Entry* RussianDictionary::find(std::string_view word) const {
    if (group_starts_ == nullptr || word.empty()) return nullptr;
    const std::uint64_t hash = std::hash<std::string_view>{}(word);
    const std::size_t group = static_cast<std::size_t>(hash >> (64 - kGroupBits));
    for (std::uint32_t i = group_starts_[group]; i < group_starts_[group + 1]; ++i) {
        const Entry& entry = entries_[i];
        if (entry.hash == static_cast<std::uint32_t>(hash) && word_of(entry) == word) return &entry;
    }
    return nullptr;
}

bool RussianDictionary::declines_as_noun(std::string_view word, const Entry& entry) const {
    for (char flag : flags_of(entry)) {
        const auto it = rules_by_flag_.find(flag);
        if (it == rules_by_flag_.end()) continue;
        for (const Rule* rule : it->second) {
            if (rule->nominal && word.size() >= rule->strip.size() &&
                word.compare(word.size() - rule->strip.size(), rule->strip.size(), rule->strip) == 0 &&
                condition_holds(*rule, word)) {
                return true;
            }
        }
    }
    return false;
}

bool RussianDictionary::condition_holds(const Rule& rule, std::string_view base) {
    const std::size_t n = rule.condition.size();
    if (n == 0) return true;
    // The last n code points of base, one condition position each.
    std::u32string tail;
    for_each_code_point(base, [&](char32_t c) {
        tail += c;
        return true;
    });
    if (tail.size() < n) return false;
    const std::size_t offset = tail.size() - n;
    for (std::size_t i = 0; i < n; ++i) {
        const bool in_set = rule.condition[i].find(tail[offset + i]) != std::u32string::npos;
        if (in_set == rule.negated[i]) return false;
    }
    return true;
}

std::vector<RussianDictionary::Lemma> RussianDictionary::lemmas(std::string_view word) const {
    ensure_loaded();
    std::vector<Lemma> out;
    auto add = [&](const std::string& lemma, bool noun, bool proper, bool bare) {
        for (Lemma& have : out) {
            if (have.word == lemma) {
                have.noun = have.noun || noun;
                return;
            }
        }
        out.push_back({lemma, noun, proper, bare});
    };
    if (word.empty()) return out;
    if (const Entry* entry = find(word)) {
        add(std::string(word_of(*entry)), declines_as_noun(word_of(*entry), *entry), entry->proper != 0,
            entry->flags_size == 0);
    }
    std::string base;
    auto try_rule = [&](const Rule& rule) {
        if (word.size() <= rule.add.size() || word.compare(word.size() - rule.add.size(), rule.add.size(), rule.add)) {
            return;
        }
        base.assign(word.substr(0, word.size() - rule.add.size()));
        base += rule.strip;
        const Entry* entry = find(base);
        if (entry == nullptr || flags_of(*entry).find(rule.flag) == std::string_view::npos) return;
        if (!rule.strip.empty() && base.compare(base.size() - rule.strip.size(), rule.strip.size(), rule.strip)) return;
        if (condition_holds(rule, base)) {
            add(base, rule.nominal, entry->proper != 0, false);
        }
    };
    if (const auto it = rules_by_last_byte_.find(static_cast<unsigned char>(word.back()));
        it != rules_by_last_byte_.end()) {
        for (const Rule& rule : it->second) try_rule(rule);
    }
    for (const Rule& rule : rules_adding_nothing_) try_rule(rule);
    return out;
}

// ---- RussianStemmer -----------------------------------------------------------------------

RussianStemmer::RussianStemmer(std::shared_ptr<const RussianDictionary> dictionary)
    : dictionary_(std::move(dictionary)), snowball_("russian") {}

std::string RussianStemmer::get_description() const {
    std::string d = kDescription;
    if (dictionary_) {
        d += "+" + dictionary_->identity();
    }
    return d;
}

namespace {

// Surname suffixes and the case endings they take (masculine, feminine, plural), longest first.
constexpr std::array<std::u32string_view, 4> kSurnameSuffixes = {U"ов", U"ев", U"ин", U"ын"};
constexpr std::array<std::u32string_view, 11> kSurnameEndings = {U"ыми", U"ых", U"ым", U"ом", U"ой", U"ою",
                                                                 U"а",   U"у",  U"е",  U"ы",  U""};
// Noun and adjective endings (the grammar's, as Snowball lists them, without its verb endings;
// ов/ев belong to the surname rule), longest first.
constexpr std::array<std::u32string_view, 54> kEndings = {
    U"иями", U"ями", U"ами", U"ией", U"иям", U"ием", U"иях", U"ими", U"ыми", U"его", U"ого", U"ему", U"ому", U"ие",
    U"ье",   U"еи",  U"ии",  U"ей",  U"ой",  U"ий",  U"ям",  U"ем",  U"ам",  U"ом",  U"ах",  U"ях",  U"ию",  U"ью",
    U"ия",   U"ья",  U"ее",  U"ые",  U"ое",  U"ый",  U"им",  U"ым",  U"их",  U"ых",  U"ую",  U"юю",  U"ая",  U"яя",
    U"ою",   U"ею",  U"а",   U"е",   U"и",   U"й",   U"о",   U"у",   U"ы",   U"ь",   U"ю",   U"я"};

/// X + ов/ев/ин/ын when word is that plus a case ending and X has at least two letters.
std::optional<std::u32string> surname_base(const std::u32string& word) {
    for (std::u32string_view ending : kSurnameEndings) {
        if (!ends_with(word, ending)) continue;
        const std::u32string_view rest = std::u32string_view(word).substr(0, word.size() - ending.size());
        for (std::u32string_view suffix : kSurnameSuffixes) {
            if (ends_with(rest, suffix) && rest.size() >= suffix.size() + 2) return std::u32string(rest);
        }
    }
    return std::nullopt;
}

bool is_vowel(char32_t c) {
    return std::u32string_view(U"аеёиоуыэюя").find(c) != std::u32string_view::npos;
}

bool all_cyrillic(const std::u32string& word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char32_t c) { return c >= 0x400 && c <= 0x4FF; });
}

/// The cardinal numerals that decline like nouns in hunspell-ru: a form they share with a noun is
/// the noun's (семью: семья, "family", far more often than "by seven").
bool is_numeral(const std::string& lemma) {
    static constexpr std::array<std::string_view, 14> kNumerals = {
        "пять",     "шесть",     "семь",       "восемь",    "девять",      "десять", "двадцать",
        "тридцать", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "сорок",  "сто"};
    return std::find(kNumerals.begin(), kNumerals.end(), lemma) != kNumerals.end();
}

/// A country or region in -ия (a name in the dictionary) beside a common noun in -ий that
/// shares its forms, the chemical elements (Германию, Франции, Индии: германий, франций,
/// индий): the news means the country.
bool is_country(const RussianDictionary::Lemma& lemma, const std::vector<RussianDictionary::Lemma>& lemmas) {
    const std::u32string w = decode_utf32(lemma.word);
    if (!lemma.proper || !ends_with(w, U"ия")) return false;
    const std::string element = encode(std::u32string_view(w).substr(0, w.size() - 1)) + "\xD0\xB9";  // -ий
    return std::any_of(lemmas.begin(), lemmas.end(), [&](const auto& other) { return other.word == element; });
}

/// A plural listed as an entry (деньги, сутки) beside the singular in -а/-я whose plural it
/// is, both lemmas of one form (деньги: деньги and деньга): the plural, which its other forms
/// (деньгам, денег) reach alone; the singular is the rarer word.
bool is_plural_beside_singular(const RussianDictionary::Lemma& lemma,
                               const std::vector<RussianDictionary::Lemma>& lemmas) {
    const std::u32string w = decode_utf32(lemma.word);
    if (!lemma.noun || lemma.proper || w.size() < 4 || (w.back() != U'ы' && w.back() != U'и')) return false;
    const std::u32string_view stem = std::u32string_view(w).substr(0, w.size() - 1);
    return std::any_of(lemmas.begin(), lemmas.end(), [&](const auto& other) {
        const std::u32string o = decode_utf32(other.word);
        return other.noun && o.size() == w.size() && o.starts_with(stem) && (o.back() == U'а' || o.back() == U'я');
    });
}

/// The ten neuter nouns in -мя (время, имя, знамя ...) take -ен- in every other form (времени,
/// временем, времена, времён); hunspell-ru lists them apart, so they never met.
std::optional<std::string> neuter_in_mya(const std::u32string& word) {
    static constexpr std::array<std::u32string_view, 10> kRoots = {U"вре", U"и",    U"зна", U"пла", U"пле",
                                                                   U"се",  U"стре", U"бре", U"те",  U"вы"};
    static constexpr std::array<std::u32string_view, 7> kEndingsAfterM = {U"я",    U"ени",   U"енем", U"ена",
                                                                          U"енам", U"енами", U"енах"};
    for (std::u32string_view root : kRoots) {
        if (word.size() <= root.size() + 1 || word.compare(0, root.size(), root) != 0 || word[root.size()] != U'м') {
            continue;
        }
        const std::u32string_view rest = std::u32string_view(word).substr(root.size() + 1);
        // The genitive plural (времён, имён, племён, знамён; ё read as е) only where it is not
        // another word: семян and стремян have their own, and Семён is a name.
        const bool genitive_plural =
            rest == U"ен" && (root == U"вре" || root == U"и" || root == U"зна" || root == U"пле");
        if (genitive_plural || std::find(kEndingsAfterM.begin(), kEndingsAfterM.end(), rest) != kEndingsAfterM.end()) {
            return encode(std::u32string(root) + U"мя");
        }
    }
    return std::nullopt;
}

/// мать and дочь, the two nouns that take -ер- in every other form (матери, матерью, дочерей,
/// дочерьми); hunspell-ru lists those forms bare, and the rules cut them apart (матр, мат).
/// Every form stems to the nominative. A closed class: матер- + another ending is another word
/// (материя, матерый), and so is any form the list below does not name.
std::optional<std::string> mother_or_daughter(const std::u32string& word) {
    static constexpr std::array<std::u32string_view, 2> kNominatives = {U"мать", U"дочь"};
    static constexpr std::array<std::u32string_view, 7> kEndingsAfterEr = {U"и",   U"ью",  U"ей", U"ям",
                                                                           U"ями", U"ьми", U"ях"};
    for (std::u32string_view nominative : kNominatives) {
        const std::u32string_view root = nominative.substr(0, 3);  // мат, доч
        if (word == nominative) return encode(nominative);
        if (word.size() <= root.size() + 2 || word.compare(0, root.size(), root) != 0 ||
            word.compare(root.size(), 2, U"ер") != 0) {
            continue;
        }
        const std::u32string_view rest = std::u32string_view(word).substr(root.size() + 2);
        if (std::find(kEndingsAfterEr.begin(), kEndingsAfterEr.end(), rest) != kEndingsAfterEr.end()) {
            return encode(nominative);
        }
    }
    return std::nullopt;
}

}  // namespace

std::string RussianStemmer::rule_stem(std::string_view word) {
    const std::u32string w = decode_utf32(word);
    if (!all_cyrillic(w)) return std::string(word);
    if (auto base = surname_base(w)) {
        const bool ov = ends_with(*base, U"ов") || ends_with(*base, U"ев");
        return encode(std::u32string_view(*base).substr(0, base->size() - (ov ? 2 : 0)));
    }
    std::u32string_view stem = w;
    auto strip_ending = [&stem](bool consonant_final_only) {
        for (std::u32string_view ending : kEndings) {
            if (consonant_final_only && is_vowel(ending.back())) continue;
            if (ends_with(stem, ending) && stem.size() >= ending.size() + kMinRuleStem) {
                stem.remove_suffix(ending.size());
                return;
            }
        }
    };
    strip_ending(false);
    // What is left is the bare form of a masculine noun (Росатома, Росатомом -> росатом); when
    // that itself ends like a case ending (-ом, -им, -ах ...), its own bare form lost it above
    // (Росатом -> росат, Иерусалим -> иерусал), so the oblique forms lose it too and all meet.
    strip_ending(true);
    // And a vowel the ending leaves: Костанай, Костаная, Костанаю, Костанаем all give костан
    // (-ая reads as an adjective's ending, -ю and -ем leave the noun's а).
    static constexpr std::u32string_view kVowels = U"аеиоуыэюя";
    if (stem.size() > kMinRuleStem && kVowels.find(stem.back()) != std::u32string_view::npos) stem.remove_suffix(1);
    // And a vowel that drops when the word inflects (ветер, ветра; уголь, угля): out of every
    // form, so that they meet (Байден becomes байдн, as do all its forms).
    std::u32string out(stem);
    const std::size_t n = out.size();
    if (n >= 4 && (out[n - 2] == U'е' || out[n - 2] == U'о') && kVowels.find(out[n - 3]) == std::u32string::npos &&
        kVowels.find(out[n - 1]) == std::u32string::npos && out[n - 1] != U'ь' && out[n - 1] != U'й') {
        out.erase(n - 2, 1);
    } else if (n >= 4 && out[n - 2] == U'е' && kVowels.find(out[n - 3]) != std::u32string::npos &&
               kVowels.find(out[n - 1]) == std::u32string::npos && out[n - 1] != U'ь' && out[n - 1] != U'й') {
        out[n - 2] = U'й';  // after a vowel it leaves a й: заём, займа; паёк, пайка
    }
    return encode(out);
}

namespace {

/// A verb lemma (an infinitive: -ть, -ти, reflexive or not) as the root both its aspects
/// share, marked so that it never equals a noun's lemma: вооружать, вооружить, вооружиться ->
/// вооруж~; выполнять, выполнить -> выполн~; показывать, показать -> показ~; действовать ->
/// действ~. Each lemma is its own paradigm in the dictionary, so without this a
/// headline's "Вооружая" (вооружать) missed an article's "вооружить". Empty for any other word.
std::string verb_root(const std::string& lemma) {
    std::u32string w = decode_utf32(lemma);
    if (ends_with(w, U"ся") || ends_with(w, U"сь")) w.resize(w.size() - 2);
    if (!ends_with(w, U"ть") && !ends_with(w, U"ти")) return {};
    w.resize(w.size() - 2);
    std::u32string root = w;
    for (std::u32string_view suffix : {U"ыва", U"ива", U"ова", U"ева"}) {
        if (ends_with(root, suffix)) {
            root.resize(root.size() - suffix.size());
            break;
        }
    }
    if (root.size() == w.size() && !root.empty() &&
        std::u32string_view(U"аяиеуыо").find(root.back()) != std::u32string_view::npos) {
        root.pop_back();
    }
    // Short roots would join unrelated verbs (дать, дуть): those keep their vowel.
    if (root.size() < 3) root = w;
    return encode(root) + "~";
}

}  // namespace

std::string RussianStemmer::choose(const std::vector<RussianDictionary::Lemma>& lemmas, const std::string& form) {
    const RussianDictionary::Lemma lemma = as_cited(choose_lemma(lemmas, form));
    // An adjective in -овый/-евый/-иный (торговый, налоговый, боевой): its forms in -ой, -ым, -ом,
    // -ых, -ыми have a surname's shape and take the surname rule (торговой -> торг, as Лавровой
    // -> лавр), so the forms the dictionary reads (торговая, торгового) take that stem too.
    if (!lemma.noun && !lemma.proper) {
        const std::u32string w = decode_utf32(lemma.word);
        if (ends_with(w, U"ый") || ends_with(w, U"ой")) {
            const std::u32string base = w.substr(0, w.size() - 2);
            if (surname_base(base) == base) return surname_stem(encode(base));
        }
    }
    return stem_of(lemma);
}

RussianDictionary::Lemma RussianStemmer::as_cited(const RussianDictionary::Lemma& lemma) {
    // A noun whose own dictionary form is read as another noun's form (политика: политик's
    // genitive; герой: гера's instrumental; море: мор's prepositional) lost that form, and the
    // forms it shares, to the other noun, while its forms of its own (политикой, героя, морем)
    // kept its lemma: one word's forms under two stems. Such a noun takes the other's stem, so
    // every form of both meets (as суд and суда "ships" already did in their shared forms).
    if (!dictionary_) return lemma;
    const std::vector<RussianDictionary::Lemma> readings = instrumentals_as_forms(dictionary_->lemmas(lemma.word));
    if (readings.size() < 2) return lemma;
    // A noun's form made by a rule that also serves adjectives (герое) is not marked a noun's,
    // but its lemma's entry is a noun.
    const bool noun = lemma.noun || std::any_of(readings.begin(), readings.end(),
                                                [&](const auto& r) { return r.noun && r.word == lemma.word; });
    if (!noun) return lemma;
    const RussianDictionary::Lemma& cited = choose_lemma(readings, lemma.word);
    return cited.noun ? cited : lemma;
}

std::string RussianStemmer::stem_of(const RussianDictionary::Lemma& lemma) const {
    if (!lemma.noun) {
        if (std::string root = verb_root(lemma.word); !root.empty()) return root;
    }
    if (!lemma.noun || lemma.proper) return lemma.word;
    const std::u32string w = decode_utf32(lemma.word);
    if (w.size() < 4) return lemma.word;
    if (dictionary_ && !lemma.bare) {
        // A noun whose vowel drops (посол, посла) but whose entry's flags decline it without the
        // drop, while hunspell-ru lists the real forms bare (посла, послу, послом): those take
        // the rules (посл), so the entry must too. Only when no other word's nominative claims
        // the dropped form (бубон keeps its stem: бубна is бубен's).
        const std::size_t n = w.size();
        if ((w[n - 2] == U'о' || w[n - 2] == U'е') && !is_vowel(w[n - 3]) && !is_vowel(w[n - 1]) && w[n - 1] != U'ь' &&
            w[n - 1] != U'й') {
            const std::u32string dropped = w.substr(0, n - 2) + w[n - 1];
            const auto genitive = dictionary_->lemmas(encode(dropped + U"а"));
            if (genitive.size() == 1 && genitive.front().bare) {
                std::u32string other = w;
                other[n - 2] = w[n - 2] == U'о' ? U'е' : U'о';
                if (dictionary_->lemmas(encode(other)).empty()) return encode(dropped);
            }
        }
    }
    if (dictionary_ && ends_with(w, U"ья") && w.size() >= 5) {
        // A plural entry in -ья (братья, листья, стулья, друзья, сыновья, деревья, крылья): the
        // singular's stem, so that the two numbers meet. Not a feminine singular in -ья (статья,
        // судья: судья must not become суд), which has an accusative of its own in -ью.
        const std::u32string base = w.substr(0, w.size() - 2);
        bool singular = false;
        for (const auto& other : dictionary_->lemmas(encode(base + U"ью")))
            singular = singular || other.word == lemma.word;
        if (!singular) {
            // брат-ья, дерев-ья (дерево), княз-ья (князь), сынов-ья (сын), друз-ья (друг).
            std::vector<std::u32string> singulars{base, base + U"о", base + U"ь"};
            if (ends_with(base, U"ов")) singulars.push_back(base.substr(0, base.size() - 2));
            if (base.back() == U'з') singulars.push_back(base.substr(0, base.size() - 1) + U"г");
            for (const std::u32string& probe : singulars) {
                const std::string text = encode(probe);
                for (const auto& other : dictionary_->lemmas(text)) {
                    if (other.noun && !other.proper && other.word == text) return stem_of(other);
                }
            }
        }
    }
    const std::u32string_view stem = std::u32string_view(w).substr(0, w.size() - 1);
    // hunspell-ru lists some plurals as entries of their own: the plural-only nouns (переговоры,
    // деньги, сутки), plurals beside singular forms listed bare (ветры: ветер, ветра), and the
    // neuters' plurals with a moved stress (села, озёра, зёрна). Each number must meet the other.
    if (w.back() == U'ы' || w.back() == U'и') {
        // The plural's stem, without the ending: переговоры, переговорам, переговоров ->
        // переговор (the rules would drop the о as a vowel of inflection), ветры -> ветр as
        // the rules read ветер and ветра.
        return encode(stem);
    }
    if ((w.back() == U'а' || w.back() == U'я') && dictionary_) {
        // A neuter's plural entry (села, озера, зерна): the neuter itself (село), when the entry
        // has no singular of its own: a feminine noun (вина, "guilt", beside вино) has its
        // accusative in -у.
        const std::u32string accusative = std::u32string(stem) + (w.back() == U'а' ? U"у" : U"ю");
        bool singular = false;
        for (const auto& other : dictionary_->lemmas(encode(accusative)))
            singular = singular || other.word == lemma.word;
        if (!singular) {
            for (std::u32string_view neuter : {U"о", U"е"}) {
                const std::string probe = encode(std::u32string(stem) + std::u32string(neuter));
                for (const auto& other : dictionary_->lemmas(probe)) {
                    if (other.noun && !other.proper && other.word == probe) return probe;
                }
            }
        }
    }
    return lemma.word;
}

const RussianDictionary::Lemma& RussianStemmer::choose_lemma(const std::vector<RussianDictionary::Lemma>& lemmas,
                                                             const std::string& form) {
    if (lemmas.size() == 1) return lemmas.front();
    // Nouns first (звонка: звонок, not the short adjective of звонкий; стали: сталь), then the
    // lemma Snowball agrees with (суда: суд, not судно), then the shortest (мира: мир, not
    // миро), then byte order: deterministic, so index and query agree.
    const std::string form_stem = snowball_(form);
    auto rank = [&](const RussianDictionary::Lemma& lemma) {
        const bool agrees = snowball_(lemma.word) == form_stem;
        return std::make_tuple(!lemma.noun, is_numeral(lemma.word), !is_country(lemma, lemmas),
                               !is_plural_beside_singular(lemma, lemmas), !agrees, decode_utf32(lemma.word).size(),
                               lemma.word);
    };
    return *std::min_element(lemmas.begin(), lemmas.end(),
                             [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
}

namespace {

/// The lemmas that are common nouns (not names): what a form in -а may be besides a surname.
std::vector<RussianDictionary::Lemma> common_nouns(std::vector<RussianDictionary::Lemma> lemmas) {
    std::erase_if(lemmas, [](const auto& lemma) { return !lemma.noun || lemma.proper; });
    return lemmas;
}

/// The lemmas that are common nouns: what a surname-shaped form is when the dictionary knows it
/// (основы, городов, острова). Not adjectives: hunspell-ru gives every -овый adjective short
/// forms that are surnames (Лаврова: лавровый), and the possessive попов is Попов's own base.
std::vector<RussianDictionary::Lemma> common_words(std::vector<RussianDictionary::Lemma> lemmas) {
    std::erase_if(lemmas, [](const auto& lemma) { return !lemma.noun || lemma.proper || lemma.bare; });
    return lemmas;
}

}  // namespace

std::string RussianStemmer::surname_stem(const std::string& base) {
    if (!dictionary_) return base;
    // The base may be a noun's genitive plural (попов: поп, волков: волк); then every form of
    // the surname stems to that noun, as its bare form does.
    if (auto words = common_words(dictionary_->lemmas(base)); !words.empty()) return choose(words, base);
    const std::u32string b = decode_utf32(base);
    if (ends_with(b, U"ов") || ends_with(b, U"ев")) {
        // A genitive plural the dictionary lacks (владельцев, продавцов, кузнецов: it has
        // владельца but no -ьцев): the masculine noun whose genitive singular is the same stem
        // + а. Not a feminine noun in -а (Смирнов must not become смирна): its genitive plural
        // base would be its own lemma.
        const std::string singular = encode(std::u32string_view(b).substr(0, b.size() - 2)) + "\xD0\xB0";  // + а
        for (const auto& lemma : common_nouns(dictionary_->lemmas(singular))) {
            if (lemma.word != singular) return lemma.word;
        }
        // The genitive plural of a plural entry in -ья, listed bare (братьев: братья).
        if (ends_with(b, U"ьев")) {
            const std::string plural = encode(std::u32string_view(b).substr(0, b.size() - 2)) + "\xD1\x8F";  // + я
            for (const auto& lemma : common_nouns(dictionary_->lemmas(plural))) {
                if (lemma.word == plural) return stem_of(lemma);
            }
        }
        // Unknown to the dictionary: the stem of the noun it would be the genitive plural of
        // (акимов: аким, акиматов: акимат), which every form of the surname shares too
        // (Назарбаева, Назарбаевым: назарба).
        return encode(std::u32string_view(b).substr(0, b.size() - 2));
    }
    return base;
}

std::optional<RussianDictionary::Lemma> RussianStemmer::gap_lemma(const std::u32string& word, bool listed) const {
    // A form missing from the dictionary's paradigm of a noun it knows (владельцем: it has
    // владельца but no -ьцем; земель: the genitive plural with its inserted vowel). Read as the
    // stem + a case ending, the stem + а/я is then the noun's genitive (masculine) or
    // nominative (feminine), with the inserted vowel of the genitive plural taken out again.
    // The instrumental plural in -ьми (детьми, людьми, лошадьми, дверьми): the plural entry in
    // -и (дети, люди) or the noun in -ь (лошадь) it belongs to. Only here, not a rule ending for
    // unknown words: восьми (of восемь) ends so too, and the rules keep it восьм as before.
    if (ends_with(word, U"ьми") && word.size() >= 3 + kMinRuleStem) {
        const std::u32string stem = word.substr(0, word.size() - 3);
        for (std::u32string_view tail : {U"ь", U"и", U"ы"}) {
            const std::string probe = encode(stem + std::u32string(tail));
            for (const auto& lemma : common_nouns(dictionary_->lemmas(probe))) {
                if (lemma.word == probe) return lemma;
            }
        }
    }
    // The genitive plural in -ей of a plural entry in -ья (сыновей: сыновья, мужей: мужья); not
    // of a feminine singular in -ья, which has its accusative in -ью (семей stays the city's:
    // семья's own genitive plural is listed with its flags).
    if (ends_with(word, U"ей") && word.size() >= 2 + kMinRuleStem) {
        const std::u32string base = word.substr(0, word.size() - 2);
        const std::string probe = encode(base + U"ья");
        bool singular = false;
        for (const auto& other : dictionary_->lemmas(encode(base + U"ью"))) singular = singular || other.word == probe;
        for (const auto& lemma : common_nouns(dictionary_->lemmas(probe))) {
            if (lemma.word == probe && !singular) return lemma;
        }
    }
    for (std::u32string_view ending : kEndings) {
        if (!ends_with(word, ending) || word.size() < ending.size() + kMinRuleStem) continue;
        const std::u32string stem = word.substr(0, word.size() - ending.size());
        std::vector<std::u32string> stems{stem};
        const std::size_t n = stem.size();
        if (n >= 4 && (stem[n - 2] == U'е' || stem[n - 2] == U'о') && !is_vowel(stem[n - 3]) &&
            !is_vowel(stem[n - 1])) {
            stems.push_back(stem.substr(0, n - 2) + stem[n - 1]);  // земел -> земл
        }
        for (const std::u32string& s : stems) {
            for (std::u32string_view tail : {U"а", U"я"}) {
                const std::string probe = encode(s + std::u32string(tail));
                for (const auto& lemma : common_nouns(dictionary_->lemmas(probe))) return lemma;
            }
        }
    }
    // A genitive plural without an ending, which hunspell-ru lists bare (писем, озёр, денег):
    // the neuter, feminine or plural-only noun it is a form of, whose stem is the form without
    // the vowel inserted between its last two consonants, or with that vowel back as ь or й
    // (писем: письмо; денег: деньги; копеек: копейка; озёр: озеро). Only forms the dictionary
    // lists: an unknown name in a consonant is a nominative (Пекин is no form of пекина).
    const std::size_t n = word.size();
    if (!listed || n < kMinRuleStem || is_vowel(word.back()) || word.back() == U'ь' || word.back() == U'й') {
        return std::nullopt;
    }
    std::vector<std::u32string> stems{word};
    if (n >= 4 && (word[n - 2] == U'е' || word[n - 2] == U'о') && !is_vowel(word[n - 1])) {
        std::u32string dropped = word.substr(0, n - 2) + word[n - 1];
        if (!is_vowel(word[n - 3])) stems.push_back(dropped);  // сутки: суток
        for (char32_t sign : {U'ь', U'й'}) {
            std::u32string softened = word;
            softened[n - 2] = sign;  // письмо: писем; копейка: копеек
            stems.push_back(std::move(softened));
        }
    }
    for (const std::u32string& s : stems) {
        for (std::u32string_view tail : {U"о", U"е", U"а", U"я", U"и", U"ы"}) {
            const std::string probe = encode(s + std::u32string(tail));
            for (const auto& lemma : common_nouns(dictionary_->lemmas(probe))) {
                if (lemma.word == probe) return lemma;
            }
        }
    }
    return std::nullopt;
}

std::vector<RussianDictionary::Lemma> RussianStemmer::instrumentals_as_forms(
    std::vector<RussianDictionary::Lemma> lemmas) const {
    // hunspell-ru lists the instrumental in -ей of feminine nouns in -жа/-ша/-ча/-ща/-ца as an
    // entry of its own (кражей, Польшей, биржей, добычей, разницей; its flag adds -ею), so it and
    // кражею stemmed apart from кража, кражи, краже. Such an entry is read as its noun's form.
    // Only after those five letters, where the spelling writes -ей for -ой: музей, иудей are
    // words of their own beside муза, Иуда.
    bool read = false;
    for (auto& lemma : lemmas) {
        const std::u32string w = decode_utf32(lemma.word);
        if (!lemma.noun || w.size() < 4 || !ends_with(w, U"ей")) continue;
        if (std::u32string_view(U"жшчщц").find(w[w.size() - 3]) == std::u32string_view::npos) continue;
        const std::string nominative = encode(w.substr(0, w.size() - 2) + U"а");
        for (const auto& other : dictionary_->lemmas(nominative)) {
            if (other.noun && !other.bare && other.word == nominative) {
                lemma = other;
                read = true;
                break;
            }
        }
    }
    if (!read) return lemmas;
    std::sort(lemmas.begin(), lemmas.end(), [](const auto& a, const auto& b) { return a.word < b.word; });
    lemmas.erase(
        std::unique(lemmas.begin(), lemmas.end(), [](const auto& a, const auto& b) { return a.word == b.word; }),
        lemmas.end());
    return lemmas;
}

std::string RussianStemmer::operator()(const std::string& word) {
    // Without a dictionary, Snowball alone: most unknown words are then common words and verbs,
    // for which its rules are right more often than ours.
    if (!dictionary_ || word.size() > kMaxWordBytes) return snowball_(word);
    const std::u32string w = decode_utf32(word);
    if (!all_cyrillic(w)) return snowball_(word);  // digits or other letters inside: as before
    if (auto lemma = neuter_in_mya(w)) return *lemma;
    if (auto lemma = mother_or_daughter(w)) return *lemma;
    std::vector<RussianDictionary::Lemma> lemmas;
    if (dictionary_) lemmas = instrumentals_as_forms(dictionary_->lemmas(word));
    // A town in -ово/-ево/-ино (Кемерово, Сараево, Бородино, Булаево): its other forms have a
    // surname's shape (Кемерова, Кемеровом), so the nominative takes the surname's stem too. Only
    // when the dictionary does not know the word or lists it bare as a name: заново, казино,
    // пианино are words of their own.
    if (w.size() >= 6 && w.back() == U'о' &&
        (lemmas.empty() || (lemmas.size() == 1 && lemmas.front().bare && lemmas.front().proper))) {
        const std::u32string base = w.substr(0, w.size() - 1);
        if (surname_base(base) == base) return surname_stem(encode(base));
    }
    if (auto base = surname_base(w)) {
        // A surname's shape (Попова, Кузнецовым): the dictionary's reading as a common word
        // wins (основы, городов, острова, готова); its readings as names (the entries
        // Кузнецова, Смирнова, Путин) and as the possessive adjective that is the surname's
        // own base (попов) give way to the surname rule, which stems all its forms alike.
        const std::string base_text = encode(*base);
        // ... unless the dictionary lists the surname itself as a name (Путин: путина is then
        // Путина, not the fishing season).
        bool named = false;
        if (dictionary_) {
            for (const auto& lemma : dictionary_->lemmas(base_text))
                named = named || (lemma.proper && lemma.word == base_text);
        }
        if (auto words = common_words(lemmas); !words.empty() && !named) return choose(words, word);
        return surname_stem(base_text);
    }
    // A form listed bare (владельцем, земель: hunspell-ru fills its paradigms' gaps so) is read
    // as the noun whose paradigm it completes, when there is one.
    const bool bare = lemmas.size() == 1 && lemmas.front().bare;
    if (!lemmas.empty() && !bare) return choose(lemmas, word);
    if (auto lemma = gap_lemma(w, bare)) return stem_of(as_cited(*lemma));
    // A noun of three letters whose vowel drops leaving a soft sign (лёд, льда; лён, льна),
    // listed bare with its forms: the rules cut the forms to льд and leave the nominative лед.
    // Only when the dictionary lists the dropped genitive: other bare words of three letters
    // keep their rule stem.
    if (bare && w.size() == 3 && (w[1] == U'е' || w[1] == U'о') && !is_vowel(w[0]) && !is_vowel(w[2])) {
        const std::u32string dropped{w[0], U'ь', w[2]};
        const auto genitive = dictionary_->lemmas(encode(dropped + U"а"));
        if (genitive.size() == 1 && genitive.front().bare) return encode(dropped);
    }
    // Other bare forms take the rules, like unknown words: hunspell-ru lists the forms of nouns
    // whose vowel drops one by one (ветер, ветра, ветру; уголь, угля), and the rules join them.
    return rule_stem(word);
}

}  // namespace izdeu
