#include "stored_fields.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "utf8.h"

namespace izdeu::query {

namespace {

/// A flat JSON object of strings, numbers, true, false and null: what izdeu-index writes.
/// Any other shape fails, and the caller asks nlohmann.
class FlatObjectReader {
  public:
    explicit FlatObjectReader(std::string_view s) : s_(s) {}

    template <typename Visit>  // Visit(key) -> the string to fill with the value, or nullptr
    bool read(Visit&& target_for) {
        if (!eat('{')) return false;
        if (eat('}')) return at_end();
        std::string key;
        do {
            space();
            key.clear();
            if (!string(&key) || !eat(':')) return false;
            space();
            if (i_ >= s_.size()) return false;
            if (s_[i_] == '"') {
                std::string* target = target_for(key);
                if (target != nullptr) target->clear();  // a key given twice: the last one, as nlohmann
                if (!string(target)) return false;
            } else if (!scalar()) {
                return false;
            }
        } while (eat(','));
        return eat('}') && at_end();
    }

  private:
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
    }
    bool eat(char c) {
        space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    bool at_end() {
        space();
        return i_ == s_.size();
    }
    /// A number, true, false or null: characters that can only make one of those.
    bool scalar() {
        const std::size_t start = i_;
        while (i_ < s_.size() && std::strchr("+-.0123456789eEtrufalsn", s_[i_]) != nullptr && s_[i_] != '\0') ++i_;
        const std::string_view word = s_.substr(start, i_ - start);
        if (word.empty()) return false;
        if (word == "true" || word == "false" || word == "null") return true;
        return word.find_first_not_of("+-.0123456789eE") == std::string_view::npos;
    }
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    bool hex4(char32_t& out) {
        if (s_.size() - i_ < 4) return false;
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const int h = hex(s_[i_ + static_cast<std::size_t>(k)]);
            if (h < 0) return false;
            out = out * 16 + static_cast<char32_t>(h);
        }
        i_ += 4;
        return true;
    }
    /// A string at i_ (its opening quote), unescaped into out, or skipped when out is null.
    bool string(std::string* out) {
        if (i_ >= s_.size() || s_[i_] != '"') return false;
        ++i_;
        const char* const base = s_.data();
        while (true) {
            const void* q = std::memchr(base + i_, '"', s_.size() - i_);
            if (q == nullptr) return false;
            const auto quote = static_cast<std::size_t>(static_cast<const char*>(q) - base);
            const void* b = std::memchr(base + i_, '\\', quote - i_);
            if (b == nullptr) {  // no escape before the quote: the string ends there
                if (out != nullptr) out->append(base + i_, quote - i_);
                i_ = quote + 1;
                return true;
            }
            const auto backslash = static_cast<std::size_t>(static_cast<const char*>(b) - base);
            if (out != nullptr) out->append(base + i_, backslash - i_);
            i_ = backslash + 1;
            if (i_ >= s_.size()) return false;
            const char e = s_[i_++];
            char plain = 0;
            switch (e) {
                case '"':
                    plain = '"';
                    break;
                case '\\':
                    plain = '\\';
                    break;
                case '/':
                    plain = '/';
                    break;
                case 'b':
                    plain = '\b';
                    break;
                case 'f':
                    plain = '\f';
                    break;
                case 'n':
                    plain = '\n';
                    break;
                case 'r':
                    plain = '\r';
                    break;
                case 't':
                    plain = '\t';
                    break;
                case 'u': {
                    char32_t cp = 0;
                    if (!hex4(cp)) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        char32_t low = 0;
                        if (s_.substr(i_, 2) != "\\u") return false;
                        i_ += 2;
                        if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return false;
                    }
                    if (out != nullptr) append_utf8(*out, cp);
                    continue;
                }
                default:
                    return false;
            }
            if (out != nullptr) *out += plain;
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

}  // namespace

bool read_stored_fields(std::string_view data, bool want_text, StoredFields& out) {
    out = StoredFields();
    FlatObjectReader reader(data);
    const bool fast = reader.read([&](const std::string& key) -> std::string* {
        if (key == "id") return &out.id;
        if (key == "title") return &out.title;
        if (key == "date") return &out.date;
        if (key == "lang") return &out.lang;
        if (key == "credit") return &out.credit;
        if (key == "url") return &out.url;
        if (key == "text" && want_text) return &out.text;
        return nullptr;
    });
    if (fast) return true;
    // Not the shape izdeu-index writes (or not JSON at all): nlohmann decides.
    out = StoredFields();
    const nlohmann::json j = nlohmann::json::parse(data, nullptr, false);
    if (!j.is_object()) return false;
    auto field = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    out.id = field("id");
    out.title = field("title");
    out.date = field("date");
    out.lang = field("lang");
    out.credit = field("credit");
    out.url = field("url");
    if (want_text) out.text = field("text");
    return true;
}

}  // namespace izdeu::query
