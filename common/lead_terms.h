#pragma once
// The terms an article opens with, kept in a value slot (schema::kSlotLeadTerms) so that the
// lead boost reads one value per article instead of a position list per query form and
// article and the posting lists of every stem in a word's family (half of a default query's
// block reads on the benchmark's index; BENCHMARKS.md). The indexer and the searcher share this
// file, so the rule of what is "in the lead" is written once.
//
// A lead key is a term's 64-bit FNV-1a hash, mixed and cut to 40 bits: an article has ~80 keys,
// so a key of another term is found by chance about once in 10^10 look-ups.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace izdeu {

/// The body words the slot covers: a term is in it when one of its positions is at most
/// schema::kTitleBodyGap + kLeadSlotWords (the title and the body's first words, as the lead
/// boost counts them with its default --lead-words).
inline constexpr Xapian::termpos kLeadSlotWords = 30;
/// Letters of the family keys: a stem (schema::kStemPrefix) of at least this many letters in
/// the lead also writes the key of its first letters (the default --lead-prefix).
inline constexpr std::size_t kLeadSlotFamilyLetters = 5;

/// What kMetaLeadTerms records for an index whose every article carries the slot.
std::string lead_slot_description();

/// The first `letters` characters (UTF-8 code points) of `word`, or an empty string when it has
/// fewer.
std::string_view first_letters(std::string_view word, std::size_t letters);

/// The key of a term (with its prefix) in the lead.
std::uint64_t lead_term_key(std::string_view term);
/// The key of a word family in the lead: `stem_prefix` is schema::kStemPrefix and a stem's (or
/// the query word's) first kLeadSlotFamilyLetters letters.
std::uint64_t lead_family_key(std::string_view stem_prefix);

/// Gathers the keys of one article while its postings are written.
class LeadTermsWriter {
  public:
    /// A posting at `position`; counts only when it is in the lead.
    void add(std::string_view term, Xapian::termpos position);
    /// A stem posting (the stem with schema::kStemPrefix): its term and its family key.
    void add_stem(std::string_view prefixed_stem, std::size_t prefix_bytes, Xapian::termpos position);
    /// The slot's value: the keys sorted, each once, 5 bytes big-endian.
    std::string value();

  private:
    std::vector<std::uint64_t> keys_;
};

/// The keys of one article's slot value, for membership tests.
class LeadTerms {
  public:
    explicit LeadTerms(std::string_view value) : value_(value) {}
    bool contains(std::uint64_t key) const;
    bool empty() const { return value_.empty(); }

  private:
    std::string_view value_;
};

}  // namespace izdeu
