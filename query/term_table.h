#pragma once
// A hash table keyed by terms for the feedback's hot paths: open addressing, at most half full,
// every term's bytes in one buffer. (A map of strings allocated a node and a string for each of
// the ~2,800 terms of ten term lists, and hashed each term again at every lookup.)

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace izdeu::query {

/// The hash a TermTable files a term under.
inline std::size_t term_hash(std::string_view term) {
    return std::hash<std::string_view>()(term);
}

template <typename Value>
class TermTable {
  public:
    struct Entry {
        std::uint32_t offset = 0, size = 0;  // size 0: an empty slot (terms are never empty)
        std::size_t hash = 0;                // term_hash(term)
        Value value{};
    };

    /// The term's entry, or nullptr.
    const Entry* find(std::string_view term, std::size_t hash) const {
        const Entry& e = slots_[index_for(term, hash)];
        return e.size == 0 ? nullptr : &e;
    }

    /// The term's entry, added with a Value{} when missing. Other entries may move.
    Entry& add(std::string_view term, std::size_t hash) {
        if ((count_ + 1) * 2 > slots_.size()) grow();
        Entry& e = slots_[index_for(term, hash)];
        if (e.size == 0) {
            e.hash = hash;
            e.offset = static_cast<std::uint32_t>(bytes_.size());
            e.size = static_cast<std::uint32_t>(term.size());
            bytes_.append(term);
            ++count_;
        }
        return e;
    }

    std::string_view term(const Entry& e) const { return std::string_view(bytes_).substr(e.offset, e.size); }
    /// Every slot, the empty ones (size 0) included.
    const std::vector<Entry>& slots() const { return slots_; }
    std::size_t size() const { return count_; }

    void clear() {
        slots_.assign(kFirstSlots, Entry{});
        bytes_.clear();
        count_ = 0;
    }

  private:
    static constexpr std::size_t kFirstSlots = 1024;  // a power of two

    std::size_t index_for(std::string_view term, std::size_t hash) const {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const Entry& e = slots_[i];
            if (e.size == 0 || (e.hash == hash && this->term(e) == term)) return i;
        }
    }

    void grow() {
        std::vector<Entry> old(slots_.size() * 2);
        old.swap(slots_);
        for (const Entry& e : old) {
            if (e.size != 0) slots_[index_for(term(e), e.hash)] = e;
        }
    }

    std::vector<Entry> slots_ = std::vector<Entry>(kFirstSlots);
    std::string bytes_;
    std::size_t count_ = 0;
};

}  // namespace izdeu::query
