#include "schema.h"

#include <iterator>

#include <cstdio>

namespace izdeu::schema {

std::string hex_hash64(std::string_view bytes) {
    // FNV-1a: stable across builds and platforms, which std::hash is not.
    Hash64Stream h;
    h.update(bytes);
    return h.hex();
}

std::string Hash64Stream::hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(state_));
    return std::string(buf, 16);
}

std::string id_term(std::string_view id) {
    std::string term(kIdPrefix);
    if (id.size() + term.size() <= kMaxTermBytes) {
        term += id;
    } else {
        term += "#";
        term += hex_hash64(id);
    }
    return term;
}

std::string source_file_term(std::string_view path) {
    return std::string(kSourceFilePrefix) + hex_hash64(path);
}

namespace {

// The letters a spelling key writes as one byte, in byte order from 0x80.
constexpr char32_t kKeyLetters[] = {U'а', U'б', U'в', U'г', U'д', U'е', U'ж', U'з', U'и', U'й', U'к', U'л', U'м', U'н',
                                    U'о', U'п', U'р', U'с', U'т', U'у', U'ф', U'х', U'ц', U'ч', U'ш', U'щ', U'ъ', U'ы',
                                    U'ь', U'э', U'ю', U'я', U'ё', U'ә', U'ғ', U'қ', U'ң', U'ө', U'ұ', U'ү', U'һ', U'і'};
constexpr unsigned char kFirstKeyByte = 0x80;
static_assert(std::size(kKeyLetters) <= 0x40, "key bytes must stay UTF-8 continuation bytes");

int key_byte_of(char32_t c) {
    if (c >= U'а' && c <= U'я') return kFirstKeyByte + static_cast<int>(c - U'а');
    for (std::size_t i = 32; i < std::size(kKeyLetters); ++i) {
        if (kKeyLetters[i] == c) return kFirstKeyByte + static_cast<int>(i);
    }
    return -1;
}

}  // namespace

std::string spelling_key(std::string_view word) {
    std::string key;
    key.reserve(word.size());
    for (std::size_t i = 0; i < word.size();) {
        const auto lead = static_cast<unsigned char>(word[i]);
        if (lead < 0x80) {
            key += static_cast<char>(lead);
            ++i;
            continue;
        }
        // Two-byte characters only: every letter of the table is one.
        if ((lead & 0xE0) != 0xC0 || i + 1 >= word.size()) return std::string(word);
        const auto next = static_cast<unsigned char>(word[i + 1]);
        const char32_t c = (static_cast<char32_t>(lead & 0x1F) << 6) | (next & 0x3F);
        const int byte = key_byte_of(c);
        if (byte < 0) return std::string(word);
        key += static_cast<char>(byte);
        i += 2;
    }
    return key;
}

std::string word_of_spelling_key(std::string_view key) {
    // A byte that starts a UTF-8 character: the word was kept as it is.
    for (const char b : key) {
        if (static_cast<unsigned char>(b) >= 0xC0) return std::string(key);
    }
    std::string word;
    word.reserve(key.size() * 2);
    for (const char b : key) {
        const auto byte = static_cast<unsigned char>(b);
        if (byte < 0x80) {
            word += b;
            continue;
        }
        const std::size_t index = byte - kFirstKeyByte;
        if (index >= std::size(kKeyLetters)) return std::string(key);  // not a key: as it is
        const char32_t c = kKeyLetters[index];
        word += static_cast<char>(0xC0 | (c >> 6));
        word += static_cast<char>(0x80 | (c & 0x3F));
    }
    return word;
}

}  // namespace izdeu::schema

namespace izdeu::schema {

std::string identity_mismatch(const Xapian::Database& db, const std::string& analyzer_fingerprint) {
    const std::string version = db.get_metadata(std::string(kMetaSchemaVersion));
    const std::string analyzer = db.get_metadata(std::string(kMetaAnalyzer));
    if (version.empty() && analyzer.empty()) {
        if (db.get_doccount() == 0) return {};
        return "the database was not made by izdeu (no schema version recorded)";
    }
    if (version != std::to_string(kSchemaVersion)) {
        return "the database has schema version " + version + ", this izdeu reads version " +
               std::to_string(kSchemaVersion);
    }
    if (analyzer != analyzer_fingerprint) {
        return "the database was made by a different analyzer (" + analyzer + "; this is " + analyzer_fingerprint + ")";
    }
    return {};
}

}  // namespace izdeu::schema
