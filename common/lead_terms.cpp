#include "lead_terms.h"

#include <algorithm>

#include "schema.h"

namespace izdeu {

namespace {

constexpr std::size_t kKeyBytes = 5;

std::uint64_t key_of(std::string_view bytes, unsigned char domain) {
    // FNV-1a (stable across builds and platforms), then a finalizer so that the 40 bits kept
    // depend on every byte: FNV's top bits mix the last bytes poorly.
    std::uint64_t h = 1469598103934665603ULL;
    h = (h ^ domain) * 1099511628211ULL;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h >> (64 - 8 * kKeyBytes);
}

std::uint64_t read_key(const char* p) {
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < kKeyBytes; ++i) key = key << 8 | static_cast<unsigned char>(p[i]);
    return key;
}

}  // namespace

std::string lead_slot_description() {
    return "words " + std::to_string(kLeadSlotWords) + " family " + std::to_string(kLeadSlotFamilyLetters);
}

std::string_view first_letters(std::string_view word, std::size_t letters) {
    std::size_t count = 0, end = 0;
    while (end < word.size() && count < letters) {
        ++end;
        while (end < word.size() && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) ++end;
        ++count;
    }
    return count < letters ? std::string_view() : word.substr(0, end);
}

std::uint64_t lead_term_key(std::string_view term) {
    return key_of(term, 'T');
}

std::uint64_t lead_family_key(std::string_view stem_prefix) {
    return key_of(stem_prefix, 'F');
}

void LeadTermsWriter::add(std::string_view term, Xapian::termpos position) {
    if (position <= schema::kTitleBodyGap + kLeadSlotWords) keys_.push_back(lead_term_key(term));
}

void LeadTermsWriter::add_stem(std::string_view prefixed_stem, std::size_t prefix_bytes, Xapian::termpos position) {
    if (position > schema::kTitleBodyGap + kLeadSlotWords) return;
    keys_.push_back(lead_term_key(prefixed_stem));
    const std::string_view letters = first_letters(prefixed_stem.substr(prefix_bytes), kLeadSlotFamilyLetters);
    if (!letters.empty()) keys_.push_back(lead_family_key(prefixed_stem.substr(0, prefix_bytes + letters.size())));
}

std::string LeadTermsWriter::value() {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
    std::string out(keys_.size() * kKeyBytes, '\0');
    for (std::size_t k = 0; k < keys_.size(); ++k) {
        for (std::size_t i = 0; i < kKeyBytes; ++i) {
            out[k * kKeyBytes + i] = static_cast<char>(keys_[k] >> (8 * (kKeyBytes - 1 - i)));
        }
    }
    return out;
}

bool LeadTerms::contains(std::uint64_t key) const {
    // Binary search over the sorted fixed-size records.
    std::size_t low = 0, high = value_.size() / kKeyBytes;
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        const std::uint64_t at = read_key(value_.data() + middle * kKeyBytes);
        if (at == key) return true;
        if (at < key) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return false;
}

}  // namespace izdeu
